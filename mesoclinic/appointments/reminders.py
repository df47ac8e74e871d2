"""Appointment reminders (48 h and 2 h before) and maintenance recalls after a course, sent by
``mesoclinic run-due`` through the same senders as aftercare (e-mail, else the pluggable SMS
sender), in the patient's language.

Each message is claimed first by its ``Reminder`` row (unique per appointment and kind, per
plan for a recall) inside the transaction that sends it: two runners at once send it once, and
a failed send rolls the row back for the next run. Every message is also logged for the
patient's chart (``PatientMessage``): sent in the sending transaction, or, when delivery
failed, one "not delivered" entry per reminder (its time the latest attempt) written after the
rollback, so a broken gateway neither hides the failure nor floods the chart, and the run goes
on with the other patients. Nothing goes to a patient who opted out, for
imported history, or to a patient with neither e-mail nor phone. The recall interval is per
protocol (``APPOINTMENTS_RECALL_MONTHS``: {protocol or indication: months}); a course whose
protocol has none configured is not recalled: the reference gives no maintenance interval.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from mesoclinic.aftercare.sms import get_sms_sender
from mesoclinic.appointments.choices import (
    MessageOutcome,
    ReminderChannel,
    ReminderKind,
    Status,
)
from mesoclinic.appointments.models import Appointment, PatientMessage, Reminder
from mesoclinic.appointments.tokens import issue_reply_link
from mesoclinic.audit.choices import Action
from mesoclinic.audit.services import record
from mesoclinic.clinics.models import Clinic
from mesoclinic.dosing.labelled import add_months
from mesoclinic.patients.models import Patient
from mesoclinic.plans.models import PlanStatus, TreatmentPlan

logger = logging.getLogger(__name__)

# (kind, how long before the start it goes out). The 2-hour reminder replaces a 48-hour one
# not yet sent when the booking was made within 48 hours.
WINDOWS = (
    (ReminderKind.BEFORE_2H, dt.timedelta(hours=2)),
    (ReminderKind.BEFORE_48H, dt.timedelta(hours=48)),
)


def base_url() -> str:
    return str(getattr(settings, "AFTERCARE_BASE_URL", "http://127.0.0.1:8000")).rstrip("/")


def reply_url(appointment: Appointment, token: str) -> str:
    return base_url() + reverse(
        "appointments_patient:open", kwargs={"public_id": appointment.public_id, "token": token}
    )


def _deliver(patient: Patient, subject: str, email_body: str, sms_body: str) -> str:
    if patient.email:
        send_mail(
            subject=subject, message=email_body, from_email=None, recipient_list=[patient.email]
        )
        return ReminderChannel.EMAIL
    get_sms_sender().send(patient.phone, sms_body)
    return ReminderChannel.SMS


def _log(reminder: Reminder, outcome: str) -> PatientMessage:
    """The chart's entry for ``reminder``: created when sent; a failure updates the earlier
    failure of the same reminder rather than adding one per run."""
    fields: dict[str, Any] = {
        "clinic_id": reminder.clinic_id,
        "patient": reminder.patient,
        "appointment": reminder.appointment,
        "plan": reminder.plan,
        "kind": reminder.kind,
        "channel": reminder.channel,
    }
    if outcome == MessageOutcome.SENT:
        return PatientMessage.objects.create(**fields, outcome=outcome, at=reminder.sent_at)
    message, _created = PatientMessage.objects.update_or_create(
        **fields, outcome=outcome, defaults={"at": reminder.sent_at}
    )
    record(None, Action.CREATE, obj=message, detail=f"{reminder.kind} message not delivered")
    return message


def _failed(reminder: Reminder) -> bool:
    # Why it failed may name the address: not logged, only that it did.
    about = reminder.appointment or reminder.plan
    logger.warning(
        "%s message for %s not delivered", reminder.kind, getattr(about, "public_id", "")
    )
    _log(reminder, MessageOutcome.FAILED)
    return False


def send_reminder(appointment: Appointment, kind: str, now: dt.datetime) -> bool:
    """Send one reminder of ``appointment`` once; True when this call sent it."""
    patient = appointment.patient
    reminder = Reminder(
        clinic_id=appointment.clinic_id,
        patient=patient,
        appointment=appointment,
        kind=kind,
        channel=ReminderChannel.EMAIL if patient.email else ReminderChannel.SMS,
        sent_at=now,
    )
    try:
        with transaction.atomic():
            reminder.save()
            token = issue_reply_link(appointment)
            context = {
                "appointment": appointment,
                "clinic": appointment.clinic,
                "url": reply_url(appointment, token),
                "starts": timezone.localtime(appointment.starts_at, appointment.clinic.zone),
            }
            with translation.override(patient.language):
                subject = gettext("Your appointment at %(clinic)s") % {
                    "clinic": appointment.clinic.name
                }
                email = render_to_string("appointments/email_reminder.txt", context)
                sms = render_to_string("appointments/sms_reminder.txt", context).strip()
            _deliver(patient, subject, email, sms)
            _log(reminder, MessageOutcome.SENT)
            record(None, Action.CREATE, obj=reminder, detail=f"appointment reminder {kind} sent")
    except IntegrityError:
        return False  # another run sent it
    except DatabaseError:
        raise  # not a delivery failure: the run stops as before
    except Exception:  # the mail server or SMS gateway refused: rolled back, tried next run
        return _failed(reminder)
    logger.info("appointment reminder %s for %s sent", kind, appointment.public_id)
    return True


def send_recall(plan: TreatmentPlan, now: dt.datetime) -> bool:
    patient = plan.patient
    reminder = Reminder(
        clinic_id=plan.clinic_id,
        patient=patient,
        plan=plan,
        kind=ReminderKind.RECALL,
        channel=ReminderChannel.EMAIL if patient.email else ReminderChannel.SMS,
        sent_at=now,
    )
    try:
        with transaction.atomic():
            reminder.save()
            context = {"clinic": plan.clinic}
            with translation.override(patient.language):
                subject = gettext("Time for your follow-up visit at %(clinic)s") % {
                    "clinic": plan.clinic.name
                }
                email = render_to_string("appointments/email_recall.txt", context)
                sms = render_to_string("appointments/sms_recall.txt", context).strip()
            _deliver(patient, subject, email, sms)
            _log(reminder, MessageOutcome.SENT)
            record(None, Action.CREATE, obj=reminder, detail="maintenance recall sent")
    except IntegrityError:
        return False
    except DatabaseError:
        raise
    except Exception:
        return _failed(reminder)
    return True


def due_reminders(clinic: Clinic, now: dt.datetime) -> list[tuple[Appointment, str]]:
    """(appointment, kind) due now: booked, not imported, patient reachable and not opted out."""
    upcoming = (
        Appointment.objects.for_clinic(clinic)
        .filter(
            status=Status.BOOKED,
            imported=False,
            starts_at__gt=now,
            starts_at__lte=now + WINDOWS[-1][1],
            patient__reminder_opt_out__isnull=True,
            patient__imported=False,
        )
        .exclude(patient__email="", patient__phone="")
        .select_related("patient__clinic", "clinic", "appointment_type")
        .prefetch_related("reminders")
    )
    due = []
    for appointment in upcoming:
        sent = {r.kind for r in appointment.reminders.all()}
        if ReminderKind.BEFORE_2H in sent:
            continue
        for kind, lead in WINDOWS:
            if appointment.starts_at - lead <= now:
                if kind not in sent:
                    due.append((appointment, str(kind)))
                break
    return due


def due_recalls(clinic: Clinic, now: dt.datetime) -> list[TreatmentPlan]:
    months: dict[str, int] = getattr(settings, "APPOINTMENTS_RECALL_MONTHS", {})
    if not months:
        return []
    plans = (
        TreatmentPlan.objects.for_clinic(clinic)
        .exclude(status=PlanStatus.STOPPED)
        .filter(patient__reminder_opt_out__isnull=True, patient__imported=False)
        .exclude(patient__email="", patient__phone="")
        .annotate(
            done=Count(
                "sessions", filter=Q(sessions__signed_at__isnull=False, sessions__imported=False)
            ),
            last=Max("sessions__performed_at", filter=Q(sessions__signed_at__isnull=False)),
        )
        .exclude(
            pk__in=Reminder.objects.filter(kind=ReminderKind.RECALL, plan__isnull=False).values(
                "plan"
            )
        )
        .select_related("patient__clinic", "clinic")
    )
    due: list[TreatmentPlan] = []
    for plan in plans:
        interval = months.get(plan.protocol) or months.get(plan.indication)
        if not interval or plan.last is None or plan.done < plan.planned_sessions:
            continue
        if add_months(clinic.day_of(plan.last), interval) > clinic.day_of(now):
            continue
        booked_later = Appointment.objects.filter(
            patient_id=plan.patient_id, status=Status.BOOKED, starts_at__gt=now
        ).exists()
        if not booked_later:
            due.append(plan)
    return due


def run_reminders(clinic: Clinic, now: dt.datetime) -> dict[str, int]:
    reminders = sum(send_reminder(a, kind, now) for a, kind in due_reminders(clinic, now))
    recalls = sum(send_recall(plan, now) for plan in due_recalls(clinic, now))
    return {"reminders_sent": reminders, "recalls_sent": recalls}


def run_due_receiver(sender: Any, now: dt.datetime, **kwargs: Any) -> dict[str, int]:
    """Receiver of ``aftercare.signals.run_due``: every clinic's reminders and recalls."""
    total = {"reminders_sent": 0, "recalls_sent": 0}
    for clinic in Clinic.objects.order_by("pk"):
        for key, count in run_reminders(clinic, now).items():
            total[key] += count
    return total
