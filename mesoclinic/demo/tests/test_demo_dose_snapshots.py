"""The demo practice stores with every signed session the dose check the app stores at
signing (treatments.services.sign_session), so a signed session of the demo shows what was
checked, like any other."""

from __future__ import annotations

from typing import Any

import pytest

from mesoclinic.clinics.models import Clinic
from mesoclinic.demo.services import load_demo
from mesoclinic.outcomes.services import measured_weights
from mesoclinic.treatments.dose_batch import check_sessions_dose
from mesoclinic.treatments.dose_input import check_session_dose
from mesoclinic.treatments.models import TreatmentSession

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db: Any) -> None:
    load_demo(patients=20, hilltop_patients=5)


def test_it_stores_with_every_signed_session_the_dose_check_a_fresh_check_gives(
    demo: None,
) -> None:
    # given every signed session of the demo practice
    signed = list(
        TreatmentSession.objects.filter(signed_at__isnull=False).select_related("clinic", "patient")
    )
    assert len(signed) > 20
    for session in signed:
        # when its dose is checked afresh, one session at a time as the app checks it
        fresh = check_session_dose(session).snapshot()
        # then the check stored at signing has the same verdict, inputs and digest
        stored = session.dose_check_at_signing
        assert stored is not None, session.public_id
        assert stored["verdict"] == fresh["verdict"], session.public_id
        assert stored["weight"] == fresh["weight"], session.public_id
        assert stored["rules"]["fingerprint"] == fresh["rules"]["fingerprint"]
        assert stored["digest"] == fresh["digest"]


def test_it_stores_no_dose_check_on_the_sessions_awaiting_signature(demo: None) -> None:
    # given the demo practice
    # when the sessions awaiting a signature are read
    drafts = TreatmentSession.objects.filter(signed_at__isnull=True)
    # then none has a dose check "at signing"
    assert drafts.exists()
    assert not drafts.filter(dose_check_at_signing__isnull=False).exists()


def test_it_reads_for_many_sessions_at_once_what_the_one_session_check_reads(demo: None) -> None:
    # given every session of each demo clinic, signed or not
    for clinic in Clinic.objects.all():
        sessions = list(TreatmentSession.objects.for_clinic(clinic).select_related("patient"))
        # when they are checked in one batch
        measured = measured_weights(clinic, {s.patient_id for s in sessions})
        checks = check_sessions_dose(clinic, sessions, measured=measured)
        # then each engine input (weight, syringes, history) and verdict is the one-session one
        for session in sessions:
            fresh = check_session_dose(session)
            assert checks[session.pk].plan == fresh.plan, session.public_id
            assert checks[session.pk].verdict == fresh.verdict, session.public_id
            assert checks[session.pk].notes == fresh.notes
