"""URLs of the consultations app."""

from __future__ import annotations

from django.urls import path

from mesoclinic.consultations import views

app_name = "consultations"
urlpatterns = [
    path("new/<uuid:patient_id>/", views.consultation_create, name="create"),
    path("<uuid:public_id>/", views.consultation_detail, name="detail"),
    path("<uuid:public_id>/edit/", views.consultation_edit, name="edit"),
    path("<uuid:public_id>/sign/", views.consultation_sign, name="sign"),
    path("<uuid:public_id>/amend/", views.consultation_amend, name="amend"),
]
