"""Formulary workflows: saving a product with its ingredients, receiving lots, holding and recalling them."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.forms import BaseInlineFormSet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mesoclinic.clinics.models import Clinic
from mesoclinic.formulary.choices import LotStatus, VialType
from mesoclinic.formulary.models import Ingredient, Lot, Product
from mesoclinic.records.models import STALE_EDIT, StaleRecordError
from mesoclinic.records.services import check_read_version, save_versioned

if TYPE_CHECKING:
    from mesoclinic.formulary.forms import IngredientForm


class FormularyError(Exception):
    """A formulary change that is refused; the message says why."""


def ingredients_locked(product: Product) -> bool:
    """A product injected in a signed session keeps its ingredients: the signed dose totals
    were computed from them. A new formulation is a new product. A line since replaced by a
    correction counts too: the signed original stays readable with its totals."""
    return product.injections.filter(session__signed_at__isnull=False).exists()


def save_product(
    clinic: Clinic,
    user: Any,
    fields: dict[str, Any],
    ingredients: BaseInlineFormSet[Ingredient, Product, IngredientForm],
    product: Product | None = None,
    expected_version: int | None = None,
) -> Product:
    """Create or update a product and its ingredients in one transaction; an update needs the
    ``expected_version`` the form was read at."""
    with transaction.atomic():
        if product is None:
            product = Product(clinic=clinic, created_by=user, **fields)
            product.save()
        else:
            if ingredients.has_changed() and ingredients_locked(product):
                raise FormularyError(
                    gettext(
                        "Ingredients: this product was used in signed sessions, so its "
                        "ingredients cannot change. Create a new product for the new formulation."
                    )
                )
            product = save_versioned(product, check_read_version(expected_version), fields)
        ingredients.instance = product
        ingredients.save()
    return product


def receive_lot(clinic: Clinic, user: Any, fields: dict[str, Any]) -> Lot:
    """Book a delivered lot into stock: remaining volume is quantity × volume per vial."""
    lot = Lot(clinic=clinic, created_by=user, **fields)
    lot.remaining_ml = lot.quantity_received * lot.vial_volume_ml if lot.vial_volume_ml else None
    with transaction.atomic():
        lot.save()
    return lot


# Which status each action moves a lot to, and from which statuses it may.
TRANSITIONS: dict[str, tuple[str, frozenset[str]]] = {
    "quarantine": (LotStatus.QUARANTINED, frozenset({LotStatus.AVAILABLE})),
    # A used-up lot can still be recalled: the patients who received it must be found.
    "recall": (
        LotStatus.RECALLED,
        frozenset({LotStatus.AVAILABLE, LotStatus.QUARANTINED, LotStatus.USED_UP}),
    ),
    "release": (LotStatus.AVAILABLE, frozenset({LotStatus.QUARANTINED})),
}

PAST = {"quarantine": "quarantined", "recall": "recalled", "release": "released"}
# What the user is told when a lot's state refuses the action; "done" is PAST in their language.
REFUSED = {
    "quarantine": _("Lot %(lot)s is %(status)s; it cannot be quarantined."),
    "recall": _("Lot %(lot)s is %(status)s; it cannot be recalled."),
    "release": _("Lot %(lot)s is %(status)s; it cannot be released."),
}
DONE = {
    "quarantine": _("Lot %(lot)s quarantined."),
    "recall": _("Lot %(lot)s recalled."),
    "release": _("Lot %(lot)s released."),
}


def _status(lot: Lot) -> str:
    return str(lot.get_status_display()).lower()


def change_lot_status(lot: Lot, action: str, reason: str, expected_version: int) -> Lot:
    """Quarantine, recall or release a lot, as read at ``expected_version``. Versioned so that
    two people acting at once cannot, say, release a lot someone has just recalled."""
    expected_version = check_read_version(expected_version)
    target, allowed_from = TRANSITIONS[action]
    if action == "release" and lot.remaining_ml is not None and lot.remaining_ml <= 0:
        target = LotStatus.USED_UP
    with transaction.atomic():
        fresh = Lot.objects.select_for_update().get(pk=lot.pk)
        if fresh.version != expected_version:
            # Said first: "already quarantined" would hide that someone acted meanwhile.
            raise StaleRecordError(STALE_EDIT)
        if fresh.status not in allowed_from:
            raise FormularyError(
                REFUSED[action] % {"lot": fresh.lot_number, "status": _status(fresh)}
            )
        return save_versioned(fresh, expected_version, {"status": target, "status_reason": reason})


def open_vial(
    lot: Lot, opened_at: dt.datetime, beyond_use_date: dt.date, expected_version: int, on: dt.date
) -> Lot:
    """Record that a new vial of a multi-dose lot was opened, with its beyond-use date.

    The lot keeps one open vial: opening the next vial replaces both dates (the audit trail
    keeps every opening). Only an available, in-date multi-dose lot can be opened.
    """
    if lot.vial_type != VialType.MULTI:
        raise FormularyError(
            gettext("Lot %(lot)s is single-dose: each vial is used once, with no beyond-use date.")
            % {"lot": lot.lot_number}
        )
    with transaction.atomic():
        fresh = Lot.objects.select_for_update().get(pk=lot.pk)
        if fresh.status != LotStatus.AVAILABLE:
            raise FormularyError(
                gettext("Lot %(lot)s is %(status)s; a vial of it cannot be opened.")
                % {"lot": fresh.lot_number, "status": _status(fresh)}
            )
        if fresh.expiry_date is not None and on > fresh.expiry_date:
            raise FormularyError(
                gettext("Lot %(lot)s expired on %(date)s.")
                % {"lot": fresh.lot_number, "date": f"{fresh.expiry_date:%Y-%m-%d}"}
            )
        return save_versioned(
            fresh,
            expected_version,
            {"opened_at": opened_at, "beyond_use_date": beyond_use_date},
        )
