"""SMART Backend Services: the token endpoint, its discovery document, client keys and the
per-client rate limit (docs/fhir.md)."""
