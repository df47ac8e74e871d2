"""Aftercare workflows: scheduling check-ins, sending links, escalating, calls and revocation.

What the patient's answers become (adverse events, measurements, escalations) is in
``reporting.py``; the runner that cron calls is ``run_due`` here.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from mesoclinic.aftercare.choices import CallOutcome, Channel, CheckInStatus, EscalationLevel
from mesoclinic.aftercare.language import clinic_language, patient_language
from mesoclinic.aftercare.models import (
    ACK_NOTE_REQUIRED,
    CallLog,
    CheckIn,
    CheckInLink,
    Escalation,
)
from mesoclinic.aftercare.schedule import (
    DEFAULT_PROTOCOL,
    FollowUpProtocol,
    plan_check_ins,
    protocol_from_config,
)
from mesoclinic.aftercare.sms import get_sms_sender
from mesoclinic.aftercare.tokens import issue_link
from mesoclinic.audit.choices import Action
from mesoclinic.audit.services import record
from mesoclinic.clinics.choices import Role
from mesoclinic.clinics.models import Clinic, Membership
from mesoclinic.formulary.models import Lot
from mesoclinic.treatments.models import Injection, TreatmentSession

logger = logging.getLogger(__name__)


class AftercareError(Exception):
    """The action cannot be done in this state; the message says why."""


def protocol_for(session: TreatmentSession) -> FollowUpProtocol:
    """The follow-up protocol configured for the session's protocol name, else its
    indication, else the reference's default schedule (``AFTERCARE_PROTOCOLS`` setting)."""
    configured: dict[str, dict[str, object]] = getattr(settings, "AFTERCARE_PROTOCOLS", {})
    for key in (session.protocol, session.indication):
        if key and key in configured:
            return protocol_from_config(configured[key])
    return DEFAULT_PROTOCOL


def is_last_of_course(session: TreatmentSession) -> bool:
    """Whether the session completes its plan's planned number of sessions."""
    plan = session.plan
    if plan is None or not plan.planned_sessions:
        return False
    done = plan.sessions.filter(
        signed_at__isnull=False, performed_at__lte=session.performed_at
    ).count()
    return done >= plan.planned_sessions


def schedule_on_signing(
    sender: type[TreatmentSession], session: TreatmentSession, **kwargs: Any
) -> None:
    """Receiver of ``treatments.signals.session_signed``: runs inside the signing transaction,
    so an error here rolls the signature back."""
    schedule_follow_up(session)


def schedule_follow_up(session: TreatmentSession) -> list[CheckIn]:
    """Create the session's check-ins; called when a session is signed. Idempotent.

    Nothing is scheduled for a draft, nor for history imported from a registry; a check-in
    whose window has already closed (a session entered late) is not created, as its
    questions can no longer be asked at the right time.
    """
    if not session.is_signed or session.imported:
        return []
    now = timezone.now()
    planned = plan_check_ins(
        session.performed_at, protocol_for(session), last_of_course=is_last_of_course(session)
    )
    created = []
    with transaction.atomic():
        for item in planned:
            if item.window_end <= now:
                continue
            check_in, was_created = CheckIn.objects.get_or_create(
                session=session,
                kind=item.kind,
                defaults={
                    "clinic_id": session.clinic_id,
                    "patient_id": session.patient_id,
                    "label": item.label,
                    "asks_outcomes": item.asks_outcomes,
                    "window_start": item.window_start,
                    "window_end": item.window_end,
                },
            )
            if was_created:
                created.append(check_in)
        if created:
            # In the same transaction as the check-ins: both are written, or neither.
            record(
                None,
                Action.CREATE,
                obj=session,
                detail=f"aftercare: {len(created)} check-ins scheduled",
            )
    return created


def _base_url() -> str:
    return str(getattr(settings, "AFTERCARE_BASE_URL", "http://127.0.0.1:8000")).rstrip("/")


def check_in_url(check_in: CheckIn, token: str) -> str:
    return _base_url() + reverse(
        "aftercare_patient:check_in", kwargs={"public_id": check_in.public_id, "token": token}
    )


