"""URLs of the appointments app (staff pages)."""

from __future__ import annotations

from django.urls import path

from mesoclinic.appointments import manage_views, views

app_name = "appointments"
urlpatterns = [
    path("", views.calendar_view, name="calendar"),
    path("book/", views.book, name="book"),
    path("setup/", manage_views.setup, name="setup"),
    path("feed/", manage_views.feed, name="feed"),
    path("types/<uuid:public_id>/", manage_views.type_edit, name="type_edit"),
    path("resources/<uuid:public_id>/", manage_views.resource_edit, name="resource_edit"),
    path("patient/<uuid:public_id>/", manage_views.patient_appointments, name="patient"),
    path("patient/<uuid:public_id>/reminders/", manage_views.opt_out, name="opt_out"),
    path("<uuid:public_id>/", views.detail, name="detail"),
    path("<uuid:public_id>/move/", views.move, name="move"),
    path("<uuid:public_id>/cancel/", views.cancel, name="cancel"),
    path("<uuid:public_id>/status/", views.status, name="status"),
]
