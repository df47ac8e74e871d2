"""The signing gates on the pages: the session page lists each before the Sign button, the plan
and new-session pages show the same findings before any work starts, and an override through
the page is stored, audited and shown on the session and the chart."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from mesoclinic.audit.models import AuditEvent
from mesoclinic.clinics.models import Clinic, Membership
from mesoclinic.patients.models import Patient
from mesoclinic.plans.models import PlanArea, TreatmentPlan
from mesoclinic.treatments import readiness
from tests.treatment_readiness import make_ready

pytestmark = pytest.mark.django_db


def _gate_lines(page: str) -> list[str]:
    """The text of each gate listed on a page, tags removed."""
    items = re.findall(
        r'<li class="gate gate-[a-z_]+">(.*?)</li>\s*(?=<li class="gate|</ul>)', page, re.S
    )
    texts = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", item)) for item in items]
    return [html.unescape(re.sub(r" ([:.,])", r"\1", text)).strip() for text in texts]


@pytest.fixture
def plan(riverside: Clinic, patient: Patient, alice: Membership) -> TreatmentPlan:
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
    return plan


def test_it_lists_each_gate_with_a_link_to_fix_it_before_the_sign_button(
    login, alice, draft, line_form, patient
):
    # given a draft with a line, for a patient with neither consent nor screening
    client = login(alice)
    client.post(reverse("treatments:line_add", args=[draft.public_id]), line_form)
    # when alice opens the session
    body = client.get(reverse("treatments:detail", args=[draft.public_id])).content.decode()
    # then both gates are listed, each with its fix, above the Sign button
    lines = _gate_lines(body)
    assert lines[0].startswith("Blocks signing Consent: No consent to localized fat treatment")
    assert "Record a consent" in lines[0]
    assert lines[1].startswith("Blocks signing Screening: No signed consultation")
    assert "Record a consultation" in lines[1]
    assert reverse("consent:capture", args=[patient.public_id]) in body
    assert reverse("consultations:create", args=[patient.public_id]) in body
    assert body.index("Before signing") < body.index("Sign session")


def test_it_shows_the_same_findings_on_the_plan_and_new_session_pages(
    login, alice, patient, plan, draft, line_form
):
    # given a patient whose screening found a pregnancy (absolute for PC/DC, relative for
    # mesotherapy) and an anticoagulant (relative), with a consent
    make_ready(patient, alice, answers={"pregnant": "yes", "anticoagulant": "yes"})
    client = login(alice)
    client.post(reverse("treatments:line_add", args=[draft.public_id]), line_form)
    # when alice opens the plan, the new-session page for it, and the draft session
    pages = [
        client.get(reverse("plan_detail", args=[plan.public_id])),
        client.get(
            reverse("treatments:create", args=[patient.public_id]) + f"?plan={plan.public_id}"
        ),
        client.get(reverse("treatments:detail", args=[draft.public_id])),
    ]
    # then each lists the same gates: consent met, screening met, the override, the acknowledgement
    listed = [_gate_lines(p.content.decode()) for p in pages]
    statuses = [[line.split(" ")[0] for line in lines] for lines in listed]
    assert statuses == [["Met", "Met", "Needs", "Needs"]] * 3
    for lines in listed:
        assert "Absolute contraindication" in lines[2]
        assert "Pregnancy is among the 'strongly suggested contraindications'" in lines[2]
        assert "Relative contraindication" in lines[3]
        assert "Anticoagulant therapy is a relative contraindication" in lines[3]
    # and the session page offers the override and the acknowledgement in its sign form
    session_page = pages[2].content.decode()
    assert "Reason for treating despite the contraindication" in session_page
    assert "I have weighed the relative contraindications listed" in session_page


def test_it_shows_the_gates_for_each_indication_on_a_new_session_without_a_plan(
    login, alice, patient
):
    # given a patient screened and consented for cellulite only
    make_ready(patient, alice, "cellulite", areas=["thigh_outer"])
    # when alice opens a new session without a plan
    body = login(alice).get(reverse("treatments:create", args=[patient.public_id]))
    # then the gates for cellulite are shown as met
    lines = _gate_lines(body.content.decode())
    assert [line.split(" ")[0] for line in lines] == ["Met", "Met", "Met"]


def test_it_says_what_to_record_when_no_indication_is_known(login, alice, patient):
    body = login(alice).get(reverse("treatments:create", args=[patient.public_id])).content
    assert b"No consultation or plan names an indication for this patient yet" in body


def test_it_signs_with_an_override_through_the_page_audits_it_and_shows_it_on_the_chart(
    login, alice, draft, line_form, patient
):
    # given a pregnant patient with a consent, and the draft with a line
    make_ready(patient, alice, answers={"pregnant": "yes"})
    client = login(alice)
    client.post(reverse("treatments:line_add", args=[draft.public_id]), line_form)
    url = reverse("treatments:sign", args=[draft.public_id])
    digest = readiness.for_session(draft).digest
    # when she signs without the override, then it is refused and the form is shown again
    refused = client.post(url, {"contraindication_check": digest}, follow=True)
    assert "Not signed. Absolute contraindication: Pregnancy" in refused.content.decode()
    draft.refresh_from_db()
    assert not draft.is_signed
    # when she ticks the override without a reason, then the reason field is named
    missing = client.post(
        url, {"contraindication_check": digest, "contraindication_override": "on"}
    )
    assert "Write the clinical reason for treating despite the contraindication" in (
        missing.content.decode()
    )
    # when she overrides with the reason and acknowledges the relative finding
    client.post(
        url,
        {
            "contraindication_check": digest,
            "contraindication_override": "on",
            "contraindication_override_reason": "Termination booked; patient insists, documented",
            "acknowledge_relative": "on",
        },
    )
    # then the session is signed with the override, audited without the finding itself
    draft.refresh_from_db()
    assert draft.is_signed
    event = AuditEvent.objects.get(action="override", object_id=str(draft.public_id))
    assert event.detail == "contraindication overridden: 1 absolute finding(s)"
    assert "regnan" not in event.detail
    assert AuditEvent.objects.get(action="sign", object_id=str(draft.public_id)).detail == (
        "1 relative contraindication(s) acknowledged"
    )
    # and the session page and the chart show it
    page = client.get(reverse("treatments:detail", args=[draft.public_id])).content.decode()
    assert "Contraindication overridden" in page
    assert "Termination booked; patient insists, documented" in page
    assert "Relative contraindications acknowledged" in page
    chart = client.get(reverse("patient_chart", args=[patient.public_id])).content.decode()
    assert "contraindication overridden" in chart
    assert "1 relative contraindication acknowledged" in chart


def test_it_shows_a_nurse_the_gates_without_a_sign_form(login, nina, draft, line_form):
    client = login(nina)
    client.post(reverse("treatments:line_add", args=[draft.public_id]), line_form)
    body = client.get(reverse("treatments:detail", args=[draft.public_id])).content.decode()
    assert "Before signing" in body
    assert "Sign session" not in body


def test_it_marks_an_imported_session_as_exempt(login, alice, draft, line_form):
    # given a session imported from a registry bundle
    client = login(alice)
    client.post(reverse("treatments:line_add", args=[draft.public_id]), line_form)
    type(draft).objects.filter(pk=draft.pk).update(imported=True)
    # when alice opens it, then the gates say it is imported history
    body = client.get(reverse("treatments:detail", args=[draft.public_id])).content.decode()
    assert _gate_lines(body) == [
        "Imported Imported history: Imported from a registry bundle: recorded elsewhere, so "
        "the consent and screening gates do not apply."
    ]


def test_it_shows_charlie_nothing_of_the_gates(login, charlie, alice, patient, plan, draft):
    make_ready(patient, alice, answers={"pregnant": "yes"})
    client = login(charlie)
    for url in (
        reverse("plan_detail", args=[plan.public_id]),
        reverse("treatments:create", args=[patient.public_id]),
        reverse("treatments:detail", args=[draft.public_id]),
    ):
        response = client.get(url)
        assert response.status_code == 404
        assert b"Pregnancy" not in response.content
