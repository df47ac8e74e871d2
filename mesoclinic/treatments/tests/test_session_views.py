"""Session screens for each persona: drafting, htmx lines, signing, amending, and isolation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mesoclinic.audit.models import AuditEvent
from mesoclinic.formulary.choices import LotStatus
from mesoclinic.plans.models import PlanArea, TreatmentPlan
from mesoclinic.treatments import services
from mesoclinic.treatments.models import Injection, TreatmentSession
from tests.form_submission import entry_list, own_post_forms

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _session_form(**overrides: str) -> dict[str, str]:
    form = {
        "performed_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "indication": "cellulite",
        "anaesthesia": "none",
        "technique": "nappage",
        "needle": "30G 4 mm",
        "depth_mm": "2",
        "notes": "",
        "areas-TOTAL_FORMS": "1",
        "areas-INITIAL_FORMS": "0",
        "areas-MIN_NUM_FORMS": "1",
        "areas-MAX_NUM_FORMS": "1000",
        "areas-0-area": "thigh_outer",
        "areas-0-side": "left",
        "areas-0-price": "150",
        "areas-0-currency": "",
    }
    form.update(overrides)
    return form


def _sign(client: Client, session: TreatmentSession) -> Response:
    return client.post(reverse("treatments:sign", args=[session.public_id]))


def test_it_drafts_a_session_with_areas_in_the_clinic_zone(login, alice, patient, riverside):
    # given alice records a session (the clinic is in New York)
    riverside.time_zone = "America/New_York"
    riverside.save()
    client = login(alice)
    # when she posts the form with a local time
    response = client.post(
        reverse("treatments:create", args=[patient.public_id]),
        _session_form(practitioner=str(alice.user.pk), performed_at="2026-03-02T09:30"),
    )
    # then a draft exists at 14:30 UTC with its area priced in the clinic's currency
    session = TreatmentSession.objects.get()
    assert response.status_code == 302
    assert session.performed_at.astimezone(dt.UTC).strftime("%H:%M") == "14:30"
    assert not session.is_signed
    area = session.areas.get()
    assert (area.area, area.side, area.price, area.currency) == (
        "thigh_outer",
        "left",
        Decimal(150),
        "GBP",
    )
    assert AuditEvent.objects.filter(action="create", object_id=str(session.public_id)).exists()


def test_it_defaults_the_practitioner_and_the_plan_details(login, alice, patient, riverside):
    plan = TreatmentPlan.objects.create(
        clinic=riverside,
        patient=patient,
        indication="submental_fat",
        protocol="DCA 6x4w",
        planned_sessions=6,
        interval_days=28,
    )
    PlanArea.objects.create(plan=plan, area="submental", side="midline")
    url = reverse("treatments:create", args=[patient.public_id]) + f"?plan={plan.public_id}"
    body = login(alice).get(url).content.decode()
    assert f'<option value="{alice.user.pk}" selected>' in body
    assert 'value="DCA 6x4w"' in body
    assert '<option value="submental" selected>' in body


def test_it_saves_a_session_started_from_a_plan_without_touching_anything(
    login, alice, patient, riverside
):
    # given a plan with two areas, and its "record a session" page as the browser shows it
    plan = TreatmentPlan.objects.create(
        clinic=riverside,
        patient=patient,
        indication="submental_fat",
        protocol="DCA 6x4w",
        planned_sessions=6,
        interval_days=28,
    )
    PlanArea.objects.create(plan=plan, area="submental", side="midline")
    PlanArea.objects.create(plan=plan, area="neck", side="midline")
    client = login(alice)
    url = reverse("treatments:create", args=[patient.public_id]) + f"?plan={plan.public_id}"
    page = client.get(url)
    (form,) = own_post_forms(page.content.decode(), "http://testserver" + url)
    data, refusals = entry_list(form)
    assert refusals == []
    # when it is submitted exactly as pre-filled
    response = client.post(url, data)
    # then the draft is saved with the plan's areas
    assert response.status_code == 302, response.content.decode()
    session = TreatmentSession.objects.get()
    assert session.plan == plan
    assert sorted(session.areas.values_list("area", "side")) == [
        ("neck", "midline"),
        ("submental", "midline"),
    ]


def test_it_takes_the_indication_from_the_plan_when_left_blank(login, alice, patient, riverside):
    plan = TreatmentPlan.objects.create(
        clinic=riverside,
        patient=patient,
        indication="cellulite",
        protocol="Meso 10x1w",
        planned_sessions=10,
        interval_days=7,
    )
    login(alice).post(
        reverse("treatments:create", args=[patient.public_id]),
        _session_form(practitioner=str(alice.user.pk), plan=str(plan.pk), indication=""),
    )
    session = TreatmentSession.objects.get()
    assert (session.indication, session.protocol, session.plan) == ("cellulite", "Meso 10x1w", plan)


def test_it_names_the_depth_field_when_it_is_out_of_range(login, alice, patient):
    response = login(alice).post(
        reverse("treatments:create", args=[patient.public_id]),
        _session_form(practitioner=str(alice.user.pk), depth_mm="25"),
    )
    assert "Depth (mm): Ensure this value is less than or equal to 20." in response.content.decode()
    assert not TreatmentSession.objects.exists()


def test_it_adds_a_line_with_htmx_and_returns_the_lines_partial(login, nina, draft, line_form):
    # given the nurse is drafting
    client = login(nina)
    # when she adds a line through htmx
    response = client.post(
        reverse("treatments:line_add", args=[draft.public_id]), line_form, **HTMX
    )
    # then only the lines partial comes back, with the line and the substance totals
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="lines">')
    assert "<html" not in body
    assert "PC-001" in body
    assert "phosphatidylcholine" in body
    assert "<td>100</td>" in body
    assert "deoxycholic acid (in PC mixture)" in body
    assert "<td>84</td>" in body
    assert Injection.objects.filter(session=draft).count() == 1
    assert AuditEvent.objects.filter(
        action="update", username="nina", patient=draft.patient
    ).exists()


def test_it_adds_and_removes_a_line_without_htmx(login, alice, draft, line_form):
    client = login(alice)
    added = client.post(reverse("treatments:line_add", args=[draft.public_id]), line_form)
    assert added.status_code == 302
    line = Injection.objects.get()
    removed = client.post(reverse("treatments:line_remove", args=[draft.public_id, line.public_id]))
    assert removed.status_code == 302
    assert not Injection.objects.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"volume_ml": "-1"}, "Volume (mL): The volume must be more than 0 mL."),
        ({"volume_ml": "0"}, "Volume (mL): The volume must be more than 0 mL."),
        ({"points": "0"}, "Points: Ensure this value is greater than or equal to 1."),
        ({"depth_mm": "21"}, "Depth (mm): Ensure this value is less than or equal to 20."),
    ],
)
def test_it_names_the_field_of_a_bad_line(login, alice, draft, line_form, change, message):
    response = login(alice).post(
        reverse("treatments:line_add", args=[draft.public_id]), line_form | change, **HTMX
    )
    assert message in response.content.decode()
    assert not Injection.objects.exists()


def test_it_refuses_a_lot_of_another_product_naming_the_lot(
    login, alice, draft, line_form, lido_lot
):
    response = login(alice).post(
        reverse("treatments:line_add", args=[draft.public_id]),
        line_form | {"lot": str(lido_lot.pk)},
        **HTMX,
    )
    assert "Lot: Lot LI-001 is a lot of Lidocaine 1%, not PC/DC." in response.content.decode()
    assert not Injection.objects.exists()


def test_it_refuses_a_recalled_lot_naming_the_lot_without_htmx(
    login, alice, draft, line_form, pcdc_lot
):
    pcdc_lot.status = LotStatus.RECALLED
    pcdc_lot.save()
    response = login(alice).post(reverse("treatments:line_add", args=[draft.public_id]), line_form)
    assert response.status_code == 200
    assert "Lot: Lot PC-001 is recalled." in response.content.decode()
    assert not Injection.objects.exists()


def test_it_refuses_signing_by_a_nurse_with_403(ready, login, nina, draft, line_form):
    client = login(nina)
    client.post(reverse("treatments:line_add", args=[draft.public_id]), line_form)
    response = _sign(client, draft)
    draft.refresh_from_db()
    assert response.status_code == 403
    assert not draft.is_signed
    assert (
        "Sign session"
        not in client.get(reverse("treatments:detail", args=[draft.public_id])).content.decode()
    )


def test_it_signs_updates_stock_and_shows_the_signed_page(
    ready, login, alice, draft, line_form, pcdc_lot
):
    client = login(alice)
    client.post(reverse("treatments:line_add", args=[draft.public_id]), line_form)
    response = _sign(client, draft)
    draft.refresh_from_db()
    pcdc_lot.refresh_from_db()
    assert response.status_code == 302
    assert draft.is_signed
    assert pcdc_lot.remaining_ml == Decimal(46)
    assert AuditEvent.objects.filter(action="sign", object_id=str(draft.public_id)).exists()
    body = client.get(reverse("treatments:detail", args=[draft.public_id])).content.decode()
    assert "Signed</span>" in body
    assert "Total volume" in body
    assert "4 mL" in body
    assert "Add line" not in body


def test_it_reports_a_lot_recalled_after_drafting_when_signing(
    ready, login, alice, draft, line_form, pcdc_lot
):
    client = login(alice)
    client.post(reverse("treatments:line_add", args=[draft.public_id]), line_form)
    pcdc_lot.status = LotStatus.RECALLED
    pcdc_lot.save()
    response = client.post(reverse("treatments:sign", args=[draft.public_id]), follow=True)
    draft.refresh_from_db()
    assert not draft.is_signed
    assert "Not signed. Line 1 (PC/DC): Lot: Lot PC-001 is recalled." in response.content.decode()


def test_it_amends_a_signed_session_and_shows_original_and_amendment(
    ready, login, alice, draft, line_form
):
    # given a signed session
    client = login(alice)
    client.post(reverse("treatments:line_add", args=[draft.public_id]), line_form)
    _sign(client, draft)
    url = reverse("treatments:amend", args=[draft.public_id])
    form = {
        "indication": "localized_fat",
        "protocol": "",
        "anaesthesia": "none",
        "technique": "point",
        "needle": "",
        "depth_mm": "8",
        "notes": "Tolerated well.",
    }
    # when she amends without a reason, then it is refused naming the field
    refused = client.post(url, form | {"reason": ""})
    assert "Reason for the amendment: This field is required." in refused.content.decode()
    # when she amends with a reason
    client.post(url, form | {"reason": "Depth misread from the chart"})
    # then the original stays and the amendment is listed with author, time and reason
    draft.refresh_from_db()
    assert draft.depth_mm == Decimal("6.0")
    body = client.get(reverse("treatments:detail", args=[draft.public_id])).content.decode()
    assert "Depth misread from the chart" in body
    assert "Alice Archer" in body
    assert "depth_mm: “6.0” → “8.0”" in body
    assert "Depth mm: “6.0”" in body  # the value as signed
    assert AuditEvent.objects.filter(action="amend", detail="depth_mm").exists()


def test_it_refuses_editing_a_signed_session_in_place(ready, login, alice, draft, line_form):
    client = login(alice)
    client.post(reverse("treatments:line_add", args=[draft.public_id]), line_form)
    _sign(client, draft)
    response = client.post(
        reverse("treatments:line_add", args=[draft.public_id]), line_form, **HTMX
    )
    assert "The session is signed" in response.content.decode()
    assert Injection.objects.count() == 1
    edit = client.get(reverse("treatments:edit", args=[draft.public_id]))
    assert edit.status_code == 302


def test_it_refuses_a_stale_draft_edit(login, alice, draft):
    client = login(alice)
    form = _session_form(
        practitioner=str(alice.user.pk),
        version=str(draft.version),
        **{
            "areas-INITIAL_FORMS": "1",
            "areas-0-id": str(draft.areas.get().pk),
            "areas-0-area": "abdomen",
            "areas-0-side": "midline",
        },
    )
    TreatmentSession.objects.filter(pk=draft.pk).update(version=draft.version + 1)
    response = client.post(reverse("treatments:edit", args=[draft.public_id]), form)
    assert "Someone else changed this record" in response.content.decode()


@pytest.mark.parametrize("persona", ["bob", "rita"])
def test_it_refuses_reception_and_researcher(
    request, login, persona, alice, ready, draft, line_form, patient
):
    # given a draft alice could sign (the patient is ready, the draft has a line)
    login(alice).post(reverse("treatments:line_add", args=[draft.public_id]), line_form)
    client = login(request.getfixturevalue(persona))
    audited = AuditEvent.objects.count()
    # when reception or the researcher opens it, opens a new session, signs, and records one
    responses = [
        client.get(reverse("treatments:detail", args=[draft.public_id])),
        client.get(reverse("treatments:create", args=[patient.public_id])),
        _sign(client, draft),
        client.post(
            reverse("treatments:create", args=[patient.public_id]),
            _session_form(practitioner=str(alice.user.pk)),
        ),
    ]
    # then each is refused; the draft is still an unsigned draft with its one line, no
    # session was added, and no read or write of the patient's record was audited
    assert [r.status_code for r in responses] == [403, 403, 403, 403]
    draft.refresh_from_db()
    assert not draft.is_signed
    assert TreatmentSession.objects.get() == draft
    assert Injection.objects.filter(session=draft).count() == 1
    assert AuditEvent.objects.count() == audited


def test_it_shows_charlie_nothing_of_riverside(login, charlie, alice, draft, line_form, patient):
    # given a Riverside draft with a line
    login(alice).post(reverse("treatments:line_add", args=[draft.public_id]), line_form)
    line = Injection.objects.get()
    client = login(charlie)
    sid = draft.public_id
    # when charlie tries every view with a public id, then each is a 404 that shows nothing
    responses = [
        client.get(reverse("treatments:detail", args=[sid])),
        client.get(reverse("treatments:edit", args=[sid])),
        client.get(reverse("treatments:amend", args=[sid])),
        client.get(reverse("treatments:create", args=[patient.public_id])),
        client.post(reverse("treatments:line_add", args=[sid]), line_form),
        client.post(reverse("treatments:line_remove", args=[sid, line.public_id])),
        client.post(reverse("treatments:sign", args=[sid])),
    ]
    for response in responses:
        assert response.status_code == 404
        body = response.content.decode()
        assert "Lopez" not in body
        assert "PC-001" not in body
        assert "RV000001" not in body
    draft.refresh_from_db()
    assert not draft.is_signed
    assert Injection.objects.count() == 1


def test_it_shows_the_session_on_the_chart(ready, login, alice, draft, line_form):
    client = login(alice)
    client.post(reverse("treatments:line_add", args=[draft.public_id]), line_form)
    body = client.get(reverse("patient_chart", args=[draft.patient.public_id])).content.decode()
    assert reverse("treatments:detail", args=[draft.public_id]) in body
    assert "Abdomen (Midline)" in body
    assert "PC/DC lot PC-001" in body
    assert "Record a session" in body
    assert "Plan a course" in body


def test_it_reads_the_session_day_in_the_clinic_zone(draft, riverside):
    riverside.time_zone = "Pacific/Kiritimati"
    riverside.save()
    draft.refresh_from_db()
    assert (
        services.session_day(draft)
        == timezone.localtime(
            draft.performed_at, __import__("zoneinfo").ZoneInfo("Pacific/Kiritimati")
        ).date()
    )


def test_it_audits_reading_a_session(login, nina, draft):
    login(nina).get(reverse("treatments:detail", args=[draft.public_id]))
    event = AuditEvent.objects.get(action="view", username="nina")
    assert (event.object_id, event.patient) == (str(draft.public_id), draft.patient)


def test_it_does_not_offer_a_closed_plan_for_a_new_session(login, alice, patient, riverside):
    closed = TreatmentPlan.objects.create(
        clinic=riverside,
        patient=patient,
        indication="cellulite",
        planned_sessions=4,
        interval_days=14,
        status="completed",
    )
    response = login(alice).post(
        reverse("treatments:create", args=[patient.public_id]),
        _session_form(practitioner=str(alice.user.pk), plan=str(closed.pk)),
    )
    assert "Course (plan): Select a valid choice." in response.content.decode()
    assert not TreatmentSession.objects.exists()
