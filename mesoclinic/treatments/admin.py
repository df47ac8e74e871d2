"""Django admin for sessions (operators only; signed rows refuse changes in the model, and a
draft is signed only in the app, through the signing gates)."""

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
    # Signing goes through treatments.services.sign_session and its gates only: the signature,
    # the overrides and the gates as checked are never typed in here.
    readonly_fields = [
        "signed_at",
        "signed_by",
        "signed_by_name",
        "dose_override_reason",
        "dose_override_by",
        "dose_override_by_name",
        "dose_override_at",
        "dose_override_violations",
        "contraindication_override_reason",
        "contraindication_override_by",
        "contraindication_override_by_name",
        "contraindication_override_at",
        "contraindication_override_findings",
        "relative_contraindications_acknowledged",
        "gates_at_signing",
    ]
