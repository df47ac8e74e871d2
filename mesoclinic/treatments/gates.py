"""The signing gates of a treatment session, as pure rules over plain facts.

Before a session is signed (and before one is started, on the plan and new-session pages) the
patient must have:

1. a consent to the session's indication that the patient signed on or before the session's
   time, that a practitioner has signed and that was not withdrawn before the session; where a
   consent template names the products it covers, every product given must be among them;
2. a signed consultation, on or before the session, whose screening considered the session's
   indication (one with no indication screened every treatment type) and is no older than the
   clinic's validity period (``Clinic.screening_valid_months``, 12 months by default);
3. every *absolute* contraindication that screening found for the session's treatment types
   overridden with a written reason, and every *relative* one acknowledged.

Pure Python (no Django import), so the rules are table-tested; ``treatments.readiness`` reads
the facts from the database and ``treatments.services.sign_session`` enforces the verdict.
The levels and treatment types are those of ``consultations.screening`` (reference §3).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from mesoclinic.clinical_codes import INDICATIONS
from mesoclinic.consultations.screening import planned_treatments
from mesoclinic.treatments.gate_facts import (
    BLOCKS,
    DEFAULT_SCREENING_VALID_MONTHS,
    NEEDS_ACKNOWLEDGEMENT,
    NEEDS_OVERRIDE,
    NEW_CONSULTATION,
    OK,
    RECORD_CONSENT,
    SIGN_CONSENT,
    SIGN_CONSULTATION,
    STATUSES,
    VIEW_CONSENT,
    VIEW_CONSULTATION,
    ConsentFacts,
    Gate,
    Planned,
    Readiness,
    ScreeningFacts,
    _,
    gettext_noop,
    months_before,
    ngettext,
)

# The facts and verdicts live in gate_facts; callers import them from here with the rules.
__all__ = [
    "OK",
    "BLOCKS",
    "NEEDS_OVERRIDE",
    "NEEDS_ACKNOWLEDGEMENT",
    "STATUSES",
    "RECORD_CONSENT",
    "SIGN_CONSENT",
    "VIEW_CONSENT",
    "NEW_CONSULTATION",
    "SIGN_CONSULTATION",
    "VIEW_CONSULTATION",
    "DEFAULT_SCREENING_VALID_MONTHS",
    "ConsentFacts",
    "ScreeningFacts",
    "Planned",
    "Gate",
    "Readiness",
    "months_before",
    "consent_gate",
    "contraindication_gates",
    "evaluate",
    "screening_gate",
    "signing_problems",
]


def _label(indication: str) -> str:
    # The indication's label is in the project's catalogue (clinical_codes).
    return _(INDICATIONS.get(indication, indication)).lower()


def _day(when: dt.date) -> str:
    return f"{when:%Y-%m-%d}"


def _minute(when: dt.datetime) -> dt.datetime:
    # A session's time is recorded to the minute: what happened within that minute (a consent
    # signed as the patient sat down) happened "at" the session's time.
    return when.replace(second=0, microsecond=0)


def _before(when: dt.datetime, at: dt.datetime) -> bool:
    """``when`` is on or before the session's time ``at``, to the minute."""
    return _minute(when) <= at


def _withdrawn_by(consent: ConsentFacts, at: dt.datetime) -> bool:
    # A withdrawal ends consent from then on; a session already given under it stays covered.
    return consent.withdrawn_at is not None and _before(consent.withdrawn_at, at)


def _covers(consent: ConsentFacts, product_id: int) -> bool:
    return not consent.product_ids or product_id in consent.product_ids


