"""The patient's reply page from a reminder: confirm, or ask for another time. No account; the
link's token is moved into the browser's session and the page's URL carries only the
appointment's random id (as the aftercare check-in)."""

from __future__ import annotations

import uuid

from django.db import transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.views.decorators.cache import never_cache

from mesoclinic.appointments.choices import MessageChannel, MessageKind, Reply
from mesoclinic.appointments.models import Appointment, PatientMessage
from mesoclinic.appointments.tokens import resolve_reply
from mesoclinic.audit.choices import Action
from mesoclinic.audit.services import record


def _key(public_id: uuid.UUID) -> str:
    return f"appointment-link-{public_id}"


def _private(response: HttpResponse) -> HttpResponse:
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _refused(request: HttpRequest) -> HttpResponse:
    record(request, Action.DENIED, detail="appointment reply link refused")
    return _private(render(request, "appointments/reply_refused.html", status=410))


@never_cache
def open_link(request: HttpRequest, public_id: uuid.UUID, token: str) -> HttpResponse:
    if resolve_reply(public_id, token) is None:
        return _refused(request)
    request.session[_key(public_id)] = token
    return redirect("appointments_patient:reply", public_id=public_id)


@never_cache
def reply(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    token = request.session.get(_key(public_id))
    link = resolve_reply(public_id, token) if token else None
    if link is None:
        return _refused(request)
    appointment = link.appointment
    answered = ""
    with translation.override(appointment.patient.language):
        if request.method == "POST" and request.POST.get("answer") in Reply.values:
            answered = request.POST["answer"]
            now = timezone.now()
            with transaction.atomic():
                Appointment.objects.filter(pk=appointment.pk).update(
                    reply=answered, replied_at=now, version=F("version") + 1
                )
                # Every answer is on the chart, not only the latest one kept on the appointment.
                PatientMessage.objects.create(
                    clinic_id=appointment.clinic_id,
                    patient_id=appointment.patient_id,
                    appointment=appointment,
                    kind=MessageKind.REPLY,
                    channel=MessageChannel.LINK,
                    outcome=answered,
                    at=now,
                )
                record(request, Action.UPDATE, obj=appointment, detail=f"patient reply: {answered}")
        elif request.method == "GET":
            record(request, Action.VIEW, obj=appointment, detail="reply link opened by the patient")
        return _private(
            render(
                request,
                "appointments/reply.html",
                {
                    "appointment": appointment,
                    "clinic": appointment.clinic,
                    "starts": timezone.localtime(appointment.starts_at, appointment.clinic.zone),
                    "answered": answered,
                },
            )
        )
