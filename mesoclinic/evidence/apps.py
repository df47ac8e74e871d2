"""The evidence report: effect estimates, responder and adverse-event rates from the records."""

from __future__ import annotations

from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "mesoclinic.evidence"
    label = "evidence"
    verbose_name = "Evidence"
