"""The practice's own side-effect and responder rates, shown beside the published rates on the
consent page (a decision aid) and frozen into the consent the patient signs (issue 16, part 2).

The figures come from the evidence engine, which sits above consent in the layer order
(CONTRIBUTING.md): consent asks for them with the ``practice_rates_wanted`` signal and the
evidence app answers (``mesoclinic/evidence/decision_aid.py``). They are aggregates only:
counts, rates, intervals and medians per event type, never a patient, a session or a date of
one. Computing them reads the whole clinic's record, so the evidence app caches its answer
against a fingerprint of the records (it recomputes as soon as anything is added or amended).

What the patient saw is what is stored: the page carries the figures it showed in a signed
hidden field (``seal``), and the capture stores exactly those (``unseal``), so new records
arriving between reading and signing do not change the signed consent.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.dispatch import Signal
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _

from mesoclinic.clinical_codes import AE_TYPES, MEASUREMENT_KINDS
from mesoclinic.clinics.models import Clinic

# Sent with sender=Clinic, clinic=<Clinic>, indication=<code>; a receiver returns the figures
# (a JSON-ready dict, see evidence/decision_aid.py) or None.
practice_rates_wanted = Signal()

SALT = "mesoclinic.consent.practice-rates"
ICONS = 100

# What a responder is, in words a patient reads, per outcome (the thresholds are the evidence
# engine's: mesoclinic/evidence/engine/responders.py and its sources).
RESPONDER_WORDS: dict[str, Promise] = {
    "smfrs": _(
        "fat under the chin rated at least one grade better by both the practitioner and the "
        "patient, about 12 weeks after the last session"
    ),
    "pcss": _(
        "cellulite rated at least one level better by both the practitioner and the patient, "
        "8 to 16 weeks after the last session"
    ),
    "hexsel_css": _(
        "a cellulite severity score at least one point lower, 8 to 16 weeks after the last session"
    ),  # fmt: skip
    "gais": _("a result rated “improved” or better at the last rating of the course"),
}


def figures_for(clinic: Clinic, indication: str) -> dict[str, Any] | None:
    """The clinic's figures for one indication, or None when no app computes them."""
    for _receiver, answer in practice_rates_wanted.send(sender=Clinic, clinic=clinic, indication=indication):  # fmt: skip
        if isinstance(answer, dict):
            return dict(answer)
    return None


def seal(figures: dict[str, Any] | None) -> str:
    """The figures as a tamper-proof token for the page's hidden field."""
    return signing.dumps(figures, salt=SALT, compress=True)


def unseal(token: str) -> dict[str, Any] | None:
    """The figures the page showed; ValueError when the token is missing or was altered."""
    try:
        value = signing.loads(token, salt=SALT)
    except signing.BadSignature as exc:
        raise ValueError("practice figures token is not valid") from exc
    if value is not None and not isinstance(value, dict):
        raise ValueError("practice figures token is not valid")
    return value


def _percent(value: float | None) -> float | None:
    return None if value is None else round(100.0 * value, 1)


def _days(value: float | None) -> int | None:
    """Whole days (durations are differences of dates) as an int, so that the sentence takes
    its singular or plural form."""
    return None if value is None else round(float(value))


def _span(rates: list[float]) -> tuple[float, float] | None:
    """The placebo arms' lowest and highest rate, per 100."""
    if not rates:
        return None
    return (_percent(min(rates)) or 0.0, _percent(max(rates)) or 0.0)


@dataclass(frozen=True)
class Line:
    """One side effect or the responder rate, as the page shows it."""

    label: Any
    in_100: float
    low_in_100: float | None
    high_in_100: float | None
    icons_filled: int
    median_days: int | None = None
    median_days_ci: tuple[float | None, float | None] = (None, None)
    detail: Any = ""
    placebo_in_100: tuple[float, float] | None = None

    @property
    def icons(self) -> list[tuple[int, int, bool]]:
        """A 10 × 10 icon array: (x, y, filled) per person, filled ones first, row by row."""
        return [(10 * (i % 10) + 5, 10 * (i // 10) + 5, i < self.icons_filled) for i in range(ICONS)]  # fmt: skip


def lines(figures: dict[str, Any] | None) -> dict[str, Any]:
    """The figures ready for the template: side effects and responders as ``Line``s."""
    if not figures:
        return {"figures": None, "side_effects": [], "responders": None}
    # Shown as a date in the reader's format; stored as ISO text in the JSON.
    figures = figures | {"computed_on": dt.date.fromisoformat(str(figures["computed_on"]))}
    side_effects = []
    for row in figures.get("side_effects", []):
        rate = float(row["rate_per_session"])
        low, high = row["ci95"]
        side_effects.append(
            Line(
                label=gettext_lazy(AE_TYPES.get(row["type"], row["type"])),
                in_100=_percent(rate) or 0.0,
                low_in_100=_percent(low),
                high_in_100=_percent(high),
                icons_filled=round(100 * rate),
                median_days=_days(row.get("median_days_to_resolution")),
                median_days_ci=tuple(row.get("median_days_to_resolution_ci95") or (None, None)),
            )
        )
    responders = None
    found = figures.get("responders")
    if found:
        outcome = str(figures.get("outcome", ""))
        key = "gais" if found.get("rater") else outcome
        kind = MEASUREMENT_KINDS.get(outcome)
        responders = Line(
            label=gettext_lazy(kind.label) if kind else outcome,
            in_100=_percent(found["rate"]) or 0.0,
            low_in_100=_percent(found["ci95"][0]),
            high_in_100=_percent(found["ci95"][1]),
            icons_filled=round(100 * float(found["rate"])),
            detail=RESPONDER_WORDS.get(key, ""),
            placebo_in_100=_span(found.get("placebo_rates") or []),
        )
    return {"figures": figures, "side_effects": side_effects, "responders": responders}
