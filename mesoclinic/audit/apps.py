"""Who read or changed which patient's data, when and from where."""

from __future__ import annotations

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "mesoclinic.audit"
    label = "audit"
    verbose_name = "Audit"

    def ready(self) -> None:
        from mesoclinic.audit import signals  # noqa: F401  (connects the sign-in receivers)
