"""Sign-in, today's list, clinic switching and staff management."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from mesoclinic.clinics import views

urlpatterns = [
    path("", views.today, name="today"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("session/time-left/", views.session_time_left, name="session_time_left"),
    path("session/keep-alive/", views.session_keep_alive, name="session_keep_alive"),
    path("clinic/<uuid:clinic_public_id>/switch/", views.switch_clinic, name="switch_clinic"),
    path("clinic/settings/", views.clinic_settings, name="clinic_settings"),
    path("staff/", views.staff_list, name="staff_list"),
    path("staff/new/", views.staff_create, name="staff_create"),
    path("staff/<uuid:public_id>/", views.staff_edit, name="staff_edit"),
]
