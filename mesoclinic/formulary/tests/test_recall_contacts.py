"""A patient who received a recalled lot carries a banner on the chart, naming the lot and
linking to the recall, until a contact that told them is recorded; contacts are recorded per
patient from the recall's call list (outcome, when, by whom, note) and audited."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mesoclinic.audit.models import AuditEvent
from mesoclinic.formulary import services
from mesoclinic.formulary.models import Lot, RecallContact
from mesoclinic.formulary.tests.test_recall import make_patient
from mesoclinic.patients.models import Patient
from mesoclinic.safety import recall_status
from mesoclinic.treatments.tests.conftest import make_lot
from mesoclinic.workspace.tests.follow_up import exposed_patients, recall, red_flag, session_for

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

pytestmark = pytest.mark.django_db

BANNER = "which is recalled"


@pytest.fixture
def recalled(riverside, alice, patient, pcdc_lot):
    """Maria received PC-001, which is then recalled; Ann received nothing."""
    session_for(patient, pcdc_lot, alice)
    make_patient(riverside, "RV000003", "Ann", "Other")
    return recall(pcdc_lot)


def _chart(client: Client, patient: Patient) -> str:
    response = client.get(reverse("patient_chart", args=[patient.public_id]))
    assert response.status_code == 200
    return response.content.decode()


def _contact_url(patient: Patient, lot: Lot | None = None) -> str:
    url = reverse("recall:contact", args=[patient.public_id])
    return f"{url}?lot={lot.public_id}" if lot else url


def _record(
    client: Client,
    patient: Patient,
    lot: Lot,
    outcome: str,
    note: str = "",
    when: dt.datetime | None = None,
) -> Response:
    # The form's "When" is in the clinic's time, never the server's.
    when = when or timezone.localtime(timezone=lot.clinic.zone).replace(second=0, microsecond=0)
    return client.post(
        _contact_url(patient, lot),
        {
            "lot": lot.pk,
            "outcome": outcome,
            "contacted_at": when.strftime("%Y-%m-%dT%H:%M"),
            "note": note,
        },
        follow=True,
    )


def test_it_shows_the_recall_banner_until_the_patient_is_told(login, alice, patient, recalled):
    client = login(alice)
    # given Maria received a recalled lot: her chart carries the banner, naming the lot and
    # linking to the recall and to the contact form
    chart = _chart(client, patient)
    assert "This patient received PC/DC lot PC-001, which is recalled" in chart
    assert "Manufacturer recall: sterility not assured" in chart
    assert "/formulary/recall/?lot=PC-001" in chart
    assert _contact_url(patient, recalled) in chart
    assert "No contact about the recall is recorded yet." in chart
    # when a call goes unanswered
    _record(client, patient, recalled, "no_answer")
    # then the banner stays, with the last attempt
    chart = _chart(client, patient)
    assert BANNER in chart
    assert "Last attempt: no answer" in chart
    assert "Alice Archer" in chart
    # when she is reached and told
    response = _record(
        client, patient, recalled, "reached", note="Told; no lumps; will call if any appear"
    )
    # then the call list shows her as told, and her chart no longer carries the banner
    assert response.redirect_chain[-1][0].startswith("/formulary/recall/?lot=PC-001")
    assert "the chart&#x27;s recall banner for this lot is closed" in response.content.decode()
    assert BANNER not in _chart(client, patient)


def test_it_shows_no_banner_to_a_patient_who_did_not_receive_the_lot(login, alice, recalled):
    # given Ann, who received nothing
    from mesoclinic.patients.models import Patient

    ann = Patient.objects.get(mrn="RV000003")
    # then her chart has no recall banner
    assert BANNER not in _chart(login(alice), ann)


def test_it_shows_no_banner_before_the_lot_is_recalled(login, alice, patient, pcdc_lot):
    # given Maria received a lot that is still available
    session_for(patient, pcdc_lot, alice)
    # then her chart has no recall banner
    assert BANNER not in _chart(login(alice), patient)


def test_it_shows_the_banner_to_the_nurse_and_the_admin_but_not_to_reception(
    login, nina, ada, bob, patient, recalled
):
    # then clinical staff and the admin (who runs recalls) see it; reception does not
    assert BANNER in _chart(login(nina), patient)
    assert BANNER in _chart(login(ada), patient)
    assert BANNER not in _chart(login(bob), patient)


def test_it_records_a_contact_from_the_call_list_and_audits_it(login, ada, patient, recalled):
    client = login(ada)
    # given the recall page of the lot, which offers to record a contact for Maria
    page = client.get(reverse("recall:search"), {"lot": "PC-001"}).content.decode()
    assert "not yet" in page
    assert _contact_url(patient, recalled) in page
    # when the admin records that a letter was sent
    _record(client, patient, recalled, "written", note="Letter sent to the address on file")
    # then the contact is stored with who and when, the call list shows her as told,
    # and the audit entry names the lot and the outcome but not the patient
    contact = RecallContact.objects.get()
    assert (contact.contacted_by, contact.contacted_by_name) == (ada.user, "Ada Adams")
    assert contact.informed
    page = client.get(reverse("recall:search"), {"lot": "PC-001"}).content.decode()
    assert "told</span>" in page
    assert "Told in writing (letter or e-mail)" in page
    event = AuditEvent.objects.get(action="create", object_type="recallcontact")
    assert event.detail == "recall contact for lot PC-001: written"
    assert event.patient == patient


def test_it_refuses_reached_without_a_note_and_a_time_in_the_future(
    login, alice, patient, recalled
):
    client = login(alice)
    # when "reached" is recorded with no note
    response = _record(client, patient, recalled, "reached", note="   ")
    # then the note is named and nothing is saved
    assert "Note: write what the patient was told and anything they reported." in (
        response.content.decode()
    )
    # when a time tomorrow is given
    tomorrow = timezone.localtime(timezone=recalled.clinic.zone) + dt.timedelta(days=1)
    response = _record(client, patient, recalled, "no_answer", when=tomorrow)
    # then "When" is named and nothing is saved
    assert "When: cannot be in the future." in response.content.decode()
    assert not RecallContact.objects.exists()
    assert BANNER in _chart(client, patient)


def test_it_refuses_a_contact_for_a_lot_the_patient_did_not_receive(
    alice, riverside, patient, pcdc, recalled
):
    # given another recalled lot that Maria never received
    other = recall(make_lot(pcdc, "PC-999"))
    # when a caller records a contact for it anyway
    with pytest.raises(services.FormularyError, match="did not receive lot PC-999"):
        recall_status.record_recall_contact(
            None,
            alice,
            other,
            patient,
            outcome="reached",
            contacted_at=timezone.now(),
            note="Told",
        )
    # then nothing is saved
    assert not RecallContact.objects.exists()


def test_it_refuses_the_contact_page_to_reception_and_to_charlie(
    login, bob, charlie, patient, recalled
):
    # reception holds no clinical record: refused
    assert login(bob).get(_contact_url(patient, recalled)).status_code == 403
    # charlie at Hilltop: a 404 that shows nothing of Riverside
    response = login(charlie).get(_contact_url(patient, recalled))
    assert response.status_code == 404
    assert "Maria" not in response.content.decode()
    posted = _record(login(charlie), patient, recalled, "reached", note="Told")
    assert posted.status_code == 404
    assert not RecallContact.objects.exists()


def test_it_shows_an_open_red_flag_on_the_chart_until_it_is_closed(login, alice, patient, recalled):
    from mesoclinic.aftercare import services as aftercare

    # given a red flag after Maria's session
    flag = red_flag(patient.sessions.get())
    client = login(alice)
    # then her chart shows it with a link to the worklist
    chart = _chart(client, patient)
    assert "Fever and a hot, spreading swelling" in chart
    assert f"/aftercare/#escalation-{flag.public_id}" in chart
    # when it is closed with what was done, then it is gone from the chart
    aftercare.acknowledge(None, flag, alice, "Seen today; cellulitis; antibiotics started")
    assert "Fever and a hot, spreading swelling" not in _chart(client, patient)


def _chart_queries(client: Client, patient: Patient) -> int:
    # The history drawn, not taken from the chart's cache (workspace/chart_cache.py).
    caches["chart"].clear()
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("patient_chart", args=[patient.public_id]))
    return len(queries)


def test_it_draws_the_banners_in_a_constant_number_of_queries(
    login, alice, riverside, patient, pcdc, recalled
):
    # given Maria with one recalled lot and one red flag
    red_flag(patient.sessions.get())
    client = login(alice)
    _chart_queries(client, patient)
    small = _chart_queries(client, patient)
    # when she also received three more recalled lots, with others exposed and contacts tried
    for n in range(3):
        lot = recall(make_lot(pcdc, f"PC-20{n}"))
        session_for(patient, lot, alice)
        red_flag(patient.sessions.order_by("-id").first(), reason=f"Flag {n}")
        exposed_patients(riverside, lot, alice, 2, start=700 + 10 * n)
        recall_status.record_recall_contact(
            None, alice, lot, patient, outcome="no_answer", contacted_at=timezone.now(), note=""
        )
    large = _chart_queries(client, patient)
    # then the chart needs no more queries
    assert large == small
    assert _chart(client, patient).count(BANNER) == 4


def test_it_shows_contact_details_on_the_contact_page_only_to_roles_that_see_them(
    login, nina, ada, patient, recalled
):
    # the nurse sees the phone number to call; the admin's field table shows identity only
    assert "+44 7700 900123" in login(nina).get(_contact_url(patient, recalled)).content.decode()
    page = login(ada).get(_contact_url(patient, recalled)).content.decode()
    assert "+44 7700 900123" not in page
    assert "maria@example.org" not in page
    assert "Record the contact" in page
