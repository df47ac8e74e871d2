"""What the signing gates (``treatments.gates``) reason about: the facts of a patient's consents
and consultations, the session planned, and each gate's verdict with its status and fix.

Pure Python (no Django import).
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

OK = "ok"
BLOCKS = "blocks"
NEEDS_OVERRIDE = "needs_override"
NEEDS_ACKNOWLEDGEMENT = "needs_acknowledgement"


def gettext_noop(text: str) -> str:
    """Mark ``text`` for the treatments' translation catalogue without importing Django
    (makemessages finds this name); the pages translate it where they show it."""
    return text


def _english(text: str) -> str:
    return text


def _english_plural(singular: str, plural: str, n: int) -> str:
    return singular if n == 1 else plural


# The gates' sentences are whole patterns of the treatments catalogue, read through Django's
# gettext once it is installed at start-up (``TreatmentsConfig.ready``): English without it.
_translate: Callable[[str], str] = _english
_translate_plural: Callable[[str, str, int], str] = _english_plural


def translate_with(
    translate: Callable[[str], str], translate_plural: Callable[[str, str, int], str]
) -> None:
    global _translate, _translate_plural
    _translate, _translate_plural = translate, translate_plural


def _(message: str) -> str:
    """A sentence in the active language (``_`` is a keyword makemessages extracts)."""
    return _translate(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """A sentence with a count, in the active language's plural."""
    return _translate_plural(singular, plural, n)


STATUSES: dict[str, str] = {
    OK: gettext_noop("Met"),
    BLOCKS: gettext_noop("Blocks signing"),
    NEEDS_OVERRIDE: gettext_noop("Needs an override"),
    NEEDS_ACKNOWLEDGEMENT: gettext_noop("Needs acknowledgement"),
}

# What the person can do about a gate; ``treatments.readiness`` turns each into a link.
RECORD_CONSENT = "record_consent"
SIGN_CONSENT = "sign_consent"
VIEW_CONSENT = "view_consent"
NEW_CONSULTATION = "new_consultation"
SIGN_CONSULTATION = "sign_consultation"
VIEW_CONSULTATION = "view_consultation"

DEFAULT_SCREENING_VALID_MONTHS = 12


@dataclass(frozen=True)
class ConsentFacts:
    """One consent of the patient, as the gates need it (dates in the clinic's zone)."""

    ref: str
    title: str
    indication: str
    patient_signed_at: dt.datetime
    patient_signed_on: dt.date
    signed: bool
    withdrawn_at: dt.datetime | None = None
    withdrawn_on: dt.date | None = None
    # The products the template names; empty: any product for the indication.
    product_ids: frozenset[int] = frozenset()
    product_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class ScreeningFacts:
    """One consultation of the patient: when, signed or not, what it screened and the effective
    (amended) answer findings of its screening."""

    ref: str
    consulted_at: dt.datetime
    consulted_on: dt.date
    signed: bool
    indications: tuple[str, ...]
    findings: tuple[Mapping[str, Any], ...] = ()

    def covers(self, indication: str) -> bool:
        # No indication chosen: the screen ran against every treatment type.
        return not self.indications or indication in self.indications


@dataclass(frozen=True)
class Planned:
    """What is about to be signed or started: a session, or the next session of a plan.
    ``products`` (id to name) is None where no line is recorded yet."""

    indication: str
    at: dt.datetime
    on: dt.date
    areas: tuple[str, ...] = ()
    products: Mapping[int, str] | None = None
    imported: bool = False


@dataclass(frozen=True)
class Gate:
    """One condition of signing, its status and why; ``fix`` and ``ref`` say what to open."""

    code: str
    status: str
    title: str
    message: str
    fix: str = ""
    ref: str = ""
    findings: tuple[Mapping[str, Any], ...] = ()

    @property
    def status_label(self) -> str:
        return STATUSES[self.status]

    def as_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "status": self.status,
            "title": self.title,
            "message": self.message,
            "ref": self.ref,
            "findings": [dict(f) for f in self.findings],
        }


@dataclass(frozen=True)
class Readiness:
    """Every gate for one planned session, in the order they are shown."""

    gates: tuple[Gate, ...]
    imported: bool = False

    @property
    def blocking(self) -> tuple[Gate, ...]:
        return tuple(g for g in self.gates if g.status == BLOCKS)

    @property
    def absolute(self) -> tuple[Mapping[str, Any], ...]:
        return tuple(f for g in self.gates if g.status == NEEDS_OVERRIDE for f in g.findings)

    @property
    def relative(self) -> tuple[Mapping[str, Any], ...]:
        return tuple(f for g in self.gates if g.status == NEEDS_ACKNOWLEDGEMENT for f in g.findings)

    @property
    def ready(self) -> bool:
        """Nothing blocks: signing may still need an override or an acknowledgement."""
        return not self.blocking

    @property
    def digest(self) -> str:
        """Names the contraindications shown, so an override or acknowledgement posted from a
        page covers exactly what that page listed ('' when there is none)."""
        if not self.absolute and not self.relative:
            return ""
        screening = next((g.ref for g in self.gates if g.code == "screening"), "")
        shown = sorted(
            (f.get("code", ""), f.get("level", "")) for f in self.absolute + self.relative
        )
        text = json.dumps([screening, shown], separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months earlier (the month's last day when shorter)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))
