"""The second sign-in step: authenticator apps (TOTP), passkeys and recovery codes."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MfaConfig(AppConfig):
    name = "mesoclinic.mfa"
    label = "mfa"
    verbose_name = _("Sign-in second step")

    def ready(self) -> None:
        from mesoclinic.mfa import open_decision

        open_decision.connect()
