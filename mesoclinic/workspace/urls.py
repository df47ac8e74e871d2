"""Today's list, the patient chart, a plan's page, staff management and the clinic's settings.

Names are not namespaced, as Today's and the staff pages' were when they lived in clinics."""

from __future__ import annotations

from django.urls import path

from mesoclinic.workspace import views

urlpatterns = [
    path("", views.today, name="today"),
    path("patients/<uuid:public_id>/", views.patient_chart, name="patient_chart"),
    path("plans/<uuid:public_id>/", views.plan_page, name="plan_detail"),
    path("clinic/settings/", views.clinic_settings, name="clinic_settings"),
    path("staff/", views.staff_list, name="staff_list"),
    path("staff/new/", views.staff_create, name="staff_create"),
    path("staff/<uuid:public_id>/", views.staff_edit, name="staff_edit"),
    path("staff/<uuid:public_id>/unlock/", views.staff_unlock, name="staff_unlock"),
    path("staff/<uuid:public_id>/send-reset/", views.staff_send_reset, name="staff_send_reset"),
    path(
        "staff/<uuid:public_id>/reset-second-step/",
        views.staff_reset_second_step,
        name="staff_reset_second_step",
    ),
]
