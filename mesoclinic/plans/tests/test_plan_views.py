"""Treatment plans: create, edit with a version check, close, the chart entry, and isolation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from mesoclinic.audit.models import AuditEvent
from mesoclinic.consultations.models import Consultation
from mesoclinic.patients.models import Patient
from mesoclinic.plans.models import PlanArea, PlanStatus, TreatmentPlan
from mesoclinic.treatments.models import TreatmentSession

pytestmark = pytest.mark.django_db


def _plan_form(*areas: tuple[str, str], **fields: str) -> dict[str, str]:
    form = {
        "indication": "cellulite",
        "protocol": "Meso 10x1w",
        "planned_sessions": "10",
        "interval_days": "7",
        "start_date": "2026-12-01",
        "estimated_price": "900",
        "currency": "",
        "consultation": "",
        "lifestyle_advice": "Keep weight stable; walk daily.",
        "areas-TOTAL_FORMS": str(len(areas)),
        "areas-INITIAL_FORMS": "0",
        "areas-MIN_NUM_FORMS": "1",
        "areas-MAX_NUM_FORMS": "1000",
    }
    for n, (area, side) in enumerate(areas):
        form[f"areas-{n}-area"] = area
        form[f"areas-{n}-side"] = side
    form.update(fields)
    return form


@pytest.fixture
def plan(riverside, patient, alice):
    plan = TreatmentPlan.objects.create(
        clinic=riverside,
        patient=patient,
        indication="localized_fat",
        protocol="PC/DC 4x8w",
        planned_sessions=4,
        interval_days=56,
        created_by=alice.user,
    )
    PlanArea.objects.create(plan=plan, area="abdomen", side="midline")
    PlanArea.objects.create(plan=plan, area="flank", side="left")
    return plan


def _edit_form(plan: TreatmentPlan, **fields: str) -> dict[str, str]:
    form = _plan_form(**fields)
    areas = list(plan.areas.all())
    form.update(
        {
            "version": str(plan.version),
            "areas-TOTAL_FORMS": str(len(areas)),
            "areas-INITIAL_FORMS": str(len(areas)),
        }
    )
    for n, a in enumerate(areas):
        form.update(
            {f"areas-{n}-id": str(a.pk), f"areas-{n}-area": a.area, f"areas-{n}-side": a.side}
        )
    return form


def test_it_plans_a_course_with_areas_and_the_clinic_currency(login, alice, patient):
    # given alice plans a course on two thighs
    response = login(alice).post(
        reverse("plans:create", args=[patient.public_id]),
        _plan_form(("thigh_outer", "left"), ("thigh_outer", "right")),
    )
    # then the plan has both areas, the price is in the clinic's currency, and it is audited
    plan = TreatmentPlan.objects.get()
    assert response.status_code == 302
    assert plan.areas.count() == 2
    assert (plan.estimated_price, plan.currency) == (Decimal(900), "GBP")
    assert plan.status == PlanStatus.ACTIVE
    assert AuditEvent.objects.filter(
        action="create", patient=patient, object_type="treatmentplan"
    ).exists()


@pytest.mark.parametrize(
    ("areas", "change", "message"),
    [
        (
            (("abdomen", "midline"),),
            {"protocol": "x" * 101},
            "Protocol name: Ensure this value has at most 100 characters",
        ),
        (
            (("abdomen", "midline"),),
            {"planned_sessions": "0"},
            "Planned sessions: Plan at least one session.",
        ),
        (
            (("abdomen", "midline"),),
            {"estimated_price": "-5"},
            "Estimated price of the course: A price cannot be negative.",
        ),
        (
            (("abdomen", "midline"), ("abdomen", "midline")),
            {},
            "Side: This area and side is already listed.",
        ),
        ((), {}, "Areas: Please submit at least 1 form."),
    ],
)
def test_it_names_the_field_of_bad_input(login, alice, patient, areas, change, message):
    response = login(alice).post(
        reverse("plans:create", args=[patient.public_id]), _plan_form(*areas, **change)
    )
    assert message in response.content.decode()
    assert not TreatmentPlan.objects.exists()


def test_it_offers_only_this_patients_consultations(login, alice, patient, riverside):
    other = Patient.objects.create(clinic=riverside, mrn="RV000002", family_name="Other")
    theirs = Consultation.objects.create(
        clinic=riverside,
        patient=other,
        consulted_at=timezone.now(),
        clinician=alice.user,
        clinician_name="Alice Archer",
        concerns="x",
    )
    response = login(alice).post(
        reverse("plans:create", args=[patient.public_id]),
        _plan_form(("abdomen", "midline"), consultation=str(theirs.pk)),
    )
    assert "Based on consultation: Select a valid choice." in response.content.decode()
    assert not TreatmentPlan.objects.exists()


def test_it_edits_a_plan(login, alice, plan):
    response = login(alice).post(
        reverse("plans:edit", args=[plan.public_id]), _edit_form(plan, planned_sessions="6")
    )
    plan.refresh_from_db()
    assert response.status_code == 302
    assert plan.planned_sessions == 6
    assert plan.version == 2
    assert AuditEvent.objects.filter(action="update", object_id=str(plan.public_id)).exists()


def test_it_refuses_an_edit_based_on_a_stale_version(login, alice, nina, plan):
    # given alice opened the plan at version 1, then nina saved a change
    form = _edit_form(plan, planned_sessions="6")
    login(nina).post(
        reverse("plans:edit", args=[plan.public_id]), _edit_form(plan, planned_sessions="5")
    )
    # when alice saves her form
    response = login(alice).post(reverse("plans:edit", args=[plan.public_id]), form)
    # then hers is refused and nina's stays
    plan.refresh_from_db()
    assert "Someone else changed this record" in response.content.decode()
    assert plan.planned_sessions == 5


@pytest.mark.parametrize("status", [PlanStatus.COMPLETED, PlanStatus.STOPPED])
def test_it_closes_a_plan(login, alice, plan, status):
    login(alice).post(
        reverse("plans:close", args=[plan.public_id, status]), {"version": str(plan.version)}
    )
    plan.refresh_from_db()
    assert plan.status == status
    assert AuditEvent.objects.filter(action="update", detail=f"status {status}").exists()


def test_it_shows_the_plan_on_the_chart_with_sessions_done(login, alice, plan, patient):
    # given one signed and one draft session of the course
    for signed in (True, False):
        TreatmentSession.objects.create(
            clinic=plan.clinic,
            patient=patient,
            plan=plan,
            performed_at=timezone.now() - dt.timedelta(days=1),
            indication=plan.indication,
            signed_at=timezone.now() if signed else None,
        )
    body = login(alice).get(reverse("patient_chart", args=[patient.public_id])).content.decode()
    assert "Localized fat" in body
    assert "PC/DC 4x8w" in body
    assert "Abdomen (Midline), Flank (Left)" in body
    assert "1 of 4 sessions done" in body


def test_it_shows_the_plan_detail_and_audits_the_read(login, nina, plan):
    response = login(nina).get(reverse("plan_detail", args=[plan.public_id]))
    assert "0 done of 4 planned" in response.content.decode()
    assert AuditEvent.objects.filter(
        action="view", username="nina", object_id=str(plan.public_id)
    ).exists()


@pytest.mark.parametrize("persona", ["bob", "rita"])
def test_it_refuses_reception_and_researcher(request, login, persona, plan, patient):
    client = login(request.getfixturevalue(persona))
    assert client.get(reverse("plan_detail", args=[plan.public_id])).status_code == 403
    assert client.get(reverse("plans:create", args=[patient.public_id])).status_code == 403


def test_it_shows_charlie_nothing_of_riverside(login, charlie, plan, patient):
    client = login(charlie)
    responses = [
        client.get(reverse("plan_detail", args=[plan.public_id])),
        client.get(reverse("plans:edit", args=[plan.public_id])),
        client.get(reverse("plans:create", args=[patient.public_id])),
        client.post(reverse("plans:close", args=[plan.public_id, "stopped"]), {"version": "1"}),
        client.post(
            reverse("plans:edit", args=[plan.public_id]), _edit_form(plan, protocol="hijack")
        ),
    ]
    for response in responses:
        assert response.status_code == 404
        body = response.content.decode()
        assert "PC/DC 4x8w" not in body
        assert "Lopez" not in body
    plan.refresh_from_db()
    assert (plan.status, plan.protocol) == (PlanStatus.ACTIVE, "PC/DC 4x8w")
