"""Products, their ingredients, and lots."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mesoclinic.clinics.access import ClinicScopedQuerySet
from mesoclinic.formulary.choices import (
    INFORMED_OUTCOMES,
    LotStatus,
    ProcedureType,
    RecallContactOutcome,
    VialType,
)
from mesoclinic.records.models import ClinicalRecord

# Issue #3 ("expiry alerts 30 days ahead"): how far ahead a lot's expiry is flagged.
EXPIRY_ALERT_DAYS = 30


class Product(ClinicalRecord):
    """Something injected: a labelled drug, a compounded cocktail or a local anaesthetic."""

    name = models.CharField(max_length=200)
    manufacturer = models.CharField(max_length=200, blank=True)
    procedure_type = models.CharField(
        max_length=30, choices=ProcedureType.choices, default=ProcedureType.OTHER
    )
    is_active = models.BooleanField(default=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "name"], name="product_name_unique_in_clinic")
        ]

    def __str__(self) -> str:
        return self.name


class Ingredient(models.Model):
    """One active substance of a product at its concentration (e.g. lidocaine 10 mg/mL)."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="ingredients")
    substance = models.CharField(
        max_length=100, help_text=_("lower-case name, e.g. lidocaine, deoxycholic_acid")
    )
    mg_per_ml = models.DecimalField(max_digits=10, decimal_places=4)

    class Meta:
        ordering = ["substance"]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "substance"], name="ingredient_once_per_product"
            ),
            models.CheckConstraint(
                condition=models.Q(mg_per_ml__gte=0), name="ingredient_concentration_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.substance} {self.mg_per_ml.normalize()} mg/mL"


class LotQuerySet(ClinicScopedQuerySet["Lot"]):
    def expiring_soon(self, today: dt.date) -> LotQuerySet:
        """Available lots whose expiry falls in the next EXPIRY_ALERT_DAYS days (today included)."""
        return self.filter(
            status=LotStatus.AVAILABLE,
            expiry_date__gte=today,
            expiry_date__lte=today + dt.timedelta(days=EXPIRY_ALERT_DAYS),
        )

    def expired_but_available(self, today: dt.date) -> LotQuerySet:
        """Lots past their expiry that are still marked available: take them off the shelf."""
        return self.filter(status=LotStatus.AVAILABLE, expiry_date__lt=today)

    def past_beyond_use(self, today: dt.date) -> LotQuerySet:
        """Available multi-dose lots whose opened vial has passed its beyond-use date."""
        return self.filter(status=LotStatus.AVAILABLE, beyond_use_date__lt=today)


LotManager = models.Manager.from_queryset(LotQuerySet)


class Lot(ClinicalRecord):
    """A manufacturer's batch of a product held by the clinic: the unit of recall."""

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="lots")
    lot_number = models.CharField(max_length=100)
    expiry_date = models.DateField(null=True, blank=True)
    received_on = models.DateField(null=True, blank=True)
    quantity_received = models.PositiveIntegerField(
        default=0, help_text=_("vials or syringes received")
    )
    vial_volume_ml = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    remaining_ml = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    vial_type = models.CharField(max_length=10, choices=VialType.choices, default=VialType.SINGLE)
    opened_at = models.DateTimeField(null=True, blank=True)
    beyond_use_date = models.DateField(
        null=True, blank=True, help_text=_("after opening a multi-dose vial")
    )
    status = models.CharField(max_length=20, choices=LotStatus.choices, default=LotStatus.AVAILABLE)
    status_reason = models.CharField(max_length=300, blank=True)

    objects: ClassVar[LotManager[Lot]] = LotManager()

    class Meta:
        ordering = ["product__name", "expiry_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "product", "lot_number"], name="lot_number_unique_per_product"
            )
        ]
        indexes = [models.Index(fields=["clinic", "lot_number"], name="lot_clinic_number")]

    def __str__(self) -> str:
        return gettext("%(product)s lot %(lot)s") % {
            "product": self.product.name,
            "lot": self.lot_number,
        }

    def is_expired(self, on: dt.date) -> bool:
        if self.expiry_date is not None and on > self.expiry_date:
            return True
        return self.beyond_use_date is not None and on > self.beyond_use_date

    def unusable_kind(self, on: dt.date) -> str | None:
        """Why this lot must not be injected on ``on``, as a code (recalled, quarantined,
        expired, beyond_use, used_up) a page can test whatever the language; None when it may."""
        if self.status == LotStatus.RECALLED:
            return "recalled"
        if self.status == LotStatus.QUARANTINED:
            return "quarantined"
        if self.expiry_date is not None and on > self.expiry_date:
            return "expired"
        if self.beyond_use_date is not None and on > self.beyond_use_date:
            return "beyond_use"
        if self.remaining_ml is not None and self.remaining_ml <= Decimal(0):
            return "used_up"
        return None

    def unusable_reason(self, on: dt.date) -> str | None:
        """Why this lot must not be injected on ``on``, in the user's language; None when it may."""
        kind = self.unusable_kind(on)
        lot = self.lot_number
        if kind == "recalled":
            return gettext("Lot %(lot)s is recalled.") % {"lot": lot}
        if kind == "quarantined":
            return gettext("Lot %(lot)s is quarantined.") % {"lot": lot}
        if kind == "expired":
            return gettext("Lot %(lot)s expired on %(date)s.") % {
                "lot": lot,
                "date": f"{self.expiry_date:%Y-%m-%d}",
            }
        if kind == "beyond_use":
            return gettext("Lot %(lot)s passed its beyond-use date (%(date)s).") % {
                "lot": lot,
                "date": f"{self.beyond_use_date:%Y-%m-%d}",
            }
        if kind == "used_up":
            return gettext("Lot %(lot)s is used up.") % {"lot": lot}
        return None


class RecallContact(ClinicalRecord):
    """One attempt to tell a patient who received a recalled lot: when, by whom, how it ended
    (reached, told in writing, a message left, no answer, no working number) and what was
    said. The patient's chart shows the recall until an attempt that informed them."""

    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="recall_contacts")
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="recall_contacts"
    )
    outcome = models.CharField(max_length=15, choices=RecallContactOutcome.choices)
    contacted_at = models.DateTimeField()
    contacted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    contacted_by_name = models.CharField(max_length=200)
    note = models.TextField(blank=True, help_text=_("what the patient was told and what they said"))

    class Meta:
        ordering = ["-contacted_at", "-id"]
        indexes = [
            models.Index(fields=["clinic", "lot", "patient"], name="recall_contact_lot_patient")
        ]

    def __str__(self) -> str:
        return f"Recall contact: {self.get_outcome_display()} at {self.contacted_at:%Y-%m-%d %H:%M}"

    @property
    def informed(self) -> bool:
        """Whether the patient now knows about the recall."""
        return self.outcome in INFORMED_OUTCOMES
