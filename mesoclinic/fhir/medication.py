"""Medication: one per lot held by the clinic (a product's batch, the unit of recall), with
its ingredients' strengths, lot number and expiry. A line given from no recorded lot (an
imported record) carries a contained Medication of its product instead."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from mesoclinic.fhir.codes import MG, ML, concept, quantity
from mesoclinic.fhir.context import ExportContext, meta, number
from mesoclinic.formulary.models import Lot, Product


def ingredients(product: Product) -> list[dict[str, Any]]:
    """Each active substance at its strength: mg per 1 mL (a UCUM ratio)."""
    return [
        {
            "itemCodeableConcept": concept(text=ingredient.substance),
            "isActive": True,
            "strength": {
                "numerator": quantity(number(ingredient.mg_per_ml), MG),
                "denominator": quantity(1, ML),
            },
        }
        for ingredient in product.ingredients.all()
    ]


def medication(
    product: Product, *, lot_number: str = "", expiry: dt.date | None = None
) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Medication",
        "code": concept(text=product.name),
        "status": "active" if product.is_active else "inactive",
    }
    if product.manufacturer:
        resource["manufacturer"] = {"display": product.manufacturer}
    parts = ingredients(product)
    if parts:
        resource["ingredient"] = parts
    batch: dict[str, Any] = {}
    if lot_number:
        batch["lotNumber"] = lot_number
    if expiry is not None:
        batch["expirationDate"] = expiry.isoformat()
    if batch:
        resource["batch"] = batch
    return resource


def to_medication(lot: Lot) -> dict[str, Any]:
    return {
        "id": str(lot.public_id),
        "meta": meta(lot.version, lot.updated_at),
        **medication(lot.product, lot_number=lot.lot_number, expiry=lot.expiry_date),
    }


def lot_rows(ctx: ExportContext) -> QuerySet[Lot]:
    return (
        Lot.objects.for_clinic(ctx.clinic)
        .filter(**ctx.since_filter())
        .select_related("product")
        .prefetch_related("product__ingredients")
    )


def medications(ctx: ExportContext) -> Iterator[dict[str, Any]]:
    rows = lot_rows(ctx).order_by("id").iterator(chunk_size=500)
    for lot in rows:
        yield to_medication(lot)
