"""The front desk's calendar in a real browser: at tablet width and by keyboard. The booking
fixture (``desk``) and form filling (``_fill``) are shared with the day's walk from booking to
payment, test_front_desk_day.py, which holds the booking, reminder, reply and arrival steps."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from mesoclinic.appointments.choices import ResourceKind
from mesoclinic.appointments.models import AppointmentType, Resource
from mesoclinic.patients.models import Patient
from mesoclinic.plans.models import PlanArea, TreatmentPlan
from mesoclinic.records.services import sign_record
from mesoclinic.treatments.models import TreatmentSession
from tests.e2e.browser_actions import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _morning_zone() -> str:
    """A fixed-offset zone where it is now between 08:00 and 12:00, so that a visit in three
    hours is still today there, whatever time the suite runs."""
    hour = timezone.now().astimezone(dt.UTC).hour
    offset = (9 - hour + 12) % 24 - 12  # UTC+offset puts the local hour near 09:00
    return f"Etc/GMT{-offset:+d}" if offset else "UTC"


@pytest.fixture
def desk(riverside, alice, bob, patient, settings, tmp_path):
    """Riverside in a morning zone, with a treatment type, a room, Maria's plan (one session
    signed 60 days ago, 56-day interval) and a second patient."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "outbox")
    riverside.time_zone = _morning_zone()
    riverside.save()
    AppointmentType.objects.create(
        clinic=riverside, name="Treatment session", duration_minutes=45, is_treatment=True
    )
    Resource.objects.create(clinic=riverside, kind=ResourceKind.ROOM, name="Room 1")
    plan = TreatmentPlan.objects.create(
        clinic=riverside,
        patient=patient,
        indication="localized_fat",
        planned_sessions=4,
        interval_days=56,
        created_by=alice.user,
    )
    PlanArea.objects.create(plan=plan, area="abdomen", side="bilateral")
    first = TreatmentSession.objects.create(
        clinic=riverside,
        patient=patient,
        plan=plan,
        performed_at=timezone.now() - dt.timedelta(days=60),
        indication="localized_fat",
        practitioner=alice.user,
        created_by=alice.user,
    )
    sign_record(first, alice)
    Patient.objects.create(clinic=riverside, mrn="RV000002", given_name="Ben", family_name="Ng")
    return tmp_path / "outbox"


def _fill(page, starts: str) -> None:
    page.get_by_label("Type").select_option(label="Treatment session")
    page.get_by_label("Starts at").fill(starts)
    page.get_by_label("Practitioner").select_option(label="Alice Archer")
    page.get_by_label("Room", exact=True).select_option(label="Room 1")


def test_it_keeps_the_calendar_accessible_at_tablet_width_and_by_keyboard(
    page, desk, riverside, alice, patient
):
    from axe_playwright_python.sync_playwright import Axe

    from mesoclinic.appointments.services import Booking, book
    from tests.e2e.test_accessibility import AXE_OPTIONS, _defects

    # given a booking of alice today
    kind = AppointmentType.objects.get()
    room = Resource.objects.get()
    start = riverside.start_of_day(riverside.today()) + dt.timedelta(hours=10)
    book(None, patient, Booking(kind, alice, start, room), alice.user)
    sign_in(page, "bob")
    # when reception opens alice's week at tablet width
    page.set_viewport_size({"width": 820, "height": 1180})
    page.goto(
        f"/appointments/?view=week&who={alice.public_id}&date={riverside.today().isoformat()}"
    )
    # then axe finds no WCAG 2.1 AA violation
    failures, _review = _defects(Axe().run(page, options=AXE_OPTIONS).response, "week 820px")
    assert failures == []
    # and the slots are reached with the arrow keys, and Enter opens the booking form
    first = page.locator("a.slot-link").first
    first.focus()
    page.keyboard.press("ArrowDown")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused
    assert focused != first.get_attribute("href")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Book an appointment").wait_for()
