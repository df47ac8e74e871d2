"""What a patient's check-in answers become, in one transaction: the response itself, adverse
events linked to the session and its dominant lot, patient-rated measurements at outcome
visits, and escalations for red flags and events outlasting their usual course."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_noop

from mesoclinic.aftercare.choices import CheckInStatus, EscalationLevel
from mesoclinic.aftercare.expected_course import course_flag
from mesoclinic.aftercare.models import CheckIn, CheckInLink, CheckInResponse, Escalation
from mesoclinic.aftercare.questions import (
    PAIN,
    RED_FLAG_ANSWERS,
    SYMPTOMS_BY_KEY,
    OutcomeQuestion,
    Symptom,
)
from mesoclinic.aftercare.red_flags import Report, red_flags
from mesoclinic.aftercare.services import email_escalation
from mesoclinic.audit.choices import Action
from mesoclinic.audit.services import record
from mesoclinic.formulary.models import Lot
from mesoclinic.outcomes.models import Measurement
from mesoclinic.records.services import save_versioned
from mesoclinic.safety.models import AdverseEvent
from mesoclinic.treatments.models import TreatmentSession
from mesoclinic.uploads.fields import CleanImageFile

logger = logging.getLogger(__name__)


class AlreadyAnsweredError(Exception):
    """The check-in was answered (or settled by phone) while this report was being filled in."""


def dominant_lot(session: TreatmentSession) -> Lot | None:
    """The lot that made up more than half the session's injected volume, if one did."""
    volume_by_lot: dict[int | None, Decimal] = defaultdict(Decimal)
    for injection in session.injections.in_effect():
        volume_by_lot[injection.lot_id] += injection.volume_ml
    total = sum(volume_by_lot.values(), Decimal(0))
    if not total:
        return None
    lot_id, volume = max(volume_by_lot.items(), key=lambda item: item[1])
    if lot_id is None or volume * 2 <= total:
        return None
    return Lot.objects.get(pk=lot_id)


def is_submental(session: TreatmentSession) -> bool:
    return session.indication == "submental_fat" or session.areas.filter(area="submental").exists()


def _severity(answers: dict[str, Any]) -> str:
    # The patient's own rating of the impact; "not at all" is recorded as mild.
    impact = answers.get("impact") or "mild"
    return "mild" if impact == "none" else str(impact)


def _find_open_event(session: TreatmentSession, symptom: Symptom) -> AdverseEvent | None:
    events = AdverseEvent.objects.filter(
        session=session, event_type=symptom.event_type, resolved_date__isnull=True
    )
    if symptom.event_type == "other":
        events = events.filter(notes__startswith=symptom.label)
    return events.order_by("onset_date", "id").first()


def _record_event(
    check_in: CheckIn, symptom: Symptom, today: dt.date, days: int, answers: dict[str, Any]
) -> AdverseEvent:
    """A new patient-reported event, or the open one of the same kind seen again today."""
    session = check_in.session
    existing = _find_open_event(session, symptom)
    if existing is not None:
        if existing.last_seen_unresolved is None or existing.last_seen_unresolved < today:
            existing = save_versioned(existing, existing.version, {"last_seen_unresolved": today})
        return existing
    onset = check_in.clinic.day_of(session.performed_at)
    if not symptom.onset_at_session:
        onset = today
    detail = f" (pain {answers['pain_score']}/10)" if symptom is PAIN else ""
    event = AdverseEvent(
        clinic_id=check_in.clinic_id,
        patient_id=check_in.patient_id,
        session=session,
        lot=dominant_lot(session),
        event_type=symptom.event_type,
        onset_date=onset,
        last_seen_unresolved=today,
        severity=_severity(answers),
        notes=(
            f"{symptom.label}{detail}: reported by the patient at the {check_in.label} "
            f"check-in, day {days} after the session."
        ),
    )
    event.full_clean()
    event.save()
    return event


def _record_measurements(
    check_in: CheckIn, questions: list[OutcomeQuestion], answers: dict[str, Any], today: dt.date
) -> int:
    count = 0
    for q in questions:
        value = answers.get(q.key)
        if value is None or value == "":
            continue
        measurement = Measurement(
            clinic_id=check_in.clinic_id,
            patient_id=check_in.patient_id,
            session=check_in.session,
            measured_on=today,
            kind=q.kind,
            value=Decimal(int(value)),
            area=q.area,
            side=q.side,
            site_role="treated",
            rater="patient",
            scale_version=q.scale_version,
        )
        measurement.full_clean()
        measurement.save()
        count += 1
    return count


