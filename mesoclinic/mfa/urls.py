"""The second sign-in step, and the passkey ceremonies (JSON, called by static/mfa/passkeys.js)."""

from __future__ import annotations

from django.urls import path

from mesoclinic.mfa import passkeys, views

app_name = "mfa"

urlpatterns = [
    path("verify/", views.verify, name="verify"),
    path("enrol/", views.enrol, name="enrol"),
    path("", views.manage, name="manage"),
    path("remove/", views.remove_device, name="remove_device"),
    path("recovery-codes/", views.regenerate_codes, name="regenerate_codes"),
    path("clinic-rule/", views.clinic_policy, name="clinic_policy"),
    path("language/", views.language, name="language"),
    path(
        "passkey/register/begin/", passkeys.RegisterBegin.as_view(), name="passkey_register_begin"
    ),
    path(
        "passkey/register/complete/",
        passkeys.RegisterComplete.as_view(),
        name="passkey_register_complete",
    ),
    path("passkey/auth/begin/", passkeys.AuthBegin.as_view(), name="passkey_auth_begin"),
    path("passkey/auth/complete/", passkeys.AuthComplete.as_view(), name="passkey_auth_complete"),
]
