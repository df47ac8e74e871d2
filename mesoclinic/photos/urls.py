"""URLs of the clinical photos app."""

from __future__ import annotations

from django.urls import path

from mesoclinic.photos import views

app_name = "photos"
urlpatterns = [
    path("patients/<uuid:public_id>/", views.patient_photos, name="patient"),
    path("patients/<uuid:public_id>/compare/", views.compare, name="compare"),
    path("sessions/<uuid:public_id>/", views.capture, name="capture"),
    path("<uuid:public_id>/image/", views.image, name="image"),
    path("<uuid:public_id>/thumbnail/", views.thumbnail, name="thumbnail"),
]
