"""Sign-in, sign-out, resetting a forgotten password and switching clinic."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from mesoclinic.clinics import views

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password-reset/", views.ResetRequestView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        views.ResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("session/time-left/", views.session_time_left, name="session_time_left"),
    path("session/keep-alive/", views.session_keep_alive, name="session_keep_alive"),
    path("clinic/<uuid:clinic_public_id>/switch/", views.switch_clinic, name="switch_clinic"),
]
