"""Django admin for consent templates: read-only for operators. Templates are versioned, so
they are never edited here; clinic admins use the app's template pages.

Consents themselves hold patient data and are not in the Django admin (docs/audit.md).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from mesoclinic.consent.models import ConsentTemplate


@admin.register(ConsentTemplate)
class ConsentTemplateAdmin(admin.ModelAdmin):
    list_display = ["title", "code", "template_version", "clinic", "indication", "is_active"]
    list_filter = ["clinic", "indication", "is_active"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
