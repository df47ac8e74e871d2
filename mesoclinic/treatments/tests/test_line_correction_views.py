"""The "Correct this line" screen of a signed session, for each persona."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

import pytest
from django.test import Client
from django.urls import reverse

from mesoclinic.audit.choices import Action
from mesoclinic.audit.models import AuditEvent
from mesoclinic.records.models import Amendment
from mesoclinic.treatments.corrections import correct_line
from mesoclinic.treatments.models import Injection

from .conftest import make_lot
from .correction_helpers import add_line, changed, signed_with_line

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

pytestmark = pytest.mark.django_db


def _url(line: Injection) -> str:
    return reverse("treatments:line_correct", args=[line.session.public_id, line.public_id])


def _post(client: Client, line: Injection, action: str = "save", **overrides: str) -> Response:
    """POST the form as rendered (GET), with ``overrides``; returns the response."""
    form = client.get(_url(line)).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {k: "" if v is None else str(v) for k, v in data.items()}
    data.update(action=action, **overrides)
    return client.post(_url(line), data)


@pytest.fixture
def signed_line(draft, alice, pcdc_lot):
    return signed_with_line(draft, alice, pcdc_lot)


def test_it_prefills_the_form_with_the_line_as_it_stands(login, alice, signed_line):
    # given the line was already corrected once to 3 mL
    newer = correct_line(
        signed_line, alice, "Volume misread", changed(signed_line, volume_ml=Decimal(3))
    )
    # when alice opens "Correct this line" on the line in effect
    response = login(alice).get(_url(newer))
    # then the form holds the corrected values, and the page shows the dose check
    form = response.context["form"]
    assert form["volume_ml"].value() == Decimal(3)
    assert form["lot"].value() == signed_line.lot_id
    assert form["site"].value() == "abdomen:midline"
    assert "Dose check of the session with these values" in response.content.decode()


def test_it_shows_the_dose_check_before_saving_then_saves_the_correction(
    login, alice, pcdc, pcdc_lot, signed_line
):
    # given a practitioner and the lot really used
    client = login(alice)
    right = make_lot(pcdc, "PC-002")
    fields = {"lot": str(right.pk), "volume_ml": "3.5", "reason": "Vial label in the notes"}
    # when she changes the values and presses Save straight away
    first = _post(client, signed_line, **fields)
    # then nothing is saved yet: the page shows the dose check of the corrected lines
    assert first.status_code == 200
    assert "Not saved yet" in first.content.decode()
    assert first.context["corrected_total_ml"] == Decimal("3.5")
    assert not Amendment.objects.exists()
    # when she saves again having seen it
    data = {name: first.context["form"][name].value() for name in first.context["form"].fields}
    data = {k: "" if v is None else str(v) for k, v in data.items()} | {"action": "save"}
    second = client.post(_url(signed_line), data)
    # then the correction is recorded and she is back on the session
    assert second.status_code == 302
    new = Injection.objects.get(replaces=signed_line)
    assert (new.lot, new.volume_ml) == (right, Decimal("3.5"))


def test_it_shows_the_corrected_line_with_the_original_struck_through(
    login, alice, pcdc, signed_line
):
    # given a correction of the lot
    right = make_lot(pcdc, "PC-002")
    correct_line(signed_line, alice, "Wrong vial scanned", changed(signed_line, lot=right))
    # when the session page is opened
    response = login(alice).get(reverse("treatments:detail", args=[signed_line.session.public_id]))
    page = response.content.decode()
    # then line 1 is PC-002, corrected; the signed original (PC-001) stays readable, with
    # who, when and why
    assert "corrected</span>" in page
    assert "<del>Abdomen (Midline) · PC/DC · lot PC-001 · 4 mL" in page
    assert "corrected by Alice Archer" in page
    assert "Reason: Wrong vial scanned" in page
    assert [row.line.lot.lot_number for row in response.context["rows"]] == ["PC-002"]


def test_it_audits_the_correction_without_patient_data(login, alice, pcdc, signed_line):
    # given alice saves a correction through the screen
    client = login(alice)
    right = make_lot(pcdc, "PC-002")
    first = _post(client, signed_line, lot=str(right.pk), reason="Wrong vial")
    data = {n: first.context["form"][n].value() for n in first.context["form"].fields}
    client.post(
        _url(signed_line),
        {k: "" if v is None else str(v) for k, v in data.items()} | {"action": "save"},
    )
    # then one AMEND event names the lines and the field changed, not the values or patient
    new = Injection.objects.get(replaces=signed_line)
    event = AuditEvent.objects.get(action=Action.AMEND)
    assert event.detail == (
        f"injection line {signed_line.public_id} corrected as {new.public_id}: lot"
    )


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"reason": "  "}, "reason", "This field is required."),
        ({"volume_ml": "0"}, "volume_ml", "greater than or equal to 0.001"),
    ],
)
def test_it_refuses_bad_input_naming_the_field(
    login, alice, signed_line, overrides, field, message
):
    # when the form is posted with a bad value
    response = _post(login(alice), signed_line, **({"reason": "ok"} | overrides))
    # then the field carries the error and nothing is saved
    assert any(message in e for e in response.context["form"].errors[field])
    assert not Amendment.objects.exists()


def test_it_refuses_a_lot_of_another_product_on_the_lot_field(login, alice, lido_lot, signed_line):
    response = _post(login(alice), signed_line, lot=str(lido_lot.pk), reason="Wrong lot")
    assert "is a lot of Lidocaine 1%, not PC/DC" in response.context["form"].errors["lot"][0]
    assert not Amendment.objects.exists()


def test_it_refuses_a_lot_that_holds_too_little_on_the_lot_field(login, alice, pcdc, signed_line):
    # given a lot with 1 mL left, and the form shown for it
    client = login(alice)
    small = make_lot(pcdc, "SMALL", remaining_ml=Decimal(1))
    first = _post(client, signed_line, lot=str(small.pk), reason="Wrong lot", action="check")
    data = {n: first.context["form"][n].value() for n in first.context["form"].fields}
    # when it is saved
    response = client.post(
        _url(signed_line),
        {k: "" if v is None else str(v) for k, v in data.items()} | {"action": "save"},
    )
    # then the lot field says why and nothing is saved
    assert "Lot SMALL has 1 mL left" in response.context["form"].errors["lot"][0]
    assert not Amendment.objects.exists()


@pytest.mark.parametrize("persona", ["nina", "bob", "rita", "ada"])
def test_it_refuses_everyone_but_practitioners(request, login, signed_line, persona):
    # given a nurse, reception, a researcher or the admin
    client = login(request.getfixturevalue(persona))
    # when they open or post the correction form, then it is refused
    assert client.get(_url(signed_line)).status_code == 403
    assert client.post(_url(signed_line), {"reason": "x", "action": "save"}).status_code == 403
    assert not Amendment.objects.exists()


def test_it_offers_the_correction_link_to_practitioners_only(login, alice, nina, signed_line):
    detail = reverse("treatments:detail", args=[signed_line.session.public_id])
    assert "Correct this line" in login(alice).get(detail).content.decode()
    assert "Correct this line" not in login(nina).get(detail).content.decode()


def test_it_shows_charlie_nothing_of_riverside(login, alice, charlie, signed_line, patient):
    # given the form a Riverside practitioner would post to correct the line
    form = login(alice).get(_url(signed_line)).context["form"]
    data = {
        name: "" if form[name].value() is None else str(form[name].value()) for name in form.fields
    }
    before = Injection.objects.values().get(pk=signed_line.pk)
    client = login(charlie)
    audited = AuditEvent.objects.count()
    # when charlie at Hilltop opens it and posts a correction with a reason
    opened = client.get(_url(signed_line))
    posted = client.post(_url(signed_line), {**data, "volume_ml": "9", "reason": "x"})
    # then both are a 404 that shows nothing of the patient, and nothing was written or read
    for response in (opened, posted):
        assert response.status_code == 404
        body = response.content.decode()
        assert patient.family_name not in body
        assert patient.mrn not in body
    assert not Amendment.objects.exists()
    assert Injection.objects.filter(session=signed_line.session).count() == 1
    assert Injection.objects.values().get(pk=signed_line.pk) == before
    assert AuditEvent.objects.count() == audited


def test_it_sends_a_draft_back_to_direct_editing(login, alice, draft, pcdc_lot):
    # given a draft line
    line = add_line(draft, pcdc_lot)
    # when alice opens its correction form
    response = login(alice).get(_url(line), follow=True)
    # then she is back on the session, told to edit the draft directly
    assert "edited directly" in response.content.decode()
    assert "line_correct" not in response.resolver_match.url_name


def test_it_sends_a_replaced_line_to_the_line_as_it_stands(login, alice, signed_line):
    # given the line was corrected by someone else after the form was opened
    correct_line(signed_line, alice, "Volume misread", changed(signed_line, volume_ml=Decimal(3)))
    # when the form of the replaced line is posted
    response = login(alice).post(
        _url(signed_line), {"reason": "again", "action": "save"}, follow=True
    )
    # then nothing more is saved and the session says so
    assert "has since been corrected" in response.content.decode()
    assert Amendment.objects.count() == 1


def test_it_shows_the_corrected_lot_and_volume_on_the_chart(login, alice, pcdc, signed_line):
    # given the line was moved to PC-002 at 3 mL
    right = make_lot(pcdc, "PC-002")
    correct_line(
        signed_line, alice, "Wrong vial", changed(signed_line, lot=right, volume_ml=Decimal(3))
    )
    # when the patient's chart is opened
    patient = signed_line.session.patient
    page = login(alice).get(reverse("patient_chart", args=[patient.public_id])).content.decode()
    # then the session entry shows one line, 3 mL, lot PC-002 (corrected), not PC-001
    assert "1 line, 3 mL" in page
    assert "lot PC-002 (corrected)" in page
    assert "PC-001" not in page
