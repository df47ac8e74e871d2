"""Treatment sessions and the injections given in them."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mesoclinic.clinical_codes import AREAS, INDICATIONS, SIDES, TECHNIQUES, choices
from mesoclinic.clinics.access import ClinicScopedQuerySet
from mesoclinic.records.choice_labels import ChoiceLabels
from mesoclinic.records.models import ImmutableRecordError, SignableRecord


class Anaesthesia(models.TextChoices):
    NONE = "none", _("None")
    TOPICAL = "topical", _("Topical cream")
    ICE = "ice", _("Ice / cooling")
    LOCAL = "local", _("Local infiltration")


class TreatmentSession(SignableRecord):
    """One treatment visit: who injected what, where, how deep, with which lots.

    A nurse may draft it; a practitioner signs it, after which it only changes by amendment.
    ``source_id`` keeps a registry bundle's ``session_id`` so re-imports are idempotent and
    exports give the same ids back.
    """

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="sessions"
    )
    plan = models.ForeignKey(
        "plans.TreatmentPlan",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sessions",
    )
    performed_at = models.DateTimeField()
    indication = models.CharField(max_length=30, choices=choices(INDICATIONS))
    protocol = models.CharField(max_length=100, blank=True)
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    practitioner_ref = models.CharField(
        max_length=64, blank=True, help_text=_("registry practitioner_id")
    )
    anaesthesia = models.CharField(
        max_length=10, choices=Anaesthesia.choices, default=Anaesthesia.NONE
    )
    technique = models.CharField(max_length=10, choices=choices(TECHNIQUES), blank=True)
    needle = models.CharField(
        max_length=50, blank=True, help_text=_("gauge and length, e.g. 30G 4 mm")
    )
    depth_mm = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(20))],
    )
    notes = models.TextField(blank=True)
    source_id = models.CharField(max_length=64, blank=True)
    imported = models.BooleanField(default=False)
    # A dose-check override, written in the signing transaction (treatments.services.
    # sign_session): the practitioner signed despite the violations listed, for this reason.
    dose_override_reason = models.TextField(blank=True)
    dose_override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    dose_override_by_name = models.CharField(max_length=200, blank=True)
    dose_override_at = models.DateTimeField(null=True, blank=True)
    dose_override_violations = models.JSONField(
        default=list, blank=True, help_text=_("the dose-check violations overridden, as at signing")
    )
    # The signing gates (treatments.gates), written in the signing transaction: an override of
    # the absolute contraindications found by the screening (reason, who, when, which), the
    # relative ones the signer acknowledged, and every gate as it was evaluated.
    contraindication_override_reason = models.TextField(blank=True)
    contraindication_override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    contraindication_override_by_name = models.CharField(max_length=200, blank=True)
    contraindication_override_at = models.DateTimeField(null=True, blank=True)
    contraindication_override_findings = models.JSONField(
        default=list, blank=True, help_text=_("the absolute contraindications overridden")
    )
    relative_contraindications_acknowledged = models.JSONField(
        default=list, blank=True, help_text=_("the relative contraindications acknowledged")
    )
    gates_at_signing = models.JSONField(
        default=list, blank=True, help_text=_("the signing gates as evaluated at signing")
    )
    # The dose check as it stood at signing (dosing.snapshot: verdict, rules with their
    # numbers and sources, practice limits, weight, engine version), written in the signing
    # transaction before the row becomes immutable, so the signed page shows what was checked
    # rather than a recomputation. None: a draft, imported, or signed before checks were kept.
    dose_check_at_signing = models.JSONField(
        null=True,
        blank=True,
        editable=False,
        help_text=_("the dose check as at signing: verdict, rules, limits and weight used"),
    )

    class Meta:
        ordering = ["-performed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "source_id"],
                condition=~models.Q(source_id=""),
                name="session_source_id_unique",
            )
        ]
        indexes = [
            models.Index(
                fields=["clinic", "patient", "-performed_at"], name="session_clinic_patient"
            )
        ]

    def __str__(self) -> str:
        return gettext("Session %(date)s") % {"date": f"{self.performed_at:%Y-%m-%d}"}

    @property
    def dose_overridden(self) -> bool:
        return self.dose_override_at is not None

    @property
    def contraindication_overridden(self) -> bool:
        return self.contraindication_override_at is not None

    @property
    def total_volume_ml(self) -> Decimal:
        return sum((i.volume_ml for i in self.lines_in_effect()), Decimal(0))

    def lines_in_effect(self) -> list[Injection]:
        """The injection lines as corrected (``Injection.objects.in_effect()``), with product
        and lot; from ``prefetch_lines_in_effect()`` when the caller prefetched them."""
        prefetched: list[Injection] | None = getattr(self, LINES_IN_EFFECT, None)
        if prefetched is not None:
            return prefetched
        return list(self.injections.in_effect().select_related("product", "lot"))


class SessionArea(ChoiceLabels, models.Model):
    """An area and side treated in a session, with the price charged for it."""

    session = models.ForeignKey(TreatmentSession, on_delete=models.CASCADE, related_name="areas")
    area = models.CharField(max_length=20, choices=choices(AREAS))
    side = models.CharField(max_length=10, choices=choices(SIDES))
    price = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    currency = models.CharField(max_length=3, blank=True)
    # A registry bundle's x_ columns, kept verbatim so that an export gives them back.
    extra = models.JSONField(default=dict, blank=True, help_text=_("registry bundle x_ columns"))

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "area", "side"], name="session_area_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_area_display()} ({self.get_side_display()})"

    def _session_signed(self) -> bool:
        # Read the database, not the in-memory session, which may have been loaded before signing.
        return TreatmentSession.objects.filter(pk=self.session_id, signed_at__isnull=False).exists()

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._session_signed():
            raise ImmutableRecordError("The session is signed; its areas cannot change.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self._session_signed():
            raise ImmutableRecordError("The session is signed; its areas cannot be removed.")
        return super().delete(*args, **kwargs)


class InjectionQuerySet(ClinicScopedQuerySet["Injection"]):
    def in_effect(self) -> InjectionQuerySet:
        """The lines as the record now stands: those no correction has replaced.

        A signed line is never changed or deleted; a correction inserts a new line that
        ``replaces`` it (see treatments.line_amendments). Recall, safety signals, dose totals,
        the chart and the registry export all read through this one filter. It is an
        anti-join on the unique index of ``replaces``, so a recall query still starts from
        ``injection_clinic_lot`` and probes one index entry per line.
        """
        return self.filter(replaced_by__isnull=True)


InjectionManager = models.Manager.from_queryset(InjectionQuerySet)
# The attribute prefetch_lines_in_effect() fills and TreatmentSession.lines_in_effect() reads.
LINES_IN_EFFECT = "prefetched_lines_in_effect"


def prefetch_lines_in_effect(
    *prefetch: str, defer: tuple[str, ...] = ()
) -> models.Prefetch[str, InjectionQuerySet, str]:
    """Prefetch each session's lines in effect, with product and lot (and ``prefetch``, e.g.
    ``product__ingredients``), for ``TreatmentSession.lines_in_effect()``: one query for all
    the sessions; without the fields in ``defer``."""
    lines = Injection.objects.in_effect().select_related("product", "lot").defer(*defer)
    if prefetch:
        lines = lines.prefetch_related(*prefetch)
    return models.Prefetch("injections", queryset=lines, to_attr=LINES_IN_EFFECT)


class Injection(ChoiceLabels, models.Model):
    """One syringe or injection line: product, lot, volume, points, depth and technique at an area.

    A line of a signed session is never changed: a correction (a wrong lot, say) is a new
    line that ``replaces`` it and points to the ``Amendment`` saying who corrected it, when
    and why. The replaced line stays readable; ``Injection.objects.in_effect()`` gives the
    lines as corrected.
    """

    public_id = models.UUIDField(unique=True, editable=False, default=uuid.uuid4)
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    session = models.ForeignKey(
        TreatmentSession, on_delete=models.PROTECT, related_name="injections"
    )
    area = models.CharField(max_length=20, choices=choices(AREAS))
    side = models.CharField(max_length=10, choices=choices(SIDES))
    product = models.ForeignKey(
        "formulary.Product", on_delete=models.PROTECT, related_name="injections"
    )
    lot = models.ForeignKey(
        "formulary.Lot", null=True, blank=True, on_delete=models.PROTECT, related_name="injections"
    )
    # The expiry as written on the source record (registry imports); the lot's own expiry
    # is authoritative for entries made in the app.
    lot_expiry = models.DateField(null=True, blank=True)
    used_after_expiry = models.BooleanField(default=False)
    volume_ml = models.DecimalField(
        max_digits=7, decimal_places=3, validators=[MinValueValidator(Decimal("0.001"))]
    )
    points = models.PositiveIntegerField(null=True, blank=True, validators=[MinValueValidator(1)])
    depth_mm = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(20))],
    )
    technique = models.CharField(max_length=10, choices=choices(TECHNIQUES), blank=True)
    # A registry bundle's x_ columns, kept verbatim so that an export gives them back.
    extra = models.JSONField(default=dict, blank=True, help_text=_("registry bundle x_ columns"))
    # A correction of a signed line: the line it replaces (at most once: a later correction
    # replaces this one) and the amendment that records who, when and why.
    replaces = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by"
    )
    amendment = models.ForeignKey(
        "records.Amendment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="injection_lines",
    )

    # Injections carry their clinic so recall and exports scope them like every other record.
    objects = InjectionManager()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(volume_ml__gt=0), name="injection_volume_positive"
            ),
            # A line is replaced at most once (a later correction replaces the correction).
            # A partial unique index, which SQLite adds without rebuilding the table (a
            # rebuild would drop the table's immutability triggers).
            models.UniqueConstraint(
                fields=["replaces"],
                condition=models.Q(replaces__isnull=False),
                name="injection_replaced_once",
            ),
        ]
        indexes = [models.Index(fields=["clinic", "lot"], name="injection_clinic_lot")]

    def __str__(self) -> str:
        return f"{self.product} {self.volume_ml} mL at {self.area}"

    @property
    def is_correction(self) -> bool:
        return self.replaces_id is not None

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The one write a signed session accepts: inserting a correction (a new row that
        # replaces a line, with its amendment). Nothing already stored is ever updated.
        if self.is_correction and self.amendment_id is None:
            raise ImmutableRecordError("A correction of a line must name its amendment.")
        inserting_correction = self._state.adding and self.is_correction
        if (
            not inserting_correction
            and TreatmentSession.objects.filter(
                pk=self.session_id, signed_at__isnull=False
            ).exists()
        ):
            raise ImmutableRecordError("The session is signed; its injections cannot change.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if TreatmentSession.objects.filter(pk=self.session_id, signed_at__isnull=False).exists():
            raise ImmutableRecordError("The session is signed; its injections cannot be removed.")
        return super().delete(*args, **kwargs)


# The injection map's points live in their own module; imported here so Django finds the model.
from mesoclinic.treatments.injection_map_models import (  # noqa: E402
    InjectionMapPoint as InjectionMapPoint,
)
