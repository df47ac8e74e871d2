"""Django admin for the formulary: read-mostly, for operators."""

from __future__ import annotations

from django.contrib import admin

from mesoclinic.formulary.models import Ingredient, Lot, Product


class IngredientInline(admin.TabularInline):
    model = Ingredient
    extra = 0


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["name", "clinic", "procedure_type", "is_active"]
    list_filter = ["clinic", "procedure_type", "is_active"]
    inlines = [IngredientInline]


@admin.register(Lot)
class LotAdmin(admin.ModelAdmin):
    list_display = ["lot_number", "product", "clinic", "expiry_date", "status", "remaining_ml"]
    list_filter = ["clinic", "status"]
    search_fields = ["lot_number"]