def _deliver(check_in: CheckIn, url: str) -> str:
    """Send the link by email, else by text message; the channel used. No patient data goes
    into the subject, and the log names only the check-in's public id."""
    patient = check_in.patient
    context = {"check_in": check_in, "url": url, "clinic": check_in.clinic}
    # The patient reads the message in their language, whoever or whatever sends it.
    with translation.override(patient_language(patient)):
        subject = gettext("Your aftercare check-in from %(clinic)s") % {
            "clinic": check_in.clinic.name
        }
        email_body = render_to_string("aftercare/email_check_in.txt", context)
        body = render_to_string("aftercare/sms_check_in.txt", context).strip()
    if patient.email:
        send_mail(
            subject=subject,
            message=email_body,
            from_email=None,
            recipient_list=[patient.email],
        )
        return Channel.EMAIL
    get_sms_sender().send(patient.phone, body)
    return Channel.SMS


def send_check_in(check_in: CheckIn, now: dt.datetime) -> bool:
    """Send the check-in's link once. True when this call sent it.

    The conditional UPDATE claims the row (scheduled → sent) before anything goes out, so
    of two runners working at once only one sends; if delivery fails the transaction rolls
    back and the check-in stays scheduled for the next run.
    """
    with transaction.atomic():
        claimed = CheckIn.objects.filter(
            pk=check_in.pk,
            status=CheckInStatus.SCHEDULED,
            window_start__lte=now,
            window_end__gt=now,
            session__imported=False,
        ).update(status=CheckInStatus.SENT, sent_at=now, version=F("version") + 1)
        if not claimed:
            return False
        check_in.refresh_from_db()
        _link, token = issue_link(check_in, check_in.window_end)
        channel = _deliver(check_in, check_in_url(check_in, token))
        CheckIn.objects.filter(pk=check_in.pk).update(channel=channel)
        record(None, Action.UPDATE, obj=check_in, detail=f"aftercare link sent by {channel}")
    logger.info("aftercare check-in %s sent by %s", check_in.public_id, channel)
    return True


def escalation_recipients(escalation: Escalation) -> list[str]:
    """The session's practitioner; if they have no email, the clinic's active practitioners."""
    practitioner = escalation.session.practitioner
    if practitioner is not None and practitioner.email:
        return [practitioner.email]
    return sorted(
        Membership.objects.filter(
            clinic_id=escalation.clinic_id, role=Role.PRACTITIONER, is_active=True
        )
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )


def email_escalation(escalation: Escalation) -> bool:
    """Email a red flag to the practitioner once. True when this call sent it."""
    recipients = escalation_recipients(escalation)
    if not recipients:
        logger.warning("aftercare escalation %s has no practitioner email", escalation.public_id)
        return False
    with transaction.atomic():
        claimed = Escalation.objects.filter(pk=escalation.pk, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        )
        if not claimed:
            return False
        url = _base_url() + reverse("aftercare:worklist") + f"#escalation-{escalation.public_id}"
        with translation.override(clinic_language(escalation.clinic)):
            subject = gettext("Aftercare red flag to review today")
            message = render_to_string(
                "aftercare/email_escalation.txt", {"escalation": escalation, "url": url}
            )
        send_mail(subject=subject, message=message, from_email=None, recipient_list=recipients)
    logger.info("aftercare escalation %s emailed", escalation.public_id)
    return True


@dataclass(frozen=True)
class Exposure:
    """Case finding for a suspected mycobacterial infection: the lot and how many other
    patients of the clinic received it (reference §4.3, "list every patient treated … using
    the same product")."""

    lot: Lot
    other_patients: int


def others_exposed(escalation: Escalation) -> Exposure | None:
    event = escalation.adverse_event
    if event is None or event.lot_id is None:
        return None
    others = (
        Injection.objects.filter(clinic_id=escalation.clinic_id, lot_id=event.lot_id)
        .in_effect()
        .exclude(session__patient_id=escalation.patient_id)
        .values("session__patient_id")
        .distinct()
        .count()
    )
    return Exposure(lot=Lot.objects.get(pk=event.lot_id), other_patients=others)


@dataclass
class RunResult:
    sent: int = 0
    escalated: int = 0
    skipped: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"sent": self.sent, "escalated": self.escalated, "skipped": self.skipped}


