"""A patient answers an aftercare check-in on a phone; the practitioner sees the escalation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from mesoclinic.aftercare.models import CheckIn
from mesoclinic.aftercare.services import schedule_follow_up
from mesoclinic.aftercare.tokens import issue_link
from mesoclinic.formulary.models import Lot, Product
from mesoclinic.records.services import sign_record
from mesoclinic.treatments.models import Injection, SessionArea, TreatmentSession
from tests.e2e.browser_actions import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def five_week_check_in(riverside, alice, patient):
    """A signed abdomen session 35 days ago, with its 4–6 week check-in open now."""
    product = Product.objects.create(clinic=riverside, name="PC/DC 5%", created_by=alice.user)
    lot = Lot.objects.create(clinic=riverside, product=product, lot_number="A100")
    session = TreatmentSession.objects.create(
        clinic=riverside,
        patient=patient,
        performed_at=timezone.now() - dt.timedelta(days=35),
        indication="localized_fat",
        practitioner=alice.user,
        created_by=alice.user,
    )
    SessionArea.objects.create(session=session, area="abdomen", side="bilateral")
    Injection.objects.create(
        clinic=riverside,
        session=session,
        area="abdomen",
        side="bilateral",
        product=product,
        lot=lot,
        volume_ml=Decimal("10"),
    )
    sign_record(session, alice)
    schedule_follow_up(session)
    return CheckIn.objects.get(session=session, kind="week4_6")


def test_it_escalates_a_lump_reported_on_a_phone_to_the_worklist(
    phone_page, page, five_week_check_in
):
    # given the patient's link to the check-in five weeks after the session
    _link, token = issue_link(five_week_check_in, five_week_check_in.window_end)
    # when the patient opens it on a phone and reports a lump
    phone_page.goto(f"/c/{five_week_check_in.public_id}/{token}/")
    phone_page.get_by_role("heading", name="How are you since your treatment?").wait_for()
    assert token not in phone_page.url
    answers = {
        "Do you have bruising where you were treated?": "No",
        "Is there swelling where you were treated?": "No",
        "Is the skin red or warm where you were treated?": "No",
        "Is there a lump or hard knot under the skin?": "Yes",
        "Is anything leaking or draining from the skin (fluid or pus)?": "No",
        "Have you had a fever, or felt generally unwell?": "No",
        "Is there an open sore, or skin turning dark or black?": "No",
        "Are there raised patches or blisters spreading beyond the injection points?": "No",
    }
    for question, choice in answers.items():
        phone_page.get_by_role("group", name=question).get_by_label(choice, exact=True).check()
    phone_page.get_by_role("group", name="Have you had numbness around the mouth").get_by_label(
        "No", exact=True
    ).check()
    phone_page.get_by_role("group", name="How much pain").get_by_label("2", exact=True).check()
    phone_page.get_by_label("A little, I can do everything as usual").check()
    phone_page.get_by_role("button", name="Send my answers").click()
    # then the patient is told the clinic will contact them
    phone_page.get_by_role("heading", name="Thank you").wait_for()
    assert "need a clinician" in phone_page.get_by_role("alert").inner_text()
    # and the practitioner sees the escalation on her worklist
    sign_in(page, "alice")
    # (the main navigation's link: Today also links to the worklist from its follow-up lists)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Aftercare").click()
    page.get_by_role("heading", name="Escalations to acknowledge").wait_for()
    escalations = page.locator("section", has=page.get_by_role("heading", name="Escalations"))
    text = escalations.inner_text()
    assert "Maria Lopez" in text
    assert "suspect a non-tuberculous mycobacterial infection" in text
    assert "biopsy for mycobacterial culture" in text
