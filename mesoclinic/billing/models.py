"""The clinic's prices, invoices (and credit notes), payments and prepaid packages.

No clinical note is held or shown here: an invoice line says what was sold (a session, an
area), never what was found or injected. An issued invoice is never changed or deleted (model
guard here, database triggers in migration 0002); a refund is a credit note.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from mesoclinic.billing.amounts import ZERO, LineAmounts, line_amounts
from mesoclinic.billing.choices import InvoiceKind, PaymentMethod
from mesoclinic.clinical_codes import AREAS, INDICATIONS, choices
from mesoclinic.clinics.access import ClinicScopedManager
from mesoclinic.records.models import ImmutableRecordError

VAT_RATE_VALIDATORS = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]


class BillingSettings(models.Model):
    """The clinic's billing settings: its default VAT rate and its numbering prefixes.

    The VAT rate is the clinic's to set (its country's rate for aesthetic treatments, which
    are usually taxable); mesoclinic invents none, so a new clinic starts at 0 until set."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.OneToOneField(
        "clinics.Clinic", on_delete=models.PROTECT, related_name="billing_settings"
    )
    default_vat_rate_percent = models.DecimalField(
        _("default VAT rate (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(0),
        validators=VAT_RATE_VALIDATORS,
        help_text=_("Applied to every price that does not set its own rate"),
    )
    invoice_prefix = models.CharField(_("invoice number prefix"), max_length=10, default="F-")
    credit_note_prefix = models.CharField(
        _("credit note number prefix"), max_length=10, default="AV-"
    )
    version = models.PositiveIntegerField(default=1)

    objects = ClinicScopedManager()

    def __str__(self) -> str:
        return gettext("Billing settings")


class InvoiceCounter(models.Model):
    """The last number given in one series (invoices or credit notes) of a clinic.

    Locked with SELECT … FOR UPDATE by the transaction that issues a document, so numbers are
    gap-free and never repeated: a rolled-back issue rolls its increment back with it."""

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=InvoiceKind.choices)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["clinic", "kind"], name="billing_counter_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.last_number}"


