"""Django admin for treatment plans (operators only)."""

from __future__ import annotations

from django.contrib import admin

from mesoclinic.plans.models import PlanArea, TreatmentPlan


class PlanAreaInline(admin.TabularInline):
    model = PlanArea
    extra = 0


@admin.register(TreatmentPlan)
class TreatmentPlanAdmin(admin.ModelAdmin):
    list_display = ["public_id", "clinic", "indication", "status", "created_at"]
    list_filter = ["clinic", "indication", "status"]
    inlines = [PlanAreaInline]
