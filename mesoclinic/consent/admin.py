"""Django admin for consent templates: read-only for operators. Templates are versioned, so
they are never edited here; clinic admins use the app's template pages.

Consents themselves hold patient data and are not in the Django admin (docs/audit.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

from django.contrib import admin
from django.http import HttpRequest

from mesoclinic.consent.models import ConsentTemplate

if TYPE_CHECKING:
    # django-stubs makes these Django classes generic, but Django's own cannot be subscripted
    # at runtime (django_stubs_ext.monkeypatch() is not installed): the model parameters are
    # for the type checker only.
    _TemplateAdmin: TypeAlias = admin.ModelAdmin[ConsentTemplate]
else:
    _TemplateAdmin = admin.ModelAdmin


@admin.register(ConsentTemplate)
class ConsentTemplateAdmin(_TemplateAdmin):
    list_display = ["title", "code", "template_version", "clinic", "indication", "is_active"]
    list_filter = ["clinic", "indication", "is_active"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: ConsentTemplate | None = None
    ) -> bool:
        return False

    def has_delete_permission(
        self, request: HttpRequest, obj: ConsentTemplate | None = None
    ) -> bool:
        return False
