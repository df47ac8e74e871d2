"""Django admin for sessions (operators only; signed rows refuse changes in the model)."""

from __future__ import annotations

from django.contrib import admin

from mesoclinic.treatments.models import Injection, SessionArea, TreatmentSession


class SessionAreaInline(admin.TabularInline):
    model = SessionArea
    extra = 0


class InjectionInline(admin.TabularInline):
    model = Injection
    extra = 0
    fields = [
        "area",
        "side",
        "product",
        "lot",
        "volume_ml",
        "points",
        "depth_mm",
        "technique",
        "replaces",
        "amendment",
    ]
    # A correction is made on the session page (treatments.corrections), never here.
    readonly_fields = ["replaces", "amendment"]


@admin.register(TreatmentSession)
class TreatmentSessionAdmin(admin.ModelAdmin):
    list_display = ["public_id", "clinic", "performed_at", "indication", "signed_at"]
    list_filter = ["clinic", "indication"]
    inlines = [SessionAreaInline, InjectionInline]
