"""FHIR Bulk Data Access 2.0 ``$export``: kick-off, background job, status, files (docs/fhir.md)."""
