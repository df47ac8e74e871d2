"""Import and export of the registry CSV bundle."""

from __future__ import annotations

from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "mesoclinic.registry"
    label = "registry"
    verbose_name = "Registry bundles"
