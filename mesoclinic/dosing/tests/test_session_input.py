"""The dose engine fed from the database: a session's lines, weight, history and limits."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from mesoclinic.clinics.models import Clinic, Membership
from mesoclinic.dosing.models import DoseLimit
from mesoclinic.dosing.services import WEIGHT_MAX_AGE_DAYS
from mesoclinic.dosing.tests.conftest import add_line, consult, make_product, make_session, weigh
from mesoclinic.formulary.models import Product
from mesoclinic.patients.models import Patient
from mesoclinic.treatments.dose_input import check_session_dose
from mesoclinic.treatments.models import TreatmentSession
from mesoclinic.treatments.tests.conftest import draft_day


def _rule_codes(session: TreatmentSession) -> set[tuple[str, str | None]]:
    return {(v.rule, v.substance) for v in check_session_dose(session).violations}


def _row(session: TreatmentSession, substance: str) -> tuple[Decimal, Decimal | None, str]:
    for row in check_session_dose(session).verdict.totals:
        if row.substance == substance:
            return row.mg, row.limit_mg, row.limit_basis
    raise AssertionError(f"no {substance} row")


def test_it_sums_lidocaine_over_every_line_of_the_session(
    patient: Patient, alice: Membership, lido_plain: Product
) -> None:
    # given a 60 kg patient and three 1 % lidocaine syringes of 10 mL (100 mg each)
    weigh(patient, "60")
    session = make_session(patient, alice)
    for _ in range(3):
        add_line(session, lido_plain, "10")
    # when the session is checked
    mg, limit_mg, _basis = _row(session, "lidocaine")
    # then 300 mg is held to the plain limit 4.5 mg/kg × 60 kg = 270 mg, and is over it
    assert mg == Decimal(300)
    assert limit_mg == Decimal(270)
    assert ("max_dose", "lidocaine") in _rule_codes(session)


def test_it_treats_a_product_that_also_lists_epinephrine_as_lidocaine_with_epinephrine(
    patient: Patient, alice: Membership, lido_plain: Product, lido_epi: Product
) -> None:
    # given a 60 kg patient and 300 mg of lidocaine, once plain and once with epinephrine
    weigh(patient, "60")
    plain = make_session(patient, alice)
    add_line(plain, lido_plain, "30")
    epi = make_session(patient, alice)
    add_line(epi, lido_epi, "30")
    # when both are checked
    # then plain is over 270 mg, while with epinephrine 7 mg/kg × 60 = 420 mg allows it
    assert ("max_dose", "lidocaine") in _rule_codes(plain)
    assert _row(epi, "lidocaine")[1] == Decimal(420)
    assert "with epinephrine" in _row(epi, "lidocaine")[2]
    assert not _rule_codes(epi)


def test_it_reports_a_missing_weight_as_a_violation_not_a_pass(
    patient: Patient, alice: Membership, lido_plain: Product
) -> None:
    # given a patient with no weight recorded and a small lidocaine dose
    session = make_session(patient, alice)
    add_line(session, lido_plain, "2")
    # when the session is checked
    check = check_session_dose(session)
    # then the mg/kg limit cannot be verified, which is a violation
    assert ("weight_required", "lidocaine") in {(v.rule, v.substance) for v in check.violations}
    assert check.weight_text == "none recorded"


def test_it_ignores_a_weight_older_than_the_window_and_says_so(
    patient: Patient, alice: Membership, lido_plain: Product
) -> None:
    # given the only weight was measured longer ago than the window allows
    weigh(patient, "70", days_ago=WEIGHT_MAX_AGE_DAYS + 1)
    session = make_session(patient, alice)
    add_line(session, lido_plain, "2")
    # when the session is checked
    check = check_session_dose(session)
    # then the weight is not used: cannot verify, and the page says why
    assert "weight_required" in {v.rule for v in check.violations}
    assert "older than" in check.weight_text


def test_it_uses_the_most_recent_weight_of_measurements_and_consultations(
    patient: Patient, alice: Membership, lido_plain: Product
) -> None:
    # given a consultation weight of 80 kg 20 days ago and a measured 60 kg 5 days ago
    consult(patient, alice, "80", days_ago=20)
    weigh(patient, "60", days_ago=5)
    session = make_session(patient, alice)
    add_line(session, lido_plain, "2")
    # when checked
    check = check_session_dose(session)
    # then the measured 60 kg is used (270 mg limit)
    assert check.weight is not None
    assert check.weight.weight_kg == Decimal(60)
    assert _row(session, "lidocaine")[1] == Decimal(270)
    # and a newer consultation weight wins over an older measurement
    consult(patient, alice, "64", days_ago=1)
    assert check_session_dose(session).weight.weight_kg == Decimal(64)  # type: ignore[union-attr]


def test_it_takes_history_from_signed_sessions_only(
    patient: Patient, alice: Membership, riverside: Clinic
) -> None:
    # given labelled deoxycholic acid 10 days ago in a signed session and in a draft
    dca = make_product(riverside, "Deoxycholic acid 10 mg/mL", deoxycholic_acid="10")
    signed = make_session(patient, alice, days_ago=10, submental="midline")
    add_line(signed, dca, "2", area="submental", points=10)
    draft_before = make_session(patient, alice, days_ago=5, submental="midline")
    add_line(draft_before, dca, "2", area="submental", points=10)
    session = make_session(patient, alice, submental="midline")
    add_line(session, dca, "2", area="submental", points=10)
    # when only the draft exists in the history
    # then no interval violation
    assert ("minimum_interval", "deoxycholic_acid") not in _rule_codes(session)
    # when the earlier session is signed
    TreatmentSession.objects.filter(pk=signed.pk).update(
        signed_at=timezone.now(), signed_by=alice.user
    )
    # then the one-month interval is broken (10 days)
    check = check_session_dose(session)
    assert ("minimum_interval", "deoxycholic_acid") in {
        (v.rule, v.substance) for v in check.violations
    }
    assert [p.date for p in check.plan.history] == [draft_day() - dt.timedelta(days=10)]


def test_it_applies_the_clinics_active_limits_and_not_another_clinics(
    patient: Patient, alice: Membership, lido_plain: Product, riverside: Clinic, hilltop: Clinic
) -> None:
    # given 150 mg lidocaine for a 70 kg patient (default limit 300 mg)
    weigh(patient, "70")
    session = make_session(patient, alice)
    add_line(session, lido_plain, "15")
    DoseLimit.objects.create(
        clinic=hilltop, substance="lidocaine", max_mg=Decimal(50), source="Hilltop policy"
    )
    assert not _rule_codes(session)
    # when Riverside sets a practice limit of 100 mg
    DoseLimit.objects.create(
        clinic=riverside, substance="lidocaine", max_mg=Decimal(100), source="Riverside policy"
    )
    # then the session is over the practice limit, which is shown with its source
    mg, limit_mg, basis = _row(session, "lidocaine")
    assert limit_mg == Decimal(100)
    assert "practice limit" in basis
    assert ("max_dose", "lidocaine") in _rule_codes(session)
    # and a retired limit is no longer applied
    DoseLimit.objects.filter(clinic=riverside).update(is_active=False)
    assert not _rule_codes(session)


def test_it_applies_a_practice_mg_per_kg_limit_and_needs_a_weight_for_it(
    patient: Patient, alice: Membership, riverside: Clinic
) -> None:
    # given a practice limit of 5 mg/kg procaine and 200 mg procaine
    procaine = make_product(riverside, "Procaine 2%", procaine="20")
    DoseLimit.objects.create(
        clinic=riverside, substance="procaine", mg_per_kg=Decimal(5), source="Practice policy"
    )
    session = make_session(patient, alice)
    add_line(session, procaine, "10")
    # when no weight is recorded, then the limit cannot be verified
    assert ("weight_required", "procaine") in _rule_codes(session)
    # when the patient weighs 50 kg, then 5 mg/kg × 50 = 250 mg binds and 200 mg passes
    weigh(patient, "50")
    assert _row(session, "procaine")[1] == Decimal(250)
    assert not _rule_codes(session)


def test_it_matches_the_session_protocol_to_the_clinics_protocol_limits(
    patient: Patient, alice: Membership, riverside: Clinic
) -> None:
    # given PC/DC with 3,000 mg phosphatidylcholine (over the 2,500 mg default)
    pcdc = make_product(riverside, "PC/DC", phosphatidylcholine="50", deoxycholic_acid="25")
    DoseLimit.objects.create(
        clinic=riverside,
        substance="phosphatidylcholine",
        protocol="PC/DC 5 g",
        max_mg=Decimal(5000),
        source="Indian series: 5 g PC-DC per sitting, https://pmc.ncbi.nlm.nih.gov/articles/PMC5054992",
    )
    plain = make_session(patient, alice)
    add_line(plain, pcdc, "60")
    under_protocol = make_session(patient, alice, protocol="pc/dc 5 g")
    add_line(under_protocol, pcdc, "60")
    # when both are checked
    # then only the session under the protocol uses its 5,000 mg limit
    assert ("max_dose", "phosphatidylcholine") in _rule_codes(plain)
    assert _row(under_protocol, "phosphatidylcholine")[1] == Decimal(5000)
    assert not _rule_codes(under_protocol)


def test_it_counts_a_synonym_of_a_limited_substance_under_its_code(
    patient: Patient, alice: Membership, riverside: Clinic
) -> None:
    # given a product whose ingredient is typed "Xylocaine" and a 50 kg patient
    xylo = make_product(riverside, "Xylocaine 2%", Xylocaine="20")
    weigh(patient, "50")
    session = make_session(patient, alice)
    add_line(session, xylo, "15")
    # when checked
    check = check_session_dose(session)
    # then 300 mg is counted as lidocaine, over 225 mg, with a note
    assert ("max_dose", "lidocaine") in {(v.rule, v.substance) for v in check.violations}
    assert any("counted as lidocaine" in note for note in check.notes)
