"""Each way a clinic changes what a chart shows: the next request after the write (the cache
warmed before it) shows the change, and is the page a cold cache would draw."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import caches
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mesoclinic.appointments.choices import MessageChannel, MessageKind, MessageOutcome
from mesoclinic.appointments.models import Appointment, AppointmentType, PatientMessage
from mesoclinic.clinics.choices import Role
from mesoclinic.clinics.models import Clinic
from mesoclinic.consent.services import sign_consent, withdraw_consent
from mesoclinic.formulary.models import Lot, Product
from mesoclinic.formulary.services import change_lot_status
from mesoclinic.outcomes.models import Measurement
from mesoclinic.outcomes.services import update_measurement
from mesoclinic.outcomes.tests.test_views import visit
from mesoclinic.patients.fields import access_for_role
from mesoclinic.patients.models import Patient
from mesoclinic.patients.services import register_patient
from mesoclinic.plans.models import PlanArea, TreatmentPlan
from mesoclinic.safety.models import AdverseEvent
from mesoclinic.safety.services import update_adverse_event
from mesoclinic.treatments import services as treatments
from mesoclinic.treatments.corrections import correct_line
from mesoclinic.treatments.models import SessionArea, TreatmentSession
from mesoclinic.treatments.tests.conftest import make_lot
from mesoclinic.treatments.tests.correction_helpers import add_line, changed, signed_with_line
from mesoclinic.workspace import chart_cache
from mesoclinic.workspace.chart_cache import CACHE_ALIAS
from mesoclinic.workspace.models import ChartVersion
from mesoclinic.workspace.tests.commit_point import as_if_committed, committed_get
from tests.second_step import sign_in
from tests.treatment_readiness import consent, make_ready

pytestmark = pytest.mark.django_db

# The per-request tokens of the page's layout, never part of the cached history, and the
# flash message ("Saved 1 measurement.") that the first page after a form shows once.
_TOKENS = re.compile(r'(csrfmiddlewaretoken" value="|X-CSRFToken": "|csrf-token=")[^"]*')
_FLASH = re.compile(r'<div role="status"><ul class="messages">.*?</ul></div>', re.DOTALL)


def _page(client: Client, patient: Patient) -> str:
    # the write before this request committed, and the request's own, as in the clinic
    response = committed_get(client, reverse("patient_chart", args=[patient.public_id]))
    assert response.status_code == 200
    return _FLASH.sub("", _TOKENS.sub(r"\1-", response.content.decode()))


def _after(client: Client, patient: Patient, write: Callable[[], Any]) -> tuple[str, str]:
    """The chart before and after ``write``, the cache warmed before it; asserts the page
    after is the one a cold cache draws."""
    _page(client, patient)
    before = _page(client, patient)  # from the cache
    write()
    after = _page(client, patient)
    caches[CACHE_ALIAS].clear()
    assert after == _page(client, patient)
    return before, after


@pytest.fixture
def chart_client(alice: Any) -> Client:
    return sign_in(Client(), alice.user)


def _weight(patient: Patient, by: Any, kg: str) -> Measurement:
    return Measurement.objects.create(
        clinic=patient.clinic,
        patient=patient,
        measured_on=timezone.localdate() - dt.timedelta(days=3),
        kind="weight_kg",
        value=Decimal(kg),
        created_by=by.user,
    )


def test_it_shows_a_measurement_added(chart_client, patient, alice):
    # given a chart seen, when a weight is recorded through the page's form
    def write() -> None:
        response = chart_client.post(
            reverse("outcomes:record", args=[patient.public_id]), visit([], weight_kg="81.7")
        )
        assert response.status_code == 302

    before, after = _after(chart_client, patient, write)
    # then the next request shows it
    assert "81.7" not in before
    assert "81.7" in after


def test_it_shows_a_measurement_corrected(chart_client, patient, alice):
    m = _weight(patient, alice, "70.3")
    before, after = _after(
        chart_client,
        patient,
        lambda: update_measurement(None, m, m.version, {"value": Decimal("74.9")}),  # type: ignore[arg-type]
    )
    assert "70.3" in before
    assert "74.9" in after
    assert "70.3" not in after


def test_it_shows_a_session_signed_and_its_lines(chart_client, patient, alice, draft, pcdc_lot):
    # given a patient ready for the draft's treatment
    make_ready(patient, alice, draft.indication, at=draft.performed_at - dt.timedelta(days=1))
    # when a line is added, then the session signed
    _, with_line = _after(chart_client, patient, lambda: add_line(draft, pcdc_lot))
    before, signed = _after(chart_client, patient, lambda: treatments.sign_session(draft, alice))
    # then each shows on the next request
    assert "lot PC-001" in with_line
    assert signed.count('class="badge signed"') == before.count('class="badge signed"') + 1


def test_it_shows_a_lot_corrected_on_a_signed_line(chart_client, patient, alice, draft, pcdc):
    line = signed_with_line(draft, alice, make_lot(pcdc, "PC-001"))
    right = make_lot(pcdc, "PC-777")
    before, after = _after(
        chart_client,
        patient,
        lambda: correct_line(line, alice, "Wrong vial scanned", changed(line, lot=right)),
    )
    assert "PC-777" not in before
    assert "lot PC-777 (corrected)" in after


def test_it_shows_an_adverse_event_added_and_closed(chart_client, patient, alice):
    event: list[AdverseEvent] = []

    def add() -> None:
        event.append(
            AdverseEvent.objects.create(
                clinic=patient.clinic,
                patient=patient,
                event_type="bruising",
                onset_date=timezone.localdate() - dt.timedelta(days=4),
                severity="moderate",
            )
        )

    before, opened = _after(chart_client, patient, add)
    ae = event[0]
    _, closed = _after(
        chart_client,
        patient,
        lambda: update_adverse_event(
            None,  # type: ignore[arg-type]
            ae,
            ae.version,
            {"resolved_date": timezone.localdate() - dt.timedelta(days=1)},
        ),
    )
    assert 'class="badge warn">Ongoing' in opened
    assert 'class="badge warn">Ongoing' not in before
    assert "3 days" in closed
    assert 'class="badge warn">Ongoing' not in closed


def test_it_shows_a_consent_signed_and_withdrawn(chart_client, patient, alice):
    taken = consent(patient, alice, sign=False)
    before, signed = _after(chart_client, patient, lambda: sign_consent(None, alice, taken))
    taken.refresh_from_db()
    _, withdrawn = _after(
        chart_client,
        patient,
        lambda: withdraw_consent(None, alice, taken, "Changed her mind", taken.version),
    )
    assert "awaiting signature" in before
    assert "awaiting signature" not in signed
    assert 'class="badge bad">withdrawn' in withdrawn
    assert "badge bad" not in signed


def test_it_shows_a_message_its_appointment_moved_and_its_type_renamed(
    chart_client, patient, alice
):
    visit = AppointmentType.objects.create(
        clinic=patient.clinic, name="Review", duration_minutes=30, needs_room=False
    )
    starts = timezone.now() - dt.timedelta(days=2)
    appointment = Appointment.objects.create(
        clinic=patient.clinic,
        patient=patient,
        appointment_type=visit,
        practitioner=alice,
        starts_at=starts,
        ends_at=starts + dt.timedelta(minutes=30),
    )

    def message() -> None:
        PatientMessage.objects.create(
            clinic=patient.clinic,
            patient=patient,
            appointment=appointment,
            kind=MessageKind.BEFORE_48H,
            channel=MessageChannel.SMS,
            outcome=MessageOutcome.SENT,
            at=starts - dt.timedelta(hours=48),
        )

    before, logged = _after(chart_client, patient, message)
    _, moved = _after(
        chart_client,
        patient,
        lambda: Appointment.objects.filter(pk=appointment.pk).update(
            starts_at=starts - dt.timedelta(days=300), ends_at=starts - dt.timedelta(days=299)
        ),
    )
    _, renamed = _after(
        chart_client,
        patient,
        lambda: AppointmentType.objects.filter(pk=visit.pk).update(name="Follow-up visit"),
    )
    assert "Review, " not in before
    assert "Review, " in logged
    assert moved != logged
    assert "Follow-up visit, " in renamed


def test_it_shows_a_plan_and_an_area_added_to_it(chart_client, patient, alice):
    plans: list[TreatmentPlan] = []

    def plan() -> None:
        plans.append(
            TreatmentPlan.objects.create(
                clinic=patient.clinic,
                patient=patient,
                indication="localized_fat",
                protocol="PC/DC 4x8w",
                planned_sessions=4,
                interval_days=56,
                created_by=alice.user,
            )
        )

    before, planned = _after(chart_client, patient, plan)
    _, with_area = _after(
        chart_client,
        patient,
        lambda: PlanArea.objects.bulk_create([PlanArea(plan=plans[0], area="abdomen")]),
    )
    assert "PC/DC 4x8w" not in before
    assert "PC/DC 4x8w" in planned
    assert "no areas" in planned
    assert "no areas" not in with_area


def _clinic_stamp(clinic: Any) -> str:
    as_if_committed()
    return ChartVersion.objects.get(scope=f"c:{clinic.pk}").stamp


def test_it_keeps_the_clinics_charts_when_another_patient_is_treated_or_registered(
    chart_client, patient, alice, bob, pcdc, pcdc_lot
):
    # given a signed session of the patient with a line of lot PC-001, her chart seen, and
    # another patient of the clinic ready for a session with the same lot
    first = TreatmentSession.objects.create(
        clinic=patient.clinic,
        patient=patient,
        performed_at=timezone.now() - dt.timedelta(days=20),
        indication="localized_fat",
        practitioner=alice.user,
        created_by=alice.user,
    )
    SessionArea.objects.create(session=first, area="abdomen", side="midline")
    make_ready(patient, alice, first.indication, at=first.performed_at - dt.timedelta(days=1))
    signed_with_line(first, alice, pcdc_lot)
    other = Patient.objects.create(
        clinic=patient.clinic, mrn="RV000002", given_name="Ana", family_name="Ruiz"
    )
    second = TreatmentSession.objects.create(
        clinic=patient.clinic,
        patient=other,
        performed_at=timezone.now() - dt.timedelta(hours=2),
        indication="localized_fat",
        practitioner=alice.user,
        created_by=alice.user,
    )
    SessionArea.objects.create(session=second, area="abdomen", side="midline")
    make_ready(other, alice, second.indication, at=second.performed_at - dt.timedelta(days=1))
    add_line(second, pcdc_lot)
    stamp = _clinic_stamp(patient.clinic)

    # when the other patient's session is signed (the lot's stock count taken) and a new
    # patient is registered (the clinic's MRN counter taken)
    def write() -> None:
        treatments.sign_session(second, alice)
        register_patient(
            patient.clinic,
            bob.user,
            {"given_name": "Lena", "family_name": "Vogel", "birth_date": dt.date(1990, 1, 2)},
            access=access_for_role(Role.RECEPTION),
        )

    before, after = _after(chart_client, patient, write)
    # then the stock count went down, and the clinic's charts kept their stamp and page
    assert Lot.objects.get(pk=pcdc_lot.pk).remaining_ml == Decimal(42)
    assert _clinic_stamp(patient.clinic) == stamp
    assert after == before


def test_it_shows_the_clinics_name_and_zone_changed(chart_client, patient, alice):
    # given a consultation at 11:00 UTC, a day in London that is the next in Auckland
    # (UTC+12 or +13) whatever the season
    at = (timezone.now() - dt.timedelta(days=30)).replace(hour=11, minute=0, tzinfo=dt.UTC)
    make_ready(patient, alice, at=at)
    stamp = _clinic_stamp(patient.clinic)
    # when the clinic's zone changes by a queryset update, then its name
    before, moved = _after(
        chart_client,
        patient,
        lambda: Clinic.objects.filter(pk=patient.clinic.pk).update(time_zone="Pacific/Auckland"),
    )
    zoned = _clinic_stamp(patient.clinic)
    Clinic.objects.filter(pk=patient.clinic.pk).update(name="Riverside Skin")
    # then each changed the clinic's stamp, and the zone the consultation's day
    assert len({stamp, zoned, _clinic_stamp(patient.clinic)}) == 3
    day, next_day = at.date().isoformat(), (at.date() + dt.timedelta(days=1)).isoformat()
    assert day in before
    assert next_day not in before
    assert next_day in moved
    assert day not in moved


def test_it_shows_a_product_renamed_and_a_lot_recalled(
    chart_client, patient, alice, draft, pcdc, pcdc_lot
):
    # given a signed session with a line of PC/DC, lot PC-001
    signed_with_line(draft, alice, pcdc_lot)
    # when the product is renamed by a queryset update (no save(), no signal)
    before, renamed = _after(
        chart_client,
        patient,
        lambda: Product.objects.filter(pk=pcdc.pk).update(name="Lipodissolve PC/DC"),
    )
    # and the lot is recalled
    lot = Lot.objects.get(pk=pcdc_lot.pk)
    recalled_from = _clinic_stamp(patient.clinic)
    _, recalled = _after(
        chart_client,
        patient,
        lambda: change_lot_status(lot, "recall", "Sterility failure", lot.version),
    )
    stamp = _clinic_stamp(patient.clinic)
    assert stamp != recalled_from
    # and the lot's number is corrected
    _, renumbered = _after(
        chart_client,
        patient,
        lambda: Lot.objects.filter(pk=pcdc_lot.pk).update(lot_number="PC-001A"),
    )
    # then the next requests show the new name, and the recall in the chart's alerts
    assert "Lipodissolve PC/DC lot PC-001" in renamed
    assert "Lipodissolve" not in before
    assert recalled != renamed
    assert "Sterility failure" in recalled
    assert "Lipodissolve PC/DC lot PC-001A" in renumbered
    # the recall and the number each changed the clinic's stamp (the lot's trigger watches them)
    assert stamp not in (_clinic_stamp(patient.clinic), "")


def test_it_shows_demographics_edited_and_keeps_the_names_recorded_at_the_time(
    chart_client, patient, alice
):
    # given a consultation recorded by Alice Archer
    make_ready(patient, alice)
    # when the patient's name is corrected, and alice's own name changes
    _, renamed = _after(
        chart_client,
        patient,
        lambda: Patient.objects.filter(pk=patient.pk).update(family_name="Lopez-Garcia"),
    )
    _, staff_renamed = _after(
        chart_client,
        patient,
        lambda: User.objects.filter(pk=alice.user.pk).update(last_name="Archer-Smith"),
    )
    # then the chart shows the new name, and the consultation the clinician's name as it was
    # recorded (a stored name: the chart reads no staff names live, so the page a cold cache
    # draws is the same, which _after asserts)
    assert "Lopez-Garcia" in renamed
    assert "Alice Archer" in staff_renamed


def test_it_serves_a_history_it_drew_from_the_cache(chart_client, patient, alice, monkeypatch):
    # given a chart seen once
    _page(chart_client, patient)
    # when it is opened again with nothing it shows changed
    drawn: list[Any] = []
    draw = chart_cache._render

    def counted(*args: Any) -> str:
        drawn.append(args)
        return draw(*args)

    monkeypatch.setattr(chart_cache, "_render", counted)
    _page(chart_client, patient)
    # then its history came from the cache, not drawn again
    assert drawn == []


class _RolledBack(Exception):
    pass


def _rename_and_draw_then_roll_back(patient: Patient, membership: Any, product: Product) -> None:
    with transaction.atomic():
        Product.objects.filter(pk=product.pk).update(name="Lipodissolve PC/DC")
        assert "Lipodissolve PC/DC" in chart_cache.history(patient, membership, years=1)
        raise _RolledBack


def test_it_keeps_no_history_drawn_in_a_transaction_that_rolled_back(
    chart_client, patient, alice, draft, pcdc, pcdc_lot
):
    # given a signed session with a line of PC/DC, its chart seen, and no history kept
    signed_with_line(draft, alice, pcdc_lot)
    before = _page(chart_client, patient)
    caches[CACHE_ALIAS].clear()
    # when, in one transaction, the product is renamed and the chart's history drawn, and the
    # transaction then rolls back (on PostgreSQL the clinic's stamp is written at commit, so
    # the history was drawn under the clinic's stamp as it was before the rename)
    with pytest.raises(_RolledBack):
        _rename_and_draw_then_roll_back(patient, alice, pcdc)
    # then the next chart shows the product as it is: the rename never happened
    after = _page(chart_client, patient)
    assert "Lipodissolve" not in after
    assert after == before
