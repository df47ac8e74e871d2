"""The patient's reply link from a reminder (no account) and the staff calendar feed (a token)."""

from __future__ import annotations

from django.urls import path

from mesoclinic.appointments import ical, patient_views

app_name = "appointments_patient"
urlpatterns = [
    path("r/<uuid:public_id>/<str:token>/", patient_views.open_link, name="open"),
    path("r/<uuid:public_id>/", patient_views.reply, name="reply"),
    path("ical/<str:token>.ics", ical.feed, name="feed"),
]
