"""Read-only admin views of aftercare rows, for operators investigating a problem."""

from __future__ import annotations

from django.contrib import admin

from mesoclinic.aftercare.models import CallLog, CheckIn, Escalation


@admin.register(CheckIn)
class CheckInAdmin(admin.ModelAdmin):
    list_display = ("public_id", "clinic", "kind", "status", "window_start", "window_end")
    list_filter = ("status", "kind", "clinic")
    readonly_fields = [f.name for f in CheckIn._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Escalation)
class EscalationAdmin(admin.ModelAdmin):
    list_display = ("public_id", "clinic", "level", "code", "created_at", "acknowledged_at")
    list_filter = ("level", "code", "clinic")
    readonly_fields = [f.name for f in Escalation._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(CallLog)
class CallLogAdmin(admin.ModelAdmin):
    list_display = ("public_id", "clinic", "called_by_name", "called_at", "outcome")
    readonly_fields = [f.name for f in CallLog._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