def consent_gate(consents: Sequence[ConsentFacts], planned: Planned) -> Gate:
    """Gate 1: a valid consent to the indication (and to each product given, where named)."""
    label = _label(planned.indication)
    mine = sorted(
        (c for c in consents if c.indication == planned.indication),
        key=lambda c: c.patient_signed_at,
        reverse=True,
    )
    if not mine:
        return Gate(
            "consent",
            BLOCKS,
            gettext_noop("Consent"),
            _("No consent to %(indication)s treatment is recorded for this patient.")
            % {"indication": label},
            RECORD_CONSENT,
        )
    valid = [
        c
        for c in mine
        if c.signed
        and _before(c.patient_signed_at, planned.at)
        and not _withdrawn_by(c, planned.at)
    ]
    if not valid:
        reasons, fix, ref = [], RECORD_CONSENT, ""
        for c in mine:
            if _withdrawn_by(c, planned.at):
                reasons.append(
                    _("“%(title)s” was withdrawn on %(day)s.")
                    % {"title": c.title, "day": _day(c.withdrawn_on)}  # type: ignore[arg-type]
                )
            elif not _before(c.patient_signed_at, planned.at):
                reasons.append(
                    _("“%(title)s” was signed by the patient on %(day)s, after the session.")
                    % {"title": c.title, "day": _day(c.patient_signed_on)}
                )
            else:
                reasons.append(
                    _("“%(title)s” is waiting for a practitioner's signature.") % {"title": c.title}
                )
                if not ref:
                    fix, ref = SIGN_CONSENT, c.ref
        return Gate(
            "consent",
            BLOCKS,
            gettext_noop("Consent"),
            _("No valid consent to %(indication)s treatment: %(reasons)s")
            % {"indication": label, "reasons": " ".join(reasons)},
            fix,
            ref,
        )
    uncovered = [
        name
        for product_id, name in (planned.products or {}).items()
        if not any(_covers(c, product_id) for c in valid)
    ]
    if uncovered:
        return Gate(
            "consent",
            BLOCKS,
            gettext_noop("Consent"),
            ngettext(
                "The consent to %(indication)s treatment names the products it covers, and "
                "%(products)s is not among them: record a consent that covers it.",
                "The consent to %(indication)s treatment names the products it covers, and "
                "%(products)s are not among them: record a consent that covers them.",
                len(uncovered),
            )
            % {"indication": label, "products": ", ".join(sorted(uncovered))},
            RECORD_CONSENT,
        )
    chosen = valid[0]
    note = ""
    if chosen.withdrawn_on is not None:
        note = " " + _("It was withdrawn on %(day)s, after this session.") % {
            "day": _day(chosen.withdrawn_on)
        }
    if chosen.product_names and planned.products is None:
        note += " " + _("It covers only %(products)s.") % {
            "products": ", ".join(chosen.product_names)
        }
    return Gate(
        "consent",
        OK,
        gettext_noop("Consent"),
        _("“%(title)s”, signed by the patient on %(day)s.")
        % {"title": chosen.title, "day": _day(chosen.patient_signed_on)}
        + note,
        VIEW_CONSENT,
        chosen.ref,
    )


def screening_gate(
    screenings: Sequence[ScreeningFacts], planned: Planned, valid_months: int
) -> tuple[Gate, ScreeningFacts | None]:
    """Gate 2: a signed, recent screening that considered the indication (and which one)."""
    label = _label(planned.indication)
    newest_first = sorted(screenings, key=lambda s: s.consulted_at, reverse=True)
    before = [
        s
        for s in newest_first
        if _before(s.consulted_at, planned.at) and s.covers(planned.indication)
    ]
    cutoff = months_before(planned.on, valid_months)
    signed = [s for s in before if s.signed]
    if signed and signed[0].consulted_on >= cutoff:
        chosen = signed[0]
        return (
            Gate(
                "screening",
                OK,
                gettext_noop("Screening"),
                ngettext(
                    "Consultation of %(day)s, signed, screened %(indication)s treatment "
                    "(valid %(months)s month).",
                    "Consultation of %(day)s, signed, screened %(indication)s treatment "
                    "(valid %(months)s months).",
                    valid_months,
                )
                % {"day": _day(chosen.consulted_on), "indication": label, "months": valid_months},
                VIEW_CONSULTATION,
                chosen.ref,
            ),
            chosen,
        )
    draft = next((s for s in before if not s.signed and s.consulted_on >= cutoff), None)
    if draft is not None:
        message = _(
            "The consultation of %(day)s screened %(indication)s treatment but is not signed yet."
        ) % {"day": _day(draft.consulted_on), "indication": label}
        return Gate(
            "screening", BLOCKS, gettext_noop("Screening"), message, SIGN_CONSULTATION, draft.ref
        ), None
    if signed:
        message = ngettext(
            "The last signed screening for %(indication)s treatment was on %(day)s, more than "
            "%(months)s month before %(on)s: record a new consultation.",
            "The last signed screening for %(indication)s treatment was on %(day)s, more than "
            "%(months)s months before %(on)s: record a new consultation.",
            valid_months,
        ) % {
            "indication": label,
            "day": _day(signed[0].consulted_on),
            "months": valid_months,
            "on": _day(planned.on),
        }
    elif any(s.signed and s.covers(planned.indication) for s in newest_first):
        message = _(
            "No signed screening for %(indication)s treatment took place before the session "
            "(the consultation was recorded after it)."
        ) % {"indication": label}
    elif any(s.signed for s in newest_first):
        message = _(
            "The signed consultations did not consider %(indication)s treatment: record one "
            "that screens for it."
        ) % {"indication": label}
    else:
        message = _(
            "No signed consultation has screened this patient for %(indication)s treatment."
        ) % {"indication": label}
    return Gate("screening", BLOCKS, gettext_noop("Screening"), message, NEW_CONSULTATION), None


def _finding(f: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "code": f.get("code", ""),
        "level": f.get("level", ""),
        "reason": f.get("reason", ""),
        "treatments": list(f.get("treatments", [])),
        # What the page needs to write the reason again in the reader's language.
        "params": f.get("params"),
        "questions": list(f.get("questions", [])),
    }


