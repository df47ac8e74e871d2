"""URLs of the safety app."""

from __future__ import annotations

from django.urls import path

from mesoclinic.safety import views

app_name = "safety"
urlpatterns = [
    path("open/", views.open_events, name="open"),
    path("patients/<uuid:public_id>/record/", views.record_event, name="record"),
    path("events/<uuid:public_id>/edit/", views.edit_event, name="edit"),
]
