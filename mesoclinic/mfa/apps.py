"""The second sign-in step: authenticator apps (TOTP), passkeys and recovery codes."""

from __future__ import annotations

from django.apps import AppConfig


class MfaConfig(AppConfig):
    name = "mesoclinic.mfa"
    label = "mfa"
    verbose_name = "Sign-in second step"

    def ready(self) -> None:
        from mesoclinic.mfa import open_decision

        open_decision.connect()
