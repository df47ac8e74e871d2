"""Running the practice's server: backups and restores, the health endpoint, request logs."""

from __future__ import annotations

from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "mesoclinic.operations"
    label = "operations"
    verbose_name = "Operations"

    def ready(self) -> None:
        import mesoclinic.operations.checks  # noqa: F401  (registers the deploy checks)