class PriceItem(models.Model):
    """One entry of the price list: a treatment (optionally for one indication and area) or a
    prepaid package of several sessions, at a price before VAT in the clinic's currency."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=120)
    indication = models.CharField(
        _("indication"), max_length=30, choices=choices(INDICATIONS), blank=True
    )
    area = models.CharField(_("area"), max_length=20, choices=choices(AREAS), blank=True)
    sessions = models.PositiveSmallIntegerField(
        # A context: Django's own "sessions" (web sessions) would otherwise win in French.
        pgettext_lazy("treatment", "sessions"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("More than one: a prepaid package of this many sessions"),
    )
    unit_price = models.DecimalField(
        _("price before VAT"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0))],
    )
    vat_rate_percent = models.DecimalField(
        _("VAT rate (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=VAT_RATE_VALIDATORS,
        help_text=_("Leave empty for the clinic's default rate"),
    )
    is_active = models.BooleanField(_("on sale"), default=True)
    version = models.PositiveIntegerField(default=1)

    objects = ClinicScopedManager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_package(self) -> bool:
        return self.sessions > 1


class Invoice(models.Model):
    """An invoice or a credit note to a patient. A draft has no number and may change; issuing
    gives it the next number of its series and freezes it (totals, buyer's name, date)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="invoices"
    )
    kind = models.CharField(max_length=20, choices=InvoiceKind.choices, default=InvoiceKind.INVOICE)
    number = models.PositiveIntegerField(null=True, blank=True, editable=False)
    number_text = models.CharField(max_length=30, blank=True, editable=False)
    issued_at = models.DateTimeField(null=True, blank=True, editable=False)
    issue_date = models.DateField(null=True, blank=True, editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    currency = models.CharField(max_length=3)
    buyer_name = models.CharField(max_length=200, blank=True)
    # The signed session this invoice bills, if any (the desk invoices a session once signed).
    session = models.ForeignKey(
        "treatments.TreatmentSession",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # A credit note names the invoice it refunds, and why. Not PROTECT: an issued invoice is
    # never deleted anyway (model guard and trigger), and PROTECT would stop the one deletion
    # that removes both together (the demo's reset, with the triggers set aside).
    credits = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.DO_NOTHING, related_name="credit_notes"
    )
    reason = models.TextField(blank=True)
    net_total = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)
    vat_total = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)
    gross_total = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    objects = ClinicScopedManager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "kind", "number"],
                condition=Q(number__isnull=False),
                name="billing_invoice_number_once",
            ),
            models.CheckConstraint(
                condition=Q(number__isnull=True, issued_at__isnull=True)
                | Q(number__isnull=False, issued_at__isnull=False),
                name="billing_number_only_when_issued",
            ),
        ]
        indexes = [models.Index(fields=["clinic", "issue_date"], name="billing_invoice_day")]

    def __str__(self) -> str:
        return self.number_text or gettext("Draft")

    @property
    def is_issued(self) -> bool:
        return self.issued_at is not None

    @property
    def is_credit_note(self) -> bool:
        return self.kind == InvoiceKind.CREDIT_NOTE

    def _stored_issued(self) -> bool:
        # The row as stored, not as in memory: issuing is the one update that sets issued_at.
        return Invoice.objects.filter(pk=self.pk, issued_at__isnull=False).exists()

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and self._stored_issued():
            raise ImmutableRecordError(gettext("An issued invoice cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self._stored_issued():
            raise ImmutableRecordError(gettext("An issued invoice cannot be deleted."))
        return super().delete(*args, **kwargs)

    def paid(self) -> Decimal:
        annotated: Decimal | None = getattr(self, "paid_total", None)
        if annotated is not None:
            return annotated
        return self.payments.aggregate(s=models.Sum("amount"))["s"] or ZERO

    def balance_due(self) -> Decimal:
        """What the patient still owes (an invoice) or is still owed (a credit note, negative)."""
        return self.gross_total - self.paid() if self.is_issued else ZERO


class InvoiceLine(models.Model):
    """One line of an invoice: what was sold, how many, the price before VAT and the VAT rate;
    its amounts are rounded per line (to the cent, half up) and the totals add the lines."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    description = models.CharField(_("description"), max_length=200)
    quantity = models.DecimalField(
        _("quantity"), max_digits=7, decimal_places=2, default=Decimal(1)
    )
    unit_price = models.DecimalField(_("price before VAT"), max_digits=10, decimal_places=2)
    vat_rate_percent = models.DecimalField(
        _("VAT rate (%)"), max_digits=5, decimal_places=2, validators=VAT_RATE_VALIDATORS
    )
    net_amount = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)
    vat_amount = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)
    gross_amount = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)
    # A package line: the package this line sold.
    package = models.ForeignKey(
        "billing.Package", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A credit note's line: the invoice line it refunds (all or part of). Its amounts are set
    # by the credit (``amounts.credit_amounts``: the last credit of a line takes the VAT that
    # remains to the cent), not recomputed from quantity and price. DO_NOTHING as for
    # ``Invoice.credits``: an issued line is never deleted anyway.
    credits_line = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.DO_NOTHING, related_name="credited_by"
    )

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.description

    def amounts(self) -> LineAmounts:
        if self.credits_line_id is not None:
            return LineAmounts(self.net_amount, self.vat_amount, self.gross_amount)
        return line_amounts(self.quantity, self.unit_price, self.vat_rate_percent)

    def _invoice_issued(self) -> bool:
        return Invoice.objects.filter(pk=self.invoice_id, issued_at__isnull=False).exists()

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._invoice_issued():
            raise ImmutableRecordError(gettext("An issued invoice cannot be changed."))
        amounts = self.amounts()
        self.net_amount, self.vat_amount, self.gross_amount = amounts
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self._invoice_issued():
            raise ImmutableRecordError(gettext("An issued invoice cannot be changed."))
        return super().delete(*args, **kwargs)


class Payment(models.Model):
    """Money received against an issued invoice (or paid back against a credit note, as a
    negative amount). Never changed or deleted: a mistake is put right by a credit note."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    method = models.CharField(_("method"), max_length=10, choices=PaymentMethod.choices)
    received_at = models.DateTimeField()
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = ClinicScopedManager()

    class Meta:
        ordering = ["received_at"]
        indexes = [models.Index(fields=["clinic", "received_at"], name="billing_payment_day")]

    def __str__(self) -> str:
        return f"{self.amount} {self.method}"

    @property
    def patient(self) -> Any:
        # The audit trail finds the patient through the record (audit.services.record).
        return self.invoice.patient

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ImmutableRecordError(gettext("A payment cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ImmutableRecordError(gettext("A payment cannot be deleted."))


class Package(models.Model):
    """A prepaid course of sessions sold to a patient (e.g. 6 sessions). Each signed session of
    the patient (of its indication, if it names one) uses one; voiding it ends what is left."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="billing_packages"
    )
    name = models.CharField(max_length=120)
    indication = models.CharField(max_length=30, choices=choices(INDICATIONS), blank=True)
    sessions_total = models.PositiveSmallIntegerField()
    sold_at = models.DateTimeField()
    sold_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    voided_at = models.DateTimeField(null=True, blank=True)
    void_reason = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = ClinicScopedManager()

    class Meta:
        ordering = ["sold_at"]

    def __str__(self) -> str:
        return self.name

    def sessions_used(self) -> int:
        return self.uses.filter(reversed_at__isnull=True).count()

    def balance(self) -> int:
        """Sessions left: none once voided."""
        if self.voided_at is not None:
            return 0
        return max(self.sessions_total - self.sessions_used(), 0)


class PackageUse(models.Model):
    """One session of a package used by a signed treatment session. Reversed (with a reason)
    rather than deleted when it was wrongly taken, which gives the session back."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    package = models.ForeignKey(Package, on_delete=models.PROTECT, related_name="uses")
    session = models.ForeignKey(
        "treatments.TreatmentSession", on_delete=models.PROTECT, related_name="+"
    )
    used_at = models.DateTimeField()
    reversed_at = models.DateTimeField(null=True, blank=True)
    reverse_reason = models.TextField(blank=True)
    reversed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = ClinicScopedManager()

    class Meta:
        ordering = ["used_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["session"],
                condition=Q(reversed_at__isnull=True),
                name="billing_session_uses_one_package",
            )
        ]

    def __str__(self) -> str:
        return f"{self.package} {self.used_at:%Y-%m-%d}"

    @property
    def patient(self) -> Any:
        return self.package.patient
