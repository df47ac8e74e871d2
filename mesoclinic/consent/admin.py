"""Django admin for consent: read-only for operators. Templates are versioned and consents are
signed records, so neither is ever edited here; clinic admins use the app's template pages."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from mesoclinic.consent.models import Consent, ConsentTemplate


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ConsentTemplate)
class ConsentTemplateAdmin(ReadOnlyAdmin):
    list_display = ["title", "code", "template_version", "clinic", "indication", "is_active"]
    list_filter = ["clinic", "indication", "is_active"]


@admin.register(Consent)
class ConsentAdmin(ReadOnlyAdmin):
    list_display = ["public_id", "clinic", "template", "patient_signed_at", "signed_at"]
    list_filter = ["clinic"]
    exclude = ["body_snapshot", "discussed", "patient_typed_name", "patient_signature_png"]
