"""The patient-facing check-in link (no account)."""

from __future__ import annotations

from django.urls import path

from mesoclinic.aftercare import patient_views

app_name = "aftercare_patient"
urlpatterns = [
    path("<uuid:public_id>/<str:token>/", patient_views.open_link, name="check_in"),
    path("<uuid:public_id>/", patient_views.check_in, name="form"),
]