def run_due(clinic: Clinic, now: dt.datetime | None = None) -> RunResult:
    """Send what is due and email unsent red flags for one clinic. Safe to repeat."""
    now = now or timezone.now()
    result = RunResult()
    check_ins = CheckIn.objects.for_clinic(clinic)
    # Windows that closed unanswered go to the phone list; imported history never goes out.
    check_ins.filter(
        status__in=(CheckInStatus.SCHEDULED, CheckInStatus.SENT), window_end__lte=now
    ).update(status=CheckInStatus.OVERDUE, version=F("version") + 1)
    imported = check_ins.filter(status=CheckInStatus.SCHEDULED, session__imported=True)
    result.skipped += imported.update(
        status=CheckInStatus.CLOSED, closed_at=now, version=F("version") + 1
    )
    due = (
        check_ins.filter(
            status=CheckInStatus.SCHEDULED,
            window_start__lte=now,
            window_end__gt=now,
            session__imported=False,
        )
        .select_related("patient", "clinic", "session")
        .order_by("window_start")
    )
    for check_in in due:
        if not (check_in.patient.email or check_in.patient.phone):
            # Left scheduled, so it shows on the worklist as due with no way to send.
            result.skipped += 1
            continue
        if send_check_in(check_in, now):
            result.sent += 1
    unsent = Escalation.objects.for_clinic(clinic).filter(
        level=EscalationLevel.RED_FLAG, emailed_at__isnull=True, acknowledged_at__isnull=True
    )
    for escalation in unsent.select_related("session__practitioner"):
        if email_escalation(escalation):
            result.escalated += 1
        else:
            result.skipped += 1
    return result


def acknowledge(
    request: HttpRequest | None, escalation: Escalation, membership: Membership, note: str
) -> Escalation:
    """Mark an escalation as seen and acted on by ``membership``, with what was done (required:
    it is the record of the follow-up); refused twice."""
    note = note.strip()
    if not note:
        raise AftercareError(
            gettext("Not closed. What was done: %(rule)s") % {"rule": gettext(ACK_NOTE_REQUIRED)}
        )
    with transaction.atomic():
        done = Escalation.objects.filter(pk=escalation.pk, acknowledged_at__isnull=True).update(
            acknowledged_at=timezone.now(),
            acknowledged_by=membership.user,
            acknowledged_by_name=membership.display_name,
            acknowledgement_note=note,
            version=F("version") + 1,
        )
        if not done:
            raise AftercareError(gettext("This escalation was already acknowledged."))
        escalation.refresh_from_db()
        record(request, Action.UPDATE, obj=escalation, detail="escalation acknowledged")
    return escalation


def log_call(
    request: HttpRequest, check_in: CheckIn, membership: Membership, outcome: str, note: str
) -> CallLog:
    """Record a phone call about a check-in; reaching the patient settles the check-in."""
    with transaction.atomic():
        call = CallLog.objects.create(
            clinic_id=check_in.clinic_id,
            check_in=check_in,
            patient_id=check_in.patient_id,
            called_by=membership.user,
            called_by_name=membership.display_name,
            outcome=outcome,
            note=note.strip(),
            created_by=membership.user,
        )
        if outcome == CallOutcome.REACHED:
            CheckIn.objects.filter(
                pk=check_in.pk,
                status__in=(CheckInStatus.SCHEDULED, CheckInStatus.SENT, CheckInStatus.OVERDUE),
            ).update(
                status=CheckInStatus.CALLED,
                channel=Channel.PHONE,
                closed_at=timezone.now(),
                version=F("version") + 1,
            )
        record(request, Action.CREATE, obj=call, detail=f"aftercare call: {outcome}")
    return call


def revoke_links(request: HttpRequest, check_in: CheckIn, membership: Membership) -> int:
    """Withdraw every live link of a check-in (e.g. sent to a wrong address)."""
    with transaction.atomic():
        count = CheckInLink.objects.filter(check_in=check_in, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_by=membership.user, version=F("version") + 1
        )
        record(request, Action.UPDATE, obj=check_in, detail=f"{count} aftercare links revoked")
    return count


def close_check_in(request: HttpRequest, check_in: CheckIn, membership: Membership) -> None:
    """Close a check-in that will not be done (e.g. the patient declined follow-up)."""
    with transaction.atomic():
        done = (
            CheckIn.objects.filter(pk=check_in.pk)
            .filter(~Q(status=CheckInStatus.CLOSED))
            .update(status=CheckInStatus.CLOSED, closed_at=timezone.now(), version=F("version") + 1)
        )
        if not done:
            raise AftercareError(gettext("This check-in is already closed."))
        CheckInLink.objects.filter(check_in=check_in, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_by=membership.user
        )
        record(request, Action.UPDATE, obj=check_in, detail="aftercare check-in closed")
