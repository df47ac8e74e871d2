"""The front desk in a real browser: reception books Maria's next session from her plan into a
free slot, a double booking of it is refused, the reminder goes out (file outbox), Maria
confirms through the link on a phone, and alice sees her arrival on Today."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.utils import timezone

from mesoclinic.appointments.choices import Reply, ResourceKind
from mesoclinic.appointments.models import Appointment, AppointmentType, Resource
from mesoclinic.appointments.reminders import run_reminders
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


def test_it_books_from_the_plan_reminds_and_shows_the_arrival(
    page, phone_page, desk, riverside, patient
):
    local = timezone.localtime(timezone.now() + dt.timedelta(hours=3), riverside.zone)
    starts = local.replace(minute=0, second=0, microsecond=0).strftime("%Y-%m-%dT%H:%M")
    # given reception on Maria's appointments page
    sign_in(page, "bob")
    page.goto(f"/appointments/patient/{patient.public_id}/")
    # when she books the next session of the plan into a free slot in three hours
    page.get_by_role("link", name="Book the next session").click()
    page.get_by_text("Course: 1 done, 0 booked, 3 still to book.").wait_for()
    _fill(page, starts)
    page.get_by_role("button", name="Book").click()
    # then the appointment is booked
    page.get_by_text("Appointment booked.").wait_for()
    assert Appointment.objects.get().plan is not None
    # when Ben is booked with alice in the same slot
    page.goto("/appointments/book/")
    page.get_by_label("Patient MRN").fill("RV000002")
    _fill(page, starts)
    page.get_by_role("button", name="Book").click()
    # then it is refused, saying who is taken
    page.get_by_text("Alice Archer is already booked at that time.").wait_for()
    assert Appointment.objects.count() == 1
    # when the reminders run, the e-mail goes out with Maria's link
    assert run_reminders(riverside, timezone.now())["reminders_sent"] == 1
    (sent,) = list(Path(desk).iterdir())
    link = re.search(r"https?://\S+(/r/\S+)", sent.read_text()).group(1)
    # and Maria confirms it on her phone
    phone_page.goto(link)
    phone_page.get_by_role("heading", name="Your appointment").wait_for()
    phone_page.get_by_role("button", name="I will come").click()
    phone_page.get_by_text("Thank you: your appointment is confirmed.").wait_for()
    assert Appointment.objects.get().reply == Reply.CONFIRMED
    # when reception marks her arrived
    page.goto(f"/appointments/{Appointment.objects.get().public_id}/")
    page.get_by_role("button", name="Arrived").click()
    page.get_by_text("Appointment updated.").wait_for()
    # then alice sees the arrival on Today, with the session draft opened for her
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "alice")
    today = page.locator("section", has=page.get_by_role("heading", name="Appointments today"))
    assert "Maria Lopez" in today.inner_text()
    assert "Arrived" in today.inner_text()
    today.get_by_role("link", name="open draft").click()
    page.get_by_role("heading", name=re.compile("Session")).first.wait_for()


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
