"""Django admin for adverse events (operators only, read-only: every change goes through the
audited, versioned pages of the app)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from mesoclinic.safety.models import AdverseEvent


@admin.register(AdverseEvent)
class AdverseEventAdmin(admin.ModelAdmin):
    list_display = ["public_id", "clinic", "event_type", "severity", "serious", "onset_date"]
    list_filter = ["clinic", "event_type", "severity", "serious"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
