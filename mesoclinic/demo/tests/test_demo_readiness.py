"""The demo practice against the signing gates: every session awaiting its signature can be
signed (consent and a recent signed screening), except the one patient whose screening shows
an absolute contraindication; the clinic day's draft consultation can be edited and signed."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mesoclinic.clinics.models import Clinic, Membership
from mesoclinic.consultations.models import Consultation
from mesoclinic.demo.catalogue import PROTOCOLS
from mesoclinic.demo.courses import CourseDraft, VisitDraft
from mesoclinic.demo.people import PersonDraft
from mesoclinic.demo.screenings import write_follow_up_screenings
from mesoclinic.demo.services import load_demo
from mesoclinic.demo.writer import Staff
from mesoclinic.patients.models import Patient
from mesoclinic.treatments import readiness
from mesoclinic.treatments.models import TreatmentSession
from mesoclinic.treatments.services import sign_session
from tests.second_step import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db: Any) -> None:
    load_demo(patients=20, hilltop_patients=5)


def test_it_makes_every_waiting_session_signable_but_the_contraindicated_one(demo: None) -> None:
    # given every session of the demo awaiting its signature
    drafts = TreatmentSession.objects.filter(signed_at__isnull=True).select_related(
        "patient__clinic", "clinic"
    )
    # when the signing gates are evaluated for each
    verdicts = {s.pk: readiness.for_session(s) for s in drafts}
    # then none is blocked by a missing consent or screening
    assert drafts.exists()
    assert [pk for pk, r in verdicts.items() if not r.ready] == []
    # and exactly one, at Riverside today, needs an override for an absolute contraindication
    overridden = [s for s in drafts if verdicts[s.pk].absolute]
    assert len(overridden) == 1
    session = overridden[0]
    assert session.clinic.slug == "riverside"
    assert session.performed_at.astimezone(session.clinic.zone).date() == session.clinic.today()
    codes = {f["code"] for f in verdicts[session.pk].absolute}
    assert codes & {"PREGNANCY_LIPOLYSIS", "ALLERGY_SOY_LIPOLYSIS"}


def test_it_shows_the_blocked_session_on_today_and_its_gates_to_the_practitioner(
    demo: None,
) -> None:
    # given alice of Riverside signed in
    riverside = Clinic.objects.get(slug="riverside")
    client = Client()
    sign_in(client, User.objects.get(username="alice"))
    blocked = next(
        s
        for s in TreatmentSession.objects.for_clinic(riverside).filter(signed_at__isnull=True)
        if readiness.for_session(s).absolute
    )
    # when she opens Today and then the session
    today = client.get(reverse("today")).content.decode()
    page = client.get(reverse("treatments:detail", args=[blocked.public_id])).content.decode()
    # then the session is on Today's list and its page asks for the override before signing
    assert str(blocked.public_id) in today
    assert "Absolute contraindication" in page
    assert "Reason for treating despite the contraindication" in page


def test_it_keeps_the_draft_consultation_editable_and_signable(demo: None) -> None:
    # given each clinic's draft consultation and a practitioner there
    for slug, username in (("riverside", "alice"), ("hilltop", "charlie")):
        clinic = Clinic.objects.get(slug=slug)
        draft = Consultation.objects.for_clinic(clinic).get(signed_at__isnull=True)
        client = Client()
        sign_in(client, Membership.objects.get(clinic=clinic, user__username=username).user)
        url = reverse("consultations:edit", args=[draft.public_id])
        # when the edit form is opened and posted back as it was rendered
        form = client.get(url)
        assert form.status_code == 200
        saved = client.post(url, _rendered_values(form.content.decode()))
        # then it saves with nothing unanswered, and it signs
        assert saved.status_code == 302, saved.content.decode()[:2000]
        client.post(reverse("consultations:sign", args=[draft.public_id]))
        draft.refresh_from_db()
        assert draft.is_signed


def _rendered_values(page: str) -> dict[str, Any]:
    """What a browser would post for the form as rendered: inputs, checked boxes and radios,
    textareas and selected options."""
    form = page[page.index('<form method="post" novalidate class="consultation-form">') :]
    form = form[: form.index("</form>")]
    data: dict[str, Any] = {}
    for tag in re.findall(r"<input[^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name is None:
            continue
        kind = re.search(r'type="([^"]+)"', tag)
        if kind and kind[1] in ("radio", "checkbox") and " checked" not in tag:
            continue
        data.setdefault(name[1], []).append(value[1] if value else "")
    for name, text in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S):
        data[name] = [text.strip("\n").replace("&#x27;", "'").replace("&quot;", '"')]
    return data


def test_it_adds_a_re_screen_where_a_screening_would_be_stale(riverside, alice, ada, patient):
    # given a course whose screening was 400 days before a session still awaiting signature
    now = timezone.now()
    visit_at = now - dt.timedelta(hours=1)
    first = Consultation.objects.create(
        clinic=riverside,
        patient=patient,
        consulted_at=now - dt.timedelta(days=400),
        clinician=alice.user,
        clinician_name=alice.display_name,
        concerns="Hair thinning",
        indications=["hair_loss"],
        questionnaire={"pregnant": "no"},
        signed_at=now - dt.timedelta(days=400),
        signed_by=alice.user,
        created_by=alice.user,
    )
    person = PersonDraft(
        "Maria", "Lopez", "f", dt.date(1985, 3, 14), Decimal(165), 60.0, "", "", "", "", "", False
    )
    visit = VisitDraft(visit_at, visit_at.date(), 9, 0, False, False, [("scalp", "midline")])
    course = CourseDraft(
        person,
        PROTOCOLS["hair_loss"],
        first.consulted_at,
        0,
        [("scalp", "midline")],
        None,
        "dutasteride",
        [visit],
        None,
        "active",
    )
    # when the demo writes its follow-up screenings
    added = write_follow_up_screenings(
        riverside, [course], [patient], [first], Staff([alice], None, ada.user), now
    )
    # then a signed re-screen precedes the session, and today's draft review is there
    assert added == 2
    rescreen = Consultation.objects.get(concerns__startswith="Yearly review")
    assert rescreen.signed_at is not None
    assert first.consulted_at < rescreen.consulted_at < rescreen.signed_at < visit_at
    assert rescreen.questionnaire == first.questionnaire
    draft = Consultation.objects.get(signed_at__isnull=True)
    assert draft.patient == patient
    assert Patient.objects.count() == 1


def test_it_finds_the_same_gates_for_many_sessions_at_once_as_for_each(demo: None) -> None:
    # given every session of each demo clinic, signed or not
    for clinic in Clinic.objects.all():
        sessions = list(
            TreatmentSession.objects.for_clinic(clinic).select_related("patient__clinic")
        )
        # when their gates are evaluated together (Today's list)
        together = readiness.for_sessions(clinic, sessions)
        # then each is what the session's own page finds
        assert {s.pk: readiness.for_session(s) for s in sessions} == together


def test_it_lets_every_waiting_session_be_signed_lots_and_dose_included(demo: None) -> None:
    # given every session of the demo awaiting its signature, and its practitioner
    drafts = list(
        TreatmentSession.objects.filter(signed_at__isnull=True).select_related(
            "patient__clinic", "clinic", "practitioner"
        )
    )
    assert drafts
    for session in drafts:
        member = Membership.objects.get(user=session.practitioner, clinic=session.clinic)
        ready = readiness.for_session(session)
        # when the practitioner signs it, answering what its page shows (an override of an
        # absolute contraindication with its reason, relative ones acknowledged)
        signed = sign_session(
            session,
            member,
            contraindication_override_reason="Reviewed with the patient; see the notes."
            if ready.absolute
            else "",
            relative_acknowledged=bool(ready.relative),
            contraindications_seen=ready.digest or None,
        )
        # then it is signed: its lots have the stock and the dose is within the limits
        assert signed.is_signed, session.public_id
