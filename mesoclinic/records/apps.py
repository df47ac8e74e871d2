"""Signing, immutability and amendments shared by every signed clinical record."""

from __future__ import annotations

from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "mesoclinic.records"
    label = "records"
    verbose_name = "Records"
