"""What the patient's answers become: adverse events, measurements and escalations."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from mesoclinic.aftercare.models import CheckIn, CheckInResponse, Escalation
from mesoclinic.aftercare.reporting import dominant_lot
from mesoclinic.outcomes.models import Measurement
from mesoclinic.safety.models import AdverseEvent
from mesoclinic.uploads.tests.corpus import png_bytes

from .test_patient_link import QUIET, assert_nothing_leaks

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

pytestmark = pytest.mark.django_db

# A real 64 x 48 picture: every photo is decoded, so a PNG signature alone is not enough.
PNG = png_bytes()


def answer(
    client: Client,
    open_link: Callable[[Client, CheckIn], str],
    check_in: CheckIn,
    **changes: Any,
) -> Response:
    data = {**QUIET, **changes}
    return client.post(open_link(client, check_in), data)


def test_it_records_a_late_lump_as_a_nodule_and_escalates_suspected_mycobacteria(
    client, due_check_in, open_link, lots, django_capture_on_commit_callbacks
):
    # given a check-in five weeks after a session where lot A100 gave 8 of 10 mL
    check_in = due_check_in("week4_6", days_ago=35)
    # when the patient reports a lump
    with django_capture_on_commit_callbacks(execute=True):
        response = answer(client, open_link, check_in, lump="yes", impact="mild")
    # then a nodule is recorded against the session and the dominant lot
    assert response.status_code == 200
    assert "need a clinician" in response.content.decode()
    event = AdverseEvent.objects.get(event_type="nodule")
    assert event.session == check_in.session
    assert event.lot == lots[0]
    assert event.patient == check_in.patient
    assert event.severity == "mild"
    # and a red flag names the steps: biopsy, other exposed patients, the lot
    escalation = Escalation.objects.get(code="suspected_ntm")
    assert escalation.is_red_flag
    assert escalation.adverse_event == event
    assert "biopsy for mycobacterial culture" in escalation.recommended_steps
    assert "quarantining the lot" in escalation.recommended_steps
    # and the practitioner is emailed at once, with no patient data in the subject
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["alice@riverside.example"]
    assert_nothing_leaks(mail.outbox[0].subject)
    assert_nothing_leaks(mail.outbox[0].body)
    escalation.refresh_from_db()
    assert escalation.emailed_at is not None


def test_it_leaves_the_lot_empty_when_no_lot_dominates(patient, make_signed_session, lots):
    # given a session with 5 mL from each of two lots
    session = make_signed_session(patient, volumes_ml=((lots[0], "5"), (lots[1], "5")))
    # then no single lot is blamed
    assert dominant_lot(session) is None


def test_it_flags_bruising_that_outlasts_its_usual_course(
    client, due_check_in, open_link, django_capture_on_commit_callbacks
):
    # given a check-in 35 days after the session
    check_in = due_check_in("week4_6", days_ago=35)
    # when the patient still has bruising
    with django_capture_on_commit_callbacks(execute=True):
        answer(client, open_link, check_in, bruising="yes", impact="mild")
    # then the bruising dates from the session, and is flagged for review (not a red flag)
    event = AdverseEvent.objects.get(event_type="bruising")
    # (34 or 35 days in the clinic's calendar, depending on a clock change in between)
    assert event.last_seen_unresolved is not None
    assert (event.last_seen_unresolved - event.onset_date).days in (34, 35)
    escalation = Escalation.objects.get(code="bruising")
    assert escalation.level == "course"
    assert "usual course: bruising mostly gone within 10 days" in escalation.reason
    assert escalation.sources == [
        "http://jcadonline.com/lipodissolve-for-body-sculpting-safety-effectiveness-and-patient-satisfaction/"
    ]
    # and it does not email (the worklist carries it)
    assert mail.outbox == []


def test_it_records_expected_early_bruising_without_escalating(client, due_check_in, open_link):
    # given the 48–72 h check-in
    check_in = due_check_in("acute", days_ago=2)
    # when the patient has bruising and some pain
    answer(client, open_link, check_in, bruising="yes", pain_score="3", impact="mild")
    # then both are recorded, the pain with its score, and nothing is escalated
    assert set(AdverseEvent.objects.values_list("event_type", flat=True)) == {"bruising", "pain"}
    assert "pain 3/10" in AdverseEvent.objects.get(event_type="pain").notes
    assert not Escalation.objects.exists()


def test_it_updates_an_open_event_rather_than_duplicating_it(
    client, patient, make_signed_session, open_link
):
    # given swelling reported at 48–72 h
    import datetime as _dt

    from django.utils import timezone

    from mesoclinic.aftercare.models import CheckIn
    from mesoclinic.aftercare.services import schedule_follow_up

    session = make_signed_session(patient, timezone.now() - _dt.timedelta(days=2, hours=1))
    schedule_follow_up(session)
    acute = CheckIn.objects.get(session=session, kind="acute")
    answer(client, open_link, acute, swelling="yes", impact="moderate")
    # when it is reported again at another check-in of the same session
    week2 = CheckIn.objects.get(session=session, kind="week2")
    CheckIn.objects.filter(pk=week2.pk).update(window_start=timezone.now())
    week2.refresh_from_db()
    answer(client, open_link, week2, swelling="yes", impact="moderate")
    # then there is still one swelling event, seen again
    assert AdverseEvent.objects.filter(event_type="swelling").count() == 1


@pytest.mark.parametrize(
    ("answers", "code"),
    [
        ({"smile_weakness": "yes"}, "nerve_weakness"),
        ({"swallowing_difficulty": "yes"}, "dysphagia"),
        ({"skin_breakdown": "yes"}, "ulceration_necrosis"),
        ({"fever": "yes"}, "fever"),
    ],
)
def test_it_asks_submental_patients_about_nerve_and_swallowing_and_escalates(
    client, due_check_in, open_link, answers, code, django_capture_on_commit_callbacks
):
    # given a submental session three days ago
    check_in = due_check_in(
        "acute",
        days_ago=2,
        indication="submental_fat",
        sites=(("submental", "midline"),),
    )
    form = client.get(open_link(client, check_in)).content.decode()
    assert "Is your smile uneven, or is your lower lip weak?" in form
    assert "Do you have difficulty swallowing?" in form
    # when the patient reports the sign
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/c/{check_in.public_id}/",
            {**QUIET, "smile_weakness": "no", "swallowing_difficulty": "no", **answers},
        )
    # then it is escalated as a red flag and emailed
    assert Escalation.objects.get(code=code).is_red_flag
    assert len(mail.outbox) == 1


def test_it_does_not_ask_nerve_questions_after_body_treatment(client, due_check_in, open_link):
    check_in = due_check_in("acute", days_ago=2)
    form = client.get(open_link(client, check_in)).content.decode()
    assert "Is your smile uneven" not in form


def test_it_records_the_patient_reported_scales_at_the_outcome_visit(
    client, due_check_in, open_link
):
    # given the outcome visit after a submental course
    check_in = due_check_in(
        "week12",
        days_ago=85,
        indication="submental_fat",
        sites=(("submental", "midline"),),
    )
    check_in.asks_outcomes = True
    check_in.save()
    # when the patient rates chin fat 1, GAIS 2 and satisfaction 8
    answer(
        client,
        open_link,
        check_in,
        smile_weakness="no",
        swallowing_difficulty="no",
        smfrs_submental_midline="1",
        gais_submental_midline="2",
        satisfaction_submental_midline="8",
    )
    # then three patient-rated measurements are linked to the session
    rows = {m.kind: m for m in Measurement.objects.all()}
    assert set(rows) == {"smfrs", "gais", "satisfaction"}
    assert rows["smfrs"].value == Decimal(1)
    assert rows["smfrs"].scale_version == "PR-SMFRS 0-4"
    assert rows["gais"].scale_version == "S-GAIS 1-5"
    assert all(m.rater == "patient" and m.session == check_in.session for m in rows.values())


def test_it_asks_pcss_per_quadrant_after_cellulite_treatment(client, due_check_in, open_link):
    check_in = due_check_in(
        "week12", days_ago=85, indication="cellulite", sites=(("buttock", "bilateral"),)
    )
    check_in.asks_outcomes = True
    check_in.save()
    form = client.get(open_link(client, check_in)).content.decode()
    assert 'name="pcss_buttock_left"' in form
    assert 'name="pcss_buttock_right"' in form


def test_it_keeps_a_valid_photo_outside_static(client, due_check_in, open_link, settings):
    check_in = due_check_in()
    photo = SimpleUploadedFile("me.png", PNG, content_type="image/png")
    answer(client, open_link, check_in, photo=photo)
    stored = CheckInResponse.objects.get()
    assert stored.photo_content_type == "image/png"
    assert str(settings.AFTERCARE_PHOTO_ROOT) in stored.photo.path
    assert "static" not in stored.photo.path


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"%PDF-1.4 not a picture", "scan.png", "This file is not a JPEG, PNG or WebP image."),
        (PNG + b"\x00" * 2048, "big.png", "larger than"),
    ],
)
def test_it_refuses_a_photo_of_the_wrong_type_or_size(
    client, due_check_in, open_link, settings, content, name, message
):
    # given a photo size limit of 1 kB for the test
    settings.AFTERCARE_PHOTO_MAX_BYTES = 1024
    check_in = due_check_in()
    upload = SimpleUploadedFile(name, content, content_type="image/png")
    # when it is sent
    response = answer(client, open_link, check_in, photo=upload)
    # then the field is named and nothing is stored
    body = response.content.decode()
    assert "Photo of the treated area (optional): " in body
    assert message in body
    assert not CheckInResponse.objects.exists()
    assert not AdverseEvent.objects.exists()


def test_it_stores_nothing_when_a_write_fails(client, due_check_in, open_link, monkeypatch):
    # given a failure while the escalations are written
    from mesoclinic.aftercare import reporting

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(reporting, "_escalate", boom)
    check_in = due_check_in()
    url = open_link(client, check_in)
    client.raise_request_exception = False
    # when the patient reports a lump
    response = client.post(url, {**QUIET, "lump": "yes"})
    # then nothing was half-written and the check-in is still open
    assert response.status_code == 500
    assert not AdverseEvent.objects.exists()
    assert not CheckInResponse.objects.exists()
    check_in.refresh_from_db()
    assert check_in.status == "scheduled"
