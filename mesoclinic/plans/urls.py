"""URLs of the plans app."""

from __future__ import annotations

from django.urls import path

from mesoclinic.plans import views

app_name = "plans"
urlpatterns = [
    path("new/<uuid:patient_id>/", views.plan_create, name="create"),
    path("<uuid:public_id>/edit/", views.plan_edit, name="edit"),
    path("<uuid:public_id>/mark/<slug:status>/", views.plan_close, name="close"),
]