def contraindication_gates(screening: ScreeningFacts, planned: Planned) -> list[Gate]:
    """Gate 3: the absolute and relative findings of that screening for the treatment types the
    session's indication and areas may use (a pregnancy is absolute for PC/DC lipolysis but
    relative for intradermal mesotherapy, reference §3)."""
    label = _label(planned.indication)
    treatments = set(planned_treatments([planned.indication], planned.areas))
    relevant = [f for f in screening.findings if treatments & set(f.get("treatments", ()))]
    absolute = tuple(_finding(f) for f in relevant if f.get("level") == "absolute")
    relative = tuple(_finding(f) for f in relevant if f.get("level") == "relative")
    on = _day(screening.consulted_on)
    gates = []
    if absolute:
        gates.append(
            Gate(
                "absolute",
                NEEDS_OVERRIDE,
                gettext_noop("Absolute contraindication"),
                ngettext(
                    "The screening of %(day)s found %(count)s absolute contraindication to "
                    "%(indication)s treatment. Signing needs an override with your written "
                    "clinical reason.",
                    "The screening of %(day)s found %(count)s absolute contraindications to "
                    "%(indication)s treatment. Signing needs an override with your written "
                    "clinical reason.",
                    len(absolute),
                )
                % {"day": on, "count": len(absolute), "indication": label},
                VIEW_CONSULTATION,
                screening.ref,
                absolute,
            )
        )
    if relative:
        gates.append(
            Gate(
                "relative",
                NEEDS_ACKNOWLEDGEMENT,
                gettext_noop("Relative contraindication"),
                ngettext(
                    "The screening of %(day)s found %(count)s relative contraindication to "
                    "%(indication)s treatment: weigh it and acknowledge at signing.",
                    "The screening of %(day)s found %(count)s relative contraindications to "
                    "%(indication)s treatment: weigh them and acknowledge at signing.",
                    len(relative),
                )
                % {"day": on, "count": len(relative), "indication": label},
                VIEW_CONSULTATION,
                screening.ref,
                relative,
            )
        )
    if not gates:
        gates.append(
            Gate(
                "contraindications",
                OK,
                gettext_noop("Contraindications"),
                _(
                    "The screening of %(day)s found no absolute or relative contraindication to "
                    "%(indication)s treatment."
                )
                % {"day": on, "indication": label},
                VIEW_CONSULTATION,
                screening.ref,
            )
        )
    return gates


def evaluate(
    planned: Planned,
    consents: Iterable[ConsentFacts],
    screenings: Iterable[ScreeningFacts],
    valid_months: int = DEFAULT_SCREENING_VALID_MONTHS,
) -> Readiness:
    """Every gate for ``planned``. Imported history (registry bundles) is exempt."""
    if planned.imported:
        return Readiness(
            (
                Gate(
                    "imported",
                    OK,
                    gettext_noop("Imported history"),
                    _(
                        "Imported from a registry bundle: recorded elsewhere, so the consent and "
                        "screening gates do not apply."
                    ),
                ),
            ),
            imported=True,
        )
    gate, chosen = screening_gate(list(screenings), planned, valid_months)
    gates = [consent_gate(list(consents), planned), gate]
    if chosen is not None:
        gates += contraindication_gates(chosen, planned)
    return Readiness(tuple(gates))


def signing_problems(
    readiness: Readiness, *, override_reason: str, acknowledged: bool, seen: str | None
) -> list[str]:
    """Why these gates refuse signing with this override and acknowledgement (empty: they
    allow it). ``seen`` is the digest of the contraindications the page showed; an override
    or acknowledgement without it, or for other findings, covers nothing."""
    problems = [
        _("%(gate)s: %(message)s") % {"gate": _(g.title), "message": g.message}
        for g in readiness.blocking
    ]
    confirming = []
    if readiness.absolute:
        listed = [
            _("Absolute contraindication: %(reason)s") % {"reason": _(str(f["reason"]))}
            for f in readiness.absolute
        ]
        if override_reason.strip():
            confirming.append("override")
        else:
            problems += [
                *listed,
                _(
                    "Absolute contraindication: to sign anyway, tick “Override the "
                    "contraindication” and write the clinical reason."
                ),
            ]
    if readiness.relative:
        if acknowledged:
            confirming.append("acknowledgement")
        else:
            problems.append(
                _(
                    "Relative contraindication: tick “I have weighed the relative "
                    "contraindications listed” to sign."
                )
            )
    if confirming and not seen:
        problems.append(
            _(
                "Contraindications: the page did not say which findings you reviewed; open the "
                "session again and confirm."
            )
        )
    elif confirming and seen != readiness.digest:
        problems.append(
            _(
                "Contraindications: the screening findings changed since the page was shown; "
                "review them and confirm again."
            )
        )
    return problems
