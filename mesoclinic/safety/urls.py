"""URLs of the safety app."""

from __future__ import annotations

from django.urls import path

from mesoclinic.safety import signal_views, views

app_name = "safety"
urlpatterns = [
    path("open/", views.open_events, name="open"),
    path("signals/", signal_views.dashboard, name="signals"),
    path(
        "signals/lots/<uuid:public_id>/quarantine/",
        signal_views.quarantine_lot,
        name="quarantine_lot",
    ),
    path("patients/<uuid:public_id>/record/", views.record_event, name="record"),
    path("events/<uuid:public_id>/edit/", views.edit_event, name="edit"),
]
