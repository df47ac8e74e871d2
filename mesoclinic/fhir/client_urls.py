"""The clinic admin's pages for FHIR backend clients (under ``/clinic/fhir-clients/``)."""

from __future__ import annotations

from django.urls import path

from mesoclinic.fhir.smart import pages

app_name = "fhir_clients"
urlpatterns = [
    path("", pages.client_list, name="list"),
    path("new/", pages.client_create, name="create"),
    path("<uuid:public_id>/revoke/", pages.client_revoke, name="revoke"),
]
