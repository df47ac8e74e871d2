"""The FHIR R4 REST API's addresses, mounted at ``fhir/`` (``docs/fhir.md``): the API is at
``fhir/R4/``, and every other address under ``fhir/`` is an OperationOutcome 404 too.

Types and ids are matched by FHIR's own syntax (a type is capitalised, an id is
``[A-Za-z0-9-.]{1,64}``), so ``auth/token``, ``$export`` or ``Patient/$export`` never reach
these views. The last pattern answers every other address under ``fhir/`` with an
OperationOutcome 404; this module must be included after any other module served under
``fhir/`` (the SMART token endpoint, Bulk Data)."""

from __future__ import annotations

from django.urls import path, re_path

from mesoclinic.fhir.api import binary, views

app_name = "fhir"

urlpatterns = [
    path("R4/metadata", views.metadata, name="metadata"),
    # Before the generic read: Binary is no searchable type, only the pixels of a Media.
    re_path(
        r"^R4/Binary/(?P<resource_id>[A-Za-z0-9\-.]{1,64})$", binary.binary_read, name="binary"
    ),
    re_path(
        r"^R4/(?P<resource_type>[A-Z][A-Za-z]+)/(?P<resource_id>[A-Za-z0-9\-.]{1,64})$",
        views.read_view,
        name="read",
    ),
    re_path(r"^R4/(?P<resource_type>[A-Z][A-Za-z]+)$", views.search_view, name="search"),
    re_path(r"^(?P<rest>.*)$", views.not_found, name="not_found"),
]
