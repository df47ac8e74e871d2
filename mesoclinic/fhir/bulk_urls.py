"""FHIR Bulk Data Access 2.0 under ``/fhir/R4/``: kick-off, status and files."""

from __future__ import annotations

from django.urls import path

from mesoclinic.fhir.bulk import views

app_name = "fhir_bulk"
urlpatterns = [
    path("$export", views.system_export, name="export"),
    path("Patient/$export", views.patient_export, name="patient_export"),
    path("Group/<str:group_id>/$export", views.group_export, name="group_export"),
    path("bulk/<uuid:public_id>", views.status, name="status"),
    path("bulk/<uuid:public_id>/<str:resource_type>.ndjson", views.download, name="file"),
]