def _escalate(
    check_in: CheckIn,
    level: str,
    code: str,
    reason: str,
    steps: str,
    sources: list[str],
    event: AdverseEvent | None,
) -> Escalation | None:
    escalation, created = Escalation.objects.get_or_create(
        check_in=check_in,
        code=code,
        defaults={
            "clinic_id": check_in.clinic_id,
            "session_id": check_in.session_id,
            "patient_id": check_in.patient_id,
            "adverse_event": event,
            "level": level,
            "reason": reason[:300],
            "recommended_steps": steps,
            "sources": sources,
        },
    )
    return escalation if created else None


def record_response(
    request: HttpRequest | None,
    check_in: CheckIn,
    answers: dict[str, Any],
    outcome_questions: list[OutcomeQuestion],
    *,
    photo: CleanImageFile | None = None,
    link: CheckInLink | None = None,
    entered_by: Any = None,
) -> tuple[CheckInResponse, list[Escalation]]:
    """Store the answers and everything they imply; all or nothing.

    Red flags are emailed to the practitioner after the commit (and again by the runner
    if that email fails).
    """
    now = timezone.now()
    session = check_in.session
    today = check_in.clinic.day_of(now)
    days = max(0, (today - check_in.clinic.day_of(session.performed_at)).days)
    escalations: list[Escalation] = []
    with transaction.atomic():
        claimed = CheckIn.objects.filter(
            pk=check_in.pk,
            status__in=(CheckInStatus.SCHEDULED, CheckInStatus.SENT, CheckInStatus.OVERDUE),
        ).update(status=CheckInStatus.ANSWERED, answered_at=now, version=F("version") + 1)
        if not claimed:
            raise AlreadyAnsweredError("This check-in has already been answered.")
        response = CheckInResponse(
            clinic_id=check_in.clinic_id,
            check_in=check_in,
            patient_id=check_in.patient_id,
            answers=answers,
            days_since_session=days,
            photo_content_type=photo.content_type if photo else "",
            photo_reencoded=photo is not None,
            entered_by=entered_by,
            created_by=entered_by,
        )
        response.save()
        events: dict[str, AdverseEvent] = {}
        for key, symptom in SYMPTOMS_BY_KEY.items():
            if answers.get(key) is True:
                events[key] = _record_event(check_in, symptom, today, days, answers)
        if int(answers.get("pain_score") or 0) > 0:
            events["pain"] = _record_event(check_in, PAIN, today, days, answers)
        measured = _record_measurements(check_in, outcome_questions, answers, today)
        flags_asked = {f.name for f in dataclasses.fields(Report)} - {"days_since_session"}
        report = Report(days_since_session=days, **{k: answers.get(k) is True for k in flags_asked})
        flagged_events: set[int] = set()
        for flag in red_flags(report):
            keys = RED_FLAG_ANSWERS.get(flag.code, ())
            event = next((events[k] for k in keys if k in events), None)
            if event is not None:
                flagged_events.add(event.pk)
            created = _escalate(
                check_in,
                EscalationLevel.RED_FLAG,
                flag.code,
                flag.reason,
                flag.next_steps,
                list(flag.sources),
                event,
            )
            if created:
                escalations.append(created)
        for event in events.values():
            if event.pk in flagged_events:
                continue
            flag_found = course_flag(event.event_type, max(0, (today - event.onset_date).days))
            if flag_found is None:
                continue
            created = _escalate(
                check_in,
                EscalationLevel.COURSE,
                event.event_type,
                flag_found.message,
                gettext_noop(
                    "Contact the patient and review the event today; record its course and, "
                    "when it ends, its outcome and resolution date."
                ),
                [flag_found.source],
                event,
            )
            if created:
                escalations.append(created)
        if link is not None:
            CheckInLink.objects.filter(pk=link.pk).update(used_at=now)
        if photo is not None:
            # Written last, so a failure in any other write leaves no file behind.
            # The name is the intake's UUID, nothing of the upload's; the bytes are its
            # re-encoded pixels.
            response.photo.save(photo.name or f"{response.public_id}", photo, save=True)
        record(
            request,
            Action.CREATE,
            obj=response,
            user=entered_by,
            detail=(
                f"aftercare answers: {len(events)} events, {measured} measurements, "
                f"{len(escalations)} escalations"
            ),
        )
        red = [e for e in escalations if e.is_red_flag]
        if red:
            transaction.on_commit(lambda: _email_now(red))
    return response, escalations


def _email_now(escalations: list[Escalation]) -> None:
    for escalation in escalations:
        try:
            email_escalation(escalation)
        except Exception as exc:
            # The runner retries every red flag whose email has not gone out. Only the
            # error's type is logged: a mail server's message can quote the address.
            logger.error(
                "aftercare escalation %s: email failed (%s)",
                escalation.public_id,
                type(exc).__name__,
            )
