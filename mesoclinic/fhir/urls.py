"""The FHIR R4 REST API's addresses, mounted at ``fhir/R4/`` (``docs/fhir.md``).

Types and ids are matched by FHIR's own syntax (a type is capitalised, an id is
``[A-Za-z0-9-.]{1,64}``), so ``auth/token``, ``$export`` or ``Patient/$export`` never reach
these views. The last pattern answers every other address under ``fhir/R4/`` with an
OperationOutcome 404; it must stay last, after any other module included at ``fhir/R4/``."""

from __future__ import annotations

from django.urls import path, re_path

from mesoclinic.fhir.api import views

app_name = "fhir"

urlpatterns = [
    path("metadata", views.metadata, name="metadata"),
    re_path(
        r"^(?P<resource_type>[A-Z][A-Za-z]+)/(?P<resource_id>[A-Za-z0-9\-.]{1,64})$",
        views.read_view,
        name="read",
    ),
    re_path(r"^(?P<resource_type>[A-Z][A-Za-z]+)$", views.search_view, name="search"),
    re_path(r"^(?P<rest>.*)$", views.not_found, name="not_found"),
]
