"""Django admin for measurements (operators only, read-only: corrections go through the
audited, versioned pages of the app)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from mesoclinic.outcomes.models import Measurement


@admin.register(Measurement)
class MeasurementAdmin(admin.ModelAdmin):
    list_display = ["public_id", "clinic", "kind", "measured_on", "imported"]
    list_filter = ["clinic", "kind", "imported"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
