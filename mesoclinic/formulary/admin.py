"""Django admin for the formulary: read-mostly, for operators."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

from django.contrib import admin

from mesoclinic.formulary.models import Ingredient, Lot, Product

if TYPE_CHECKING:
    # django-stubs makes these Django classes generic, but Django's own cannot be subscripted
    # at runtime (django_stubs_ext.monkeypatch() is not installed): the model parameters are
    # for the type checker only.
    _IngredientInline: TypeAlias = admin.TabularInline[Ingredient, Product]
    _ProductAdmin: TypeAlias = admin.ModelAdmin[Product]
    _LotAdmin: TypeAlias = admin.ModelAdmin[Lot]
else:
    _IngredientInline = admin.TabularInline
    _ProductAdmin = _LotAdmin = admin.ModelAdmin


class IngredientInline(_IngredientInline):
    model = Ingredient
    extra = 0


@admin.register(Product)
class ProductAdmin(_ProductAdmin):
    list_display = ["name", "clinic", "procedure_type", "is_active"]
    list_filter = ["clinic", "procedure_type", "is_active"]
    inlines = [IngredientInline]


@admin.register(Lot)
class LotAdmin(_LotAdmin):
    list_display = ["lot_number", "product", "clinic", "expiry_date", "status", "remaining_ml"]
    list_filter = ["clinic", "status"]
    search_fields = ["lot_number"]
