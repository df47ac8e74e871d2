"""A practice's own dose limits, stored per clinic and turned into the engine's ``RuleSet``.

The engine (engine.py, rules.py) stays pure Python; ``dosing.services.clinic_rules`` builds
``RuleSet.defaults().with_practice_caps(...)`` and the session protocol from these rows.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mesoclinic.dosing.rules import cap_text
from mesoclinic.records.models import ClinicalRecord


class DoseLimit(ClinicalRecord):
    """A practice's per-session limit on one substance (mg and/or mg/kg), with its source.

    Clinically: the practice's own ceiling for a substance in one treatment session, e.g. "no
    more than 200 mg lidocaine per session in this clinic" or "phosphatidylcholine 5 g per
    sitting under the PC/DC protocol". With ``protocol`` blank it applies to every session;
    with a protocol name it applies to sessions recorded under that protocol. Limits only
    tighten the sourced defaults (a protocol may replace the phosphatidylcholine default, R5
    of docs/dose-rules.md). A limit is retired (``is_active`` False), never deleted, so the
    audit trail can always say which limits a signed session was checked against.
    """

    substance = models.CharField(
        max_length=100, help_text=_("substance code as in product ingredients, e.g. lidocaine")
    )
    protocol = models.CharField(
        max_length=100,
        blank=True,
        help_text=_("blank: every session; otherwise only sessions under this protocol name"),
    )
    max_mg = models.DecimalField(
        _("Maximum per session (mg)"),
        max_digits=12,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.0001"))],
    )
    mg_per_kg = models.DecimalField(
        _("Maximum per kg body weight (mg/kg)"),
        max_digits=8,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.0001"))],
    )
    source = models.TextField(help_text=_("where the limit comes from: guideline, paper, policy"))
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["substance", "protocol", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(max_mg__isnull=False) | models.Q(mg_per_kg__isnull=False),
                name="dose_limit_has_a_value",
            ),
            models.CheckConstraint(condition=~models.Q(source=""), name="dose_limit_has_source"),
        ]
        indexes = [
            models.Index(fields=["clinic", "is_active", "substance"], name="dose_limit_clinic")
        ]

    def __str__(self) -> str:
        if self.protocol:
            return gettext("%(substance)s: %(limit)s (protocol %(protocol)s)") % {
                "substance": self.substance,
                "limit": self.limit_text,
                "protocol": self.protocol,
            }
        return f"{self.substance}: {self.limit_text}"

    @property
    def limit_text(self) -> str:
        return cap_text(self.max_mg, self.mg_per_kg)
