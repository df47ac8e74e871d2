"""Sign-in, sign-out and switching clinic."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from mesoclinic.clinics import views

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("clinic/<uuid:clinic_public_id>/switch/", views.switch_clinic, name="switch_clinic"),
]
