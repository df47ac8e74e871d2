"""Django admin for consultations: read-only for operators. Clinicians work in the app, where
clinic scoping, signing, amendments and the audit trail apply."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from mesoclinic.consultations.models import Consultation


@admin.register(Consultation)
class ConsultationAdmin(admin.ModelAdmin):
    list_display = ["public_id", "clinic", "consulted_at", "clinician_name", "signed_at"]
    list_filter = ["clinic"]
    exclude = ["questionnaire", "concerns", "assessment", "body_image_notes"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
