"""Table tests of the pure signing-gate rules (treatments.gates), no database."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from mesoclinic.treatments import gates
from mesoclinic.treatments.gates import (
    BLOCKS,
    NEEDS_ACKNOWLEDGEMENT,
    NEEDS_OVERRIDE,
    OK,
    ConsentFacts,
    Planned,
    ScreeningFacts,
)

UTC = dt.UTC
SESSION_AT = dt.datetime(2026, 3, 10, 10, 0, tzinfo=UTC)
SESSION = Planned(
    indication="localized_fat", at=SESSION_AT, on=SESSION_AT.date(), areas=("abdomen",)
)
HOUR = dt.timedelta(hours=1)


def consent(**changes: Any) -> ConsentFacts:
    values: dict[str, Any] = {
        "ref": "c1",
        "title": "PC/DC lipolysis (v1)",
        "indication": "localized_fat",
        "patient_signed_at": SESSION_AT - 24 * HOUR,
        "patient_signed_on": (SESSION_AT - 24 * HOUR).date(),
        "signed": True,
    }
    values.update(changes)
    return ConsentFacts(**values)


def screening(**changes: Any) -> ScreeningFacts:
    values: dict[str, Any] = {
        "ref": "s1",
        "consulted_at": SESSION_AT - 48 * HOUR,
        "consulted_on": (SESSION_AT - 48 * HOUR).date(),
        "signed": True,
        "indications": ("localized_fat",),
    }
    values.update(changes)
    return ScreeningFacts(**values)


def finding(code: str, level: str, *treatments: str) -> dict[str, Any]:
    return {"code": code, "level": level, "reason": f"{code} reason", "treatments": treatments}


WITHDRAWN_BEFORE = SESSION_AT - HOUR
WITHDRAWN_AFTER = SESSION_AT + HOUR


@pytest.mark.parametrize(
    ("consents", "status", "words"),
    [
        ([], BLOCKS, "No consent to localized fat treatment"),
        ([consent()], OK, "signed by the patient on 2026-03-09"),
        ([consent(indication="cellulite")], BLOCKS, "No consent to localized fat treatment"),
        ([consent(signed=False)], BLOCKS, "waiting for a practitioner's signature"),
        (
            [consent(patient_signed_at=SESSION_AT + HOUR, patient_signed_on=SESSION_AT.date())],
            BLOCKS,
            "after the session",
        ),
        # signed by the patient exactly at the session's time: on or before it
        ([consent(patient_signed_at=SESSION_AT)], OK, "signed by the patient"),
        # session times are recorded to the minute: within the session's minute is "at" it
        ([consent(patient_signed_at=SESSION_AT + dt.timedelta(seconds=59))], OK, "signed by"),
        (
            [consent(patient_signed_at=SESSION_AT + dt.timedelta(minutes=1))],
            BLOCKS,
            "after the session",
        ),
        (
            [consent(withdrawn_at=WITHDRAWN_BEFORE, withdrawn_on=WITHDRAWN_BEFORE.date())],
            BLOCKS,
            "was withdrawn on 2026-03-10",
        ),
        # withdrawn after the session: that session was given under consent
        (
            [consent(withdrawn_at=WITHDRAWN_AFTER, withdrawn_on=WITHDRAWN_AFTER.date())],
            OK,
            "withdrawn on 2026-03-10, after this session",
        ),
        # one withdrawn, a newer valid one
        (
            [
                consent(ref="old", withdrawn_at=WITHDRAWN_BEFORE, withdrawn_on=SESSION_AT.date()),
                consent(ref="new", patient_signed_at=SESSION_AT - 2 * HOUR),
            ],
            OK,
            "signed by the patient",
        ),
    ],
)
def test_it_decides_the_consent_gate(consents: list[ConsentFacts], status: str, words: str) -> None:
    # when the consent gate is evaluated for the session
    gate = gates.consent_gate(consents, SESSION)
    # then it has the status and says why
    assert gate.status == status
    assert words in gate.message


@pytest.mark.parametrize(
    ("named", "given", "status"),
    [
        (frozenset(), {1: "PC/DC", 2: "Lidocaine"}, OK),  # names none: any product
        (frozenset({1}), {1: "PC/DC"}, OK),
        (frozenset({1}), {1: "PC/DC", 2: "Lidocaine"}, BLOCKS),
        (frozenset({3}), {1: "PC/DC"}, BLOCKS),
    ],
)
def test_it_checks_the_products_a_consent_names(
    named: frozenset[int], given: dict[int, str], status: str
) -> None:
    # given a consent whose template names ``named`` and a session giving ``given``
    planned = Planned(**{**SESSION.__dict__, "products": given})
    # when the consent gate is evaluated
    gate = gates.consent_gate([consent(product_ids=named)], planned)
    # then the products not named block it, by name
    assert gate.status == status
    if status == BLOCKS:
        assert "is not among them" in gate.message


def test_it_lets_two_consents_cover_the_products_together() -> None:
    planned = Planned(**{**SESSION.__dict__, "products": {1: "PC/DC", 2: "Lidocaine"}})
    both = [
        consent(ref="a", product_ids=frozenset({1})),
        consent(ref="b", product_ids=frozenset({2})),
    ]
    assert gates.consent_gate(both, planned).status == OK


def test_it_points_an_unsigned_consent_at_its_page() -> None:
    gate = gates.consent_gate([consent(ref="wait", signed=False)], SESSION)
    assert (gate.fix, gate.ref) == (gates.SIGN_CONSENT, "wait")


YEAR_BEFORE = dt.datetime(2025, 3, 10, 9, 0, tzinfo=UTC)
JUST_OVER_A_YEAR = dt.datetime(2025, 3, 9, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("screenings", "months", "status", "words"),
    [
        ([], 12, BLOCKS, "No signed consultation has screened this patient"),
        ([screening()], 12, OK, "Consultation of 2026-03-08, signed"),
        ([screening(signed=False)], 12, BLOCKS, "is not signed yet"),
        ([screening(indications=("cellulite",))], 12, BLOCKS, "did not consider localized fat"),
        ([screening(indications=())], 12, OK, "signed"),  # screened every treatment type
        (
            [screening(consulted_at=SESSION_AT + HOUR, consulted_on=SESSION_AT.date())],
            12,
            BLOCKS,
            "recorded after it",
        ),
        # exactly 12 months before the session's day: still valid
        ([screening(consulted_at=YEAR_BEFORE, consulted_on=YEAR_BEFORE.date())], 12, OK, "signed"),
        (
            [screening(consulted_at=JUST_OVER_A_YEAR, consulted_on=JUST_OVER_A_YEAR.date())],
            12,
            BLOCKS,
            "more than 12 months before 2026-03-10",
        ),
        # the clinic's shorter setting
        (
            [screening(consulted_at=YEAR_BEFORE, consulted_on=YEAR_BEFORE.date())],
            6,
            BLOCKS,
            "more than 6 months",
        ),
        # a stale signed screening and a newer signed one: the newer counts
        (
            [
                screening(
                    ref="old", consulted_at=JUST_OVER_A_YEAR, consulted_on=JUST_OVER_A_YEAR.date()
                ),
                screening(ref="new"),
            ],
            12,
            OK,
            "signed",
        ),
    ],
)
def test_it_decides_the_screening_gate(
    screenings: list[ScreeningFacts], months: int, status: str, words: str
) -> None:
    # when the screening gate is evaluated with the clinic's validity in months
    gate, chosen = gates.screening_gate(screenings, SESSION, months)
    # then it has the status, says why, and names the screening used only when it is met
    assert gate.status == status
    assert words in gate.message
    assert (chosen is not None) == (status == OK)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2026, 3, 10), 12, dt.date(2025, 3, 10)),
        (dt.date(2026, 3, 31), 1, dt.date(2026, 2, 28)),
        (dt.date(2024, 3, 31), 1, dt.date(2024, 2, 29)),
        (dt.date(2026, 1, 15), 1, dt.date(2025, 12, 15)),
        (dt.date(2026, 1, 15), 24, dt.date(2024, 1, 15)),
    ],
)
def test_it_counts_calendar_months_back(day: dt.date, months: int, expected: dt.date) -> None:
    assert gates.months_before(day, months) == expected


PREGNANCY = [
    finding("PREGNANCY_LIPOLYSIS", "absolute", "pcdc_lipolysis"),
    finding("PREGNANCY_MESOTHERAPY", "relative", "mesotherapy"),
]


@pytest.mark.parametrize(
    ("findings", "indication", "areas", "statuses"),
    [
        ([], "localized_fat", ("abdomen",), ["ok"]),
        (PREGNANCY, "localized_fat", ("abdomen",), [NEEDS_OVERRIDE, NEEDS_ACKNOWLEDGEMENT]),
        # skin rejuvenation is intradermal mesotherapy only: pregnancy is relative there
        (PREGNANCY, "skin_rejuvenation", ("face",), [NEEDS_ACKNOWLEDGEMENT]),
        # a caution is shown on the screening, not a gate
        ([finding("DIABETES", "caution", "mesotherapy")], "localized_fat", (), ["ok"]),
        # deoxycholic acid is a treatment type of localized fat only under the chin
        (
            [finding("ALLERGY_BENZYL_ALCOHOL_DEOXYCHOLIC", "absolute", "deoxycholic_acid")],
            "localized_fat",
            ("abdomen",),
            ["ok"],
        ),
        (
            [finding("ALLERGY_BENZYL_ALCOHOL_DEOXYCHOLIC", "absolute", "deoxycholic_acid")],
            "localized_fat",
            ("submental",),
            [NEEDS_OVERRIDE],
        ),
    ],
)
def test_it_grades_the_contraindications_for_the_session_treatments(
    findings: list[dict[str, Any]], indication: str, areas: tuple[str, ...], statuses: list[str]
) -> None:
    planned = Planned(indication=indication, at=SESSION_AT, on=SESSION_AT.date(), areas=areas)
    found = gates.contraindication_gates(screening(findings=tuple(findings)), planned)
    assert [g.status for g in found] == statuses


def _ready(findings: list[dict[str, Any]]) -> gates.Readiness:
    return gates.evaluate(SESSION, [consent()], [screening(findings=tuple(findings))])


@pytest.mark.parametrize(
    ("findings", "reason", "acknowledged", "seen", "refused"),
    [
        ([], "", False, None, False),
        (PREGNANCY, "", True, "DIGEST", True),  # absolute not overridden
        (PREGNANCY, "Reviewed with the obstetrician", False, "DIGEST", True),  # relative not ack'd
        (PREGNANCY, "Reviewed with the obstetrician", True, "DIGEST", False),
        (PREGNANCY, "Reviewed with the obstetrician", True, None, True),  # nothing seen
        (PREGNANCY, "Reviewed with the obstetrician", True, "0000", True),  # other findings seen
        (PREGNANCY[1:], "", True, "DIGEST", False),
        (PREGNANCY[1:], "", False, "DIGEST", True),
    ],
)
def test_it_decides_signing_from_the_override_and_the_acknowledgement(
    findings: list[dict[str, Any]], reason: str, acknowledged: bool, seen: str | None, refused: bool
) -> None:
    ready = _ready(findings)
    problems = gates.signing_problems(
        ready,
        override_reason=reason,
        acknowledged=acknowledged,
        seen=ready.digest if seen == "DIGEST" else seen,
    )
    assert bool(problems) == refused


def test_it_lists_every_blocking_gate_at_once() -> None:
    ready = gates.evaluate(SESSION, [], [])
    problems = gates.signing_problems(ready, override_reason="", acknowledged=False, seen=None)
    assert [p.split(":")[0] for p in problems] == ["Consent", "Screening"]


def test_it_changes_the_digest_when_the_findings_change() -> None:
    assert _ready(PREGNANCY).digest != _ready(PREGNANCY[:1]).digest
    assert _ready(PREGNANCY).digest == _ready(PREGNANCY).digest
    assert _ready([]).digest == ""


def test_it_exempts_imported_history() -> None:
    planned = Planned(**{**SESSION.__dict__, "imported": True})
    ready = gates.evaluate(planned, [], [])
    assert ready.imported
    assert ready.ready
    assert [g.code for g in ready.gates] == ["imported"]
