"""Patient register and search (the chart is in workspace)."""

from __future__ import annotations

from django.urls import path

from mesoclinic.patients import views

app_name = "patients"
urlpatterns = [
    path("", views.patient_list, name="list"),
    path("new/", views.patient_create, name="create"),
    path("<uuid:public_id>/edit/", views.patient_edit, name="edit"),
]
