"""The surfaces that gather many apps: Today, the patient chart, staff and clinic settings."""

from __future__ import annotations

from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    name = "mesoclinic.workspace"
    label = "workspace"
    verbose_name = "Workspace"
