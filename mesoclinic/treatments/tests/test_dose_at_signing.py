"""The dose verdict is a signed fact: the check at signing is kept on the session and shown,
whatever today's rules, limits or weight would say."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from mesoclinic.clinics.models import Membership
from mesoclinic.dosing.engine import ENGINE_VERSION
from mesoclinic.dosing.models import DoseLimit
from mesoclinic.dosing.snapshot import default_rules_fingerprint
from mesoclinic.dosing.tests.conftest import add_line, lido_plain, make_session, weigh
from mesoclinic.formulary.models import Product
from mesoclinic.patients.models import Patient
from mesoclinic.records.services import sign_record
from mesoclinic.treatments import services
from mesoclinic.treatments.dose_input import check_session_dose
from mesoclinic.treatments.models import TreatmentSession

__all__ = ["lido_plain"]

Login = Callable[[Membership], Client]


@pytest.fixture
def limit(patient: Patient, ada: Membership) -> DoseLimit:
    # a practice limit of 250 mg lidocaine per session (tighter than 4.5 mg/kg × 60 kg = 270 mg)
    return DoseLimit.objects.create(
        clinic=patient.clinic,
        substance="lidocaine",
        max_mg=Decimal(250),
        source="Practice policy 2026",
        created_by=ada.user,
    )


@pytest.fixture
def signed(
    ready: None, patient: Patient, alice: Membership, lido_plain: Product, limit: DoseLimit
) -> TreatmentSession:
    # given a 60 kg patient and 2 × 10 mL of 1 % lidocaine (200 mg), signed by alice
    weigh(patient, "60")
    session = make_session(patient, alice)
    add_line(session, lido_plain, "10")
    add_line(session, lido_plain, "10")
    return services.sign_session(session, alice)


def test_it_keeps_the_verdict_rules_limits_and_weight_on_the_session_at_signing(
    signed: TreatmentSession, limit: DoseLimit
) -> None:
    # then the check is stored with the signature
    kept = signed.dose_check_at_signing
    assert kept is not None
    # the verdict, with exact amounts and the binding limit
    (row,) = kept["verdict"]["totals"]
    assert (row["substance"], row["mg"], row["limit_mg"]) == ("lidocaine", "200", "250")
    assert kept["verdict"]["ok"] is True
    assert kept["verdict"]["violations"] == []
    # the practice limit applied, as it stood
    assert kept["practice_limits"] == [
        {
            "id": str(limit.public_id),
            "substance": "lidocaine",
            "protocol": "",
            "max_mg": "250",
            "mg_per_kg": None,
            "source": "Practice policy 2026",
            "version": 1,
        }
    ]
    # the weight used, with its date and origin
    assert kept["weight"]["weight_kg"] == "60"
    assert kept["weight"]["origin"] == "measurement"
    assert kept["weight"]["on"] is not None
    # the rules with their numbers and sources, and the engine's version
    assert kept["rules"]["lidocaine"]["plain_mg_per_kg"] == "4.5"
    assert kept["rules"]["lidocaine"]["plain_source"].startswith("https://")
    assert any(cap["origin"] == "practice" for cap in kept["rules"]["caps"])
    assert kept["engine"] == {
        "version": ENGINE_VERSION,
        "default_rules_fingerprint": default_rules_fingerprint(),
    }


def test_it_shows_the_check_at_signing_after_the_limits_and_the_weight_change(
    signed: TreatmentSession,
    limit: DoseLimit,
    patient: Patient,
    ada: Membership,
    alice: Membership,
    login: Login,
) -> None:
    kept = signed.dose_check_at_signing
    # given, after signing, the practice retires its 250 mg limit for one of 150 mg
    DoseLimit.objects.filter(pk=limit.pk).update(is_active=False)
    DoseLimit.objects.create(
        clinic=patient.clinic,
        substance="lidocaine",
        max_mg=Decimal(150),
        source="Stricter policy",
        created_by=ada.user,
    )
    # and the patient's weight of that day is recorded again as 50 kg
    weigh(patient, "50")
    # when alice opens the signed session
    body = login(alice).get(reverse("treatments:detail", args=[signed.public_id])).content.decode()
    # then the table is the one checked at signing: 200 mg against the 250 mg limit
    assert "Dose check at signing" in body
    assert "<td>200</td>" in body
    assert "<td>250</td>" in body
    assert "Within every dose limit at signing" in body
    assert "Weight used at signing: 60 kg, measurement of" in body
    assert "lidocaine: 250 mg per session (source: Practice policy 2026)" in body
    # and a note says today's check would differ, and how
    assert "Checked today, this session would get a different dose verdict." in body
    assert "Lidocaine limit: 250 mg at signing, 150 mg today" in body
    assert "A new violation today: lidocaine total 200 mg is above 150 mg" in body
    assert "Practice limit added since signing: lidocaine 150 mg" in body
    assert "Practice limit no longer applied: lidocaine 250 mg" in body
    assert "Weight at signing: 60 kg, measurement of" in body
    assert "today: 50 kg, measurement of" in body
    # and the stored check is untouched
    signed.refresh_from_db()
    assert signed.dose_check_at_signing == kept


def test_it_shows_no_note_when_today_gives_the_same_check(
    signed: TreatmentSession, alice: Membership, login: Login
) -> None:
    # when the signed session is opened with nothing changed
    body = login(alice).get(reverse("treatments:detail", args=[signed.public_id])).content.decode()
    # then the check at signing shows without a "would differ" note
    assert "Dose check at signing" in body
    assert "would get a different dose verdict" not in body
    assert "differ from those at signing" not in body


def test_it_says_the_check_at_signing_was_not_stored_for_an_older_session(
    patient: Patient, alice: Membership, lido_plain: Product, login: Login
) -> None:
    # given a session signed before checks were kept (signed without the dose check)
    weigh(patient, "60")
    session = make_session(patient, alice)
    add_line(session, lido_plain, "10")
    sign_record(session, alice)
    # when it is opened
    body = login(alice).get(reverse("treatments:detail", args=[session.public_id])).content.decode()
    # then the page says so, and labels the table as computed today
    assert "The dose check at signing was not stored with this session" in body
    assert "Dose check recomputed today" in body
    assert "Dose check at signing" not in body


def test_it_says_an_imported_session_was_imported(
    patient: Patient, alice: Membership, lido_plain: Product, login: Login
) -> None:
    # given a session from a registry bundle, signed as imported
    session = make_session(patient, alice)
    TreatmentSession.objects.filter(pk=session.pk).update(imported=True)
    add_line(session, lido_plain, "10")
    session.refresh_from_db()
    sign_record(session, alice)
    # when it is opened
    body = login(alice).get(reverse("treatments:detail", args=[session.public_id])).content.decode()
    # then the page says it was imported and never checked here
    assert "Imported from a registry bundle: no dose check was run in mesoclinic" in body
    assert "The dose check at signing was not stored" not in body


def test_it_keeps_the_violations_overridden_in_the_check_at_signing(
    ready: None, patient: Patient, alice: Membership, lido_plain: Product, login: Login
) -> None:
    # given 3 × 10 mL of 1 % lidocaine for a 60 kg patient (300 mg > 270 mg), overridden
    weigh(patient, "60")
    session = make_session(patient, alice)
    for _ in range(3):
        add_line(session, lido_plain, "10")
    digest = check_session_dose(session).digest
    signed = services.sign_session(
        session, alice, dose_override_reason="Tumescent, monitored", dose_check_seen=digest
    )
    # then the stored check holds the violation and the digest the override answered
    kept = signed.dose_check_at_signing
    assert kept is not None
    assert kept["digest"] == digest
    assert [v["rule"] for v in kept["verdict"]["violations"]] == ["max_dose"]
    # and the page shows it as the check at signing, next to the override
    body = login(alice).get(reverse("treatments:detail", args=[signed.public_id])).content.decode()
    assert "Over the dose limits at signing (signed with the override above)" in body
    assert "Lidocaine total 300 mg is above 270 mg" in body
