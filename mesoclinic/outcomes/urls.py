"""URLs of the outcomes app."""

from __future__ import annotations

from django.urls import path

from mesoclinic.outcomes import views

app_name = "outcomes"
urlpatterns = [
    path("patients/<uuid:public_id>/record/", views.record_measurements, name="record"),
    path("measurements/<uuid:public_id>/edit/", views.edit_measurement, name="edit"),
    path("measurements/<uuid:public_id>/delete/", views.delete_measurement, name="delete"),
]
