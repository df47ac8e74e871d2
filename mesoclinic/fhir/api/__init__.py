"""The FHIR R4 REST API (``/fhir/R4/``)."""
