"""Recording, correcting and deleting measurements through the pages, for each persona."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mesoclinic.audit.models import AuditEvent
from mesoclinic.clinical_codes import MEASUREMENT_KINDS
from mesoclinic.outcomes.models import Measurement
from mesoclinic.patients.models import Patient
from mesoclinic.plans.models import PlanArea, TreatmentPlan

pytestmark = pytest.mark.django_db

DAY = dt.date(2025, 2, 10)


def visit(rows: Sequence[tuple[str, ...]] = (), **fields: str) -> dict[str, str]:
    """The POST of the visit form: visit fields, then rows of (kind, area, side, role, rater, value)."""
    data = {"measured_on": DAY.isoformat(), "session": "", "weight_kg": "", "action": "save"}
    data.update(fields)
    data["rows-TOTAL_FORMS"] = str(len(rows))
    data["rows-INITIAL_FORMS"] = "0"
    for i, (kind, area, side, role, rater, value) in enumerate(rows):
        for name, v in zip(
            ("kind", "area", "side", "site_role", "rater", "value"),
            (kind, area, side, role, rater, value),
            strict=True,
        ):
            data[f"rows-{i}-{name}"] = v
    return data


def url(patient: Patient) -> str:
    return reverse("outcomes:record", args=[patient.public_id])


def test_it_records_weight_and_rows_of_a_visit(login, nina, patient):
    # given the nurse is signed in
    client = login(nina)
    # when she records a weight and a left and right circumference
    response = client.post(
        url(patient),
        visit(
            [
                ("circumference_cm", "thigh_outer", "left", "", "", "61.5"),
                ("circumference_cm", "thigh_outer", "right", "control", "", "62"),
                ("", "abdomen", "midline", "", "", ""),  # a prefilled row left empty
            ],
            weight_kg="72.4",
        ),
    )
    # then three measurements are stored and each is audited
    assert response.status_code == 302
    assert Measurement.objects.filter(patient=patient).count() == 3
    weight = Measurement.objects.get(kind="weight_kg")
    assert weight.value == Decimal("72.4")
    assert weight.area == ""
    assert AuditEvent.objects.filter(action="create", patient=patient, username="nina").count() == 3


@pytest.mark.parametrize(
    "kind", [k for k in MEASUREMENT_KINDS.values() if k.per_area], ids=lambda k: k.code
)
def test_it_refuses_a_row_outside_the_kinds_range_and_saves_nothing(login, alice, patient, kind):
    # given a valid weight and a row above its kind's range
    rater = "clinician" if kind.rated else ""
    data = visit(
        [(kind.code, "abdomen", "midline", "", rater, str(kind.maximum + 1))], weight_kg="70"
    )
    # when the visit is saved
    response = login(alice).post(url(patient), data)
    # then the page names the row, the field and the range, and nothing is written
    body = response.content.decode()
    assert response.status_code == 200
    assert f"Row 1: {kind.label} ({kind.unit}): must be {kind.minimum} to {kind.maximum}" in body
    assert "Nothing was saved" in body
    assert not Measurement.objects.exists()


def test_it_refuses_a_weight_outside_twenty_to_four_hundred_kg(login, alice, patient):
    response = login(alice).post(url(patient), visit(weight_kg="450"))
    assert "Weight (kg): must be 20 to 400 kg" in response.content.decode()
    assert not Measurement.objects.exists()


def test_it_refuses_a_half_point_on_an_integer_scale(login, alice, patient):
    response = login(alice).post(
        url(patient), visit([("hexsel_css", "buttock", "left", "", "", "7.5")])
    )
    assert "whole number from 0 to 15" in response.content.decode()
    assert not Measurement.objects.exists()


def test_it_requires_the_rater_for_pcss_and_the_site_for_area_measures(login, alice, patient):
    response = login(alice).post(
        url(patient),
        visit(
            [("pcss", "buttock", "left", "", "", "2"), ("circumference_cm", "", "", "", "", "80")]
        ),
    )
    body = response.content.decode()
    assert "Row 1: Rater: required for Photonumeric Cellulite Severity Scale" in body
    assert "Row 2: Area: required for Circumference" in body
    assert "Row 2: Side: required for Circumference" in body
    assert not Measurement.objects.exists()


def test_it_refuses_an_empty_visit(login, alice, patient):
    response = login(alice).post(url(patient), visit())
    assert "Enter at least one value" in response.content.decode()
    assert not Measurement.objects.exists()


def test_it_prefills_rows_from_the_plan_and_adds_control_rows(login, alice, patient):
    # given an active plan on the left outer thigh
    plan = TreatmentPlan.objects.create(
        clinic=patient.clinic,
        patient=patient,
        indication="localized_fat",
        planned_sessions=4,
        interval_days=28,
    )
    PlanArea.objects.create(plan=plan, area="thigh_outer", side="left")
    client = login(alice)
    # when the form opens, then the plan's area is a circumference row
    page = client.get(url(patient)).content.decode()
    assert '<option value="thigh_outer" selected>' in page
    assert '<option value="circumference_cm" selected>' in page
    # when control rows are asked for
    data = visit([("circumference_cm", "thigh_outer", "left", "", "", "")], action="add_control")
    page = client.post(url(patient), data).content.decode()
    # then a right outer thigh control row is added, and nothing is saved
    assert 'name="rows-1-side"' in page
    assert page.count('<option value="right" selected>') == 1
    assert '<option value="control" selected>' in page
    assert not Measurement.objects.exists()


@pytest.mark.parametrize("who", ["bob", "rita", "ada"])
def test_it_refuses_roles_that_may_not_edit_clinical_records(login, patient, who, request):
    member = request.getfixturevalue(who)
    client = login(member)
    assert client.get(url(patient)).status_code == 403
    assert client.post(url(patient), visit(weight_kg="70")).status_code == 403
    assert not Measurement.objects.exists()


def test_it_shows_charlie_nothing_of_riverside(login, charlie, patient, make_measurement):
    # given a Riverside measurement
    m = make_measurement(patient, DAY, "weight_kg", "70")
    client = login(charlie)
    # when charlie opens the pages of Riverside's patient and measurement
    pages = [
        client.get(url(patient)),
        client.post(url(patient), visit(weight_kg="71")),
        client.get(reverse("outcomes:edit", args=[m.public_id])),
        client.post(reverse("outcomes:delete", args=[m.public_id]), {"version": m.version}),
    ]
    # then each is a 404 that shows nothing, and nothing changed
    for page in pages:
        assert page.status_code == 404
        assert "Lopez" not in page.content.decode()
    assert Measurement.objects.count() == 1


def test_it_corrects_a_measurement_and_refuses_a_stale_edit(
    login, alice, patient, make_measurement
):
    # given a circumference entered as 8.2 instead of 82
    m = make_measurement(patient, DAY, "circumference_cm", "80", area="abdomen", side="midline")
    client = login(alice)
    edit = reverse("outcomes:edit", args=[m.public_id])
    form = {
        "measured_on": DAY.isoformat(),
        "kind": "circumference_cm",
        "area": "abdomen",
        "side": "midline",
        "site_role": "",
        "rater": "",
        "value": "82",
        "version": m.version,
    }
    # when it is corrected, and then corrected again from the same stale page
    first = client.post(edit, form)
    second = client.post(edit, {**form, "value": "83"})
    # then the first is saved and audited, the second refused
    assert first.status_code == 302
    assert "Someone else changed this record" in second.content.decode()
    m.refresh_from_db()
    assert m.value == Decimal(82)
    event = AuditEvent.objects.get(action="update", object_id=str(m.public_id))
    assert event.detail == "value"


def test_it_names_the_field_when_a_correction_breaks_a_rule(
    login, alice, patient, make_measurement
):
    m = make_measurement(patient, DAY, "weight_kg", "70")
    response = login(alice).post(
        reverse("outcomes:edit", args=[m.public_id]),
        {
            "measured_on": DAY.isoformat(),
            "kind": "weight_kg",
            "area": "abdomen",
            "side": "",
            "site_role": "",
            "rater": "",
            "value": "70",
            "version": m.version,
        },
    )
    assert "Area: leave empty for Body weight" in response.content.decode()
    m.refresh_from_db()
    assert m.area == ""


def test_it_deletes_a_measurement_entered_in_error_with_an_audit(
    login, nina, patient, make_measurement
):
    m = make_measurement(patient, DAY, "weight_kg", "70")
    client = login(nina)
    stale = client.post(reverse("outcomes:delete", args=[m.public_id]), {"version": m.version + 1})
    assert "Nothing was deleted" in stale.content.decode()
    done = client.post(reverse("outcomes:delete", args=[m.public_id]), {"version": m.version})
    assert done.status_code == 302
    assert not Measurement.objects.exists()
    event = AuditEvent.objects.get(action="update", object_id=str(m.public_id))
    assert event.detail.startswith("deleted as entered in error")
    assert event.patient_id == patient.pk


def test_it_shows_measurements_plot_and_weight_flag_on_the_chart(
    login, alice, patient, make_session, make_measurement
):
    # given a session on the left abdomen, weights 80 then 85 kg, and girths on both sides
    make_session(patient, dt.date(2025, 1, 5), [("abdomen", "left")])
    make_measurement(patient, dt.date(2025, 1, 1), "weight_kg", "80")
    make_measurement(patient, DAY, "weight_kg", "85")
    for day, value in ((dt.date(2025, 1, 1), "90"), (DAY, "87")):
        make_measurement(patient, day, "circumference_cm", value, area="abdomen", side="left")
        make_measurement(patient, day, "circumference_cm", "90", area="abdomen", side="right")
    # when the chart is shown
    body = login(alice).get(reverse("patient_chart", args=[patient.public_id])).content.decode()
    # then the plots, the table fallback, the derived roles and the weight flag are there
    assert body.count('role="img"') == 2
    assert "Abdomen left · treated" in body
    assert "Abdomen right · untreated control" in body
    assert 'stroke-dasharray="6 4"' in body
    assert "<summary>Body weight as a table (2 values)</summary>" in body
    assert "+6.2% from first weight" in body
    assert "(derived)" in body
    assert "Record measurements" in body


def test_it_shows_an_empty_plot_state_below_two_points(login, alice, patient, make_measurement):
    make_measurement(patient, DAY, "weight_kg", "70")
    body = login(alice).get(reverse("patient_chart", args=[patient.public_id])).content.decode()
    assert "Only one body weight value so far" in body
    assert "No circumference recorded yet." in body
    assert "<svg" not in body


def test_it_hides_the_record_link_from_reception(login, bob, patient):
    body = login(bob).get(reverse("patient_chart", args=[patient.public_id])).content.decode()
    assert "Record measurements" not in body


def test_it_opens_the_form_on_todays_date_with_blank_rows(login, alice, patient):
    page = login(alice).get(url(patient)).content.decode()
    assert f'value="{alice.clinic.today():%Y-%m-%d}"' in page
    assert 'name="rows-2-value"' in page


def test_it_adds_a_row_keeping_what_was_typed(login, alice, patient):
    data = visit([("circumference_cm", "abdomen", "midline", "", "", "81")], action="add_row")
    page = login(alice).post(url(patient), data).content.decode()
    assert 'name="rows-1-kind"' in page
    assert 'value="81"' in page
    assert not Measurement.objects.exists()


def test_it_warns_at_once_when_the_new_weight_is_more_than_five_percent_off(
    login, alice, patient, make_measurement
):
    # given a first weight of 80 kg
    make_measurement(patient, dt.date(2025, 1, 1), "weight_kg", "80")
    # when 85 kg is recorded
    response = login(alice).post(url(patient), visit(weight_kg="85"), follow=True)
    # then the user is told straight away
    assert "Weight is +6.2% from the first recorded weight" in response.content.decode()


def test_it_draws_the_chart_in_the_same_queries_however_many_measurements(
    login, alice, patient, make_session, make_measurement, django_assert_max_num_queries
):
    # given a chart with a few measurements, counted once
    client = login(alice)
    make_session(patient, dt.date(2025, 1, 1), [("abdomen", "left")])
    for i in range(3):
        make_measurement(patient, DAY + dt.timedelta(days=i), "weight_kg", "70")
    chart = reverse("patient_chart", args=[patient.public_id])
    with CaptureQueriesContext(connection) as few:
        client.get(chart)
    # when thirty more measurements on other days and sites are added
    for i in range(30):
        make_measurement(
            patient,
            DAY + dt.timedelta(days=10 + i),
            "circumference_cm",
            "80",
            area="abdomen",
            side="left" if i % 2 else "right",
        )
    # then the chart needs no more queries than before
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(chart)


def test_it_prompts_the_submental_set_and_offers_a_control_site(login, alice, patient):
    # given active plans: submental fat (midline) for one patient
    plan = TreatmentPlan.objects.create(
        clinic=patient.clinic,
        patient=patient,
        indication="submental_fat",
        planned_sessions=4,
        interval_days=28,
    )
    PlanArea.objects.create(plan=plan, area="submental", side="midline")
    # when the visit form opens
    page = login(alice).get(url(patient)).content.decode()
    # then the clinician and the patient SMFRS rows are prefilled, weight is asked,
    # and no opposite-side control is offered for a midline site
    assert page.count('<option value="smfrs" selected>') == 2
    assert '<option value="clinician" selected>' in page
    assert '<option value="patient" selected>' in page
    assert 'name="weight_kg"' in page
    assert 'id="control-offer"' not in page


def test_it_prompts_the_cellulite_set_at_a_one_sided_thigh(login, alice, patient):
    # given an active cellulite plan on the left posterior thigh
    plan = TreatmentPlan.objects.create(
        clinic=patient.clinic,
        patient=patient,
        indication="cellulite",
        planned_sessions=4,
        interval_days=28,
    )
    PlanArea.objects.create(plan=plan, area="thigh_posterior", side="left")
    # when the visit form opens
    page = login(alice).get(url(patient)).content.decode()
    # then every measure of the set is a row and the untreated right side is offered
    for kind in ("hexsel_css", "nurnberger_muller", "circumference_cm"):
        assert f'<option value="{kind}" selected>' in page
    assert page.count('<option value="pcss" selected>') == 2
    assert 'id="control-offer"' in page
