"""The staff side of aftercare: the worklist, a check-in's answers, calls and escalations."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from mesoclinic.aftercare import services
from mesoclinic.aftercare.answers import answer_rows
from mesoclinic.aftercare.choices import CheckInStatus
from mesoclinic.aftercare.forms import AcknowledgeForm, CallForm
from mesoclinic.aftercare.models import CheckIn, CheckInResponse, Escalation
from mesoclinic.aftercare.photos import servable_photo
from mesoclinic.aftercare.questions import outcome_questions
from mesoclinic.audit.choices import Action
from mesoclinic.audit.services import record
from mesoclinic.clinics.permissions import current_membership, requires
from mesoclinic.clinics.roles import Perm
from mesoclinic.patients.models import Patient
from mesoclinic.safety.models import AdverseEvent
from mesoclinic.uploads.serving import private_image_response

LIST_LIMIT = 200


@requires(Perm.VIEW_CLINICAL)
def worklist(request: HttpRequest) -> HttpResponse:
    """Escalations to acknowledge, check-ins due now, unanswered ones to phone, open events."""
    membership = current_membership(request)
    now = timezone.now()
    check_ins = CheckIn.objects.restrict(membership, Perm.VIEW_CLINICAL).select_related(
        "patient", "session"
    )
    escalations = list(
        Escalation.objects.restrict(membership, Perm.VIEW_CLINICAL)
        .filter(acknowledged_at__isnull=True)
        .select_related("patient", "session", "adverse_event")
        .order_by("level", "created_at")[:LIST_LIMIT]
    )
    # Red flags first: "course" sorts before "red_flag", so order in Python.
    escalations.sort(key=lambda e: (not e.is_red_flag, e.created_at))
    # Case finding for a suspected mycobacterial infection: who else received that lot.
    escalation_rows = [
        (e, services.others_exposed(e) if e.code == "suspected_ntm" else None) for e in escalations
    ]
    due = list(
        check_ins.filter(
            status__in=(CheckInStatus.SCHEDULED, CheckInStatus.SENT),
            window_start__lte=now,
            window_end__gt=now,
        ).order_by("window_end")[:LIST_LIMIT]
    )
    to_phone = list(check_ins.overdue(now).order_by("window_end")[:LIST_LIMIT])
    open_events = list(
        AdverseEvent.objects.restrict(membership, Perm.VIEW_CLINICAL)
        .filter(resolved_date__isnull=True, session__check_ins__isnull=False)
        .distinct()
        .select_related("patient", "session", "lot")
        .order_by("onset_date")[:LIST_LIMIT]
    )
    upcoming = check_ins.filter(status=CheckInStatus.SCHEDULED, window_start__gt=now).count()
    record(
        request,
        Action.LIST,
        detail=(
            f"aftercare worklist: {len(escalations)} escalations, {len(due)} due, "
            f"{len(to_phone)} to phone, {len(open_events)} open events"
        ),
    )
    return render(
        request,
        "aftercare/worklist.html",
        {
            "escalations": escalations,
            "escalation_rows": escalation_rows,
            "due": due,
            "to_phone": to_phone,
            "open_events": open_events,
            "upcoming": upcoming,
            "limit": LIST_LIMIT,
            "ack_form": AcknowledgeForm(),
        },
    )


def _check_in(request: HttpRequest, public_id: uuid.UUID, perm: Perm) -> CheckIn:
    membership = current_membership(request)
    return get_object_or_404(
        CheckIn.objects.restrict(membership, perm).select_related("patient", "session"),
        public_id=public_id,
    )


@requires(Perm.VIEW_CLINICAL)
def check_in_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    item = _check_in(request, public_id, Perm.VIEW_CLINICAL)
    response = CheckInResponse.objects.filter(check_in=item).first()
    rows = []
    if response is not None:
        sites = [(a.area, a.side) for a in item.session.areas.all()]
        rows = answer_rows(response.answers, outcome_questions(item.session.indication, sites))
    record(request, Action.VIEW, obj=item, detail="aftercare check-in")
    return render(
        request,
        "aftercare/check_in_detail.html",
        {
            "item": item,
            "answer": response,
            "answer_rows": rows,
            "escalations": item.escalations.select_related("adverse_event"),
            "calls": item.calls.all(),
            "links": item.links.all(),
            "call_form": CallForm(),
            "ack_form": AcknowledgeForm(),
        },
    )


@requires(Perm.VIEW_CLINICAL, Perm.EDIT_CLINICAL)
@require_POST
def log_call(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    item = _check_in(request, public_id, Perm.EDIT_CLINICAL)
    form = CallForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else gettext("Call")
            messages.error(request, f"{label}: {' '.join(str(e) for e in errors)}")
        return redirect("aftercare:check_in", public_id=item.public_id)
    services.log_call(
        request,
        item,
        current_membership(request),
        form.cleaned_data["outcome"],
        form.cleaned_data["note"],
    )
    messages.success(request, gettext("Call recorded."))
    return redirect("aftercare:check_in", public_id=item.public_id)


@requires(Perm.VIEW_CLINICAL, Perm.EDIT_CLINICAL)
@require_POST
def revoke(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    item = _check_in(request, public_id, Perm.EDIT_CLINICAL)
    count = services.revoke_links(request, item, current_membership(request))
    messages.success(
        request,
        ngettext("%(count)d link withdrawn.", "%(count)d links withdrawn.", count)
        % {"count": count}
        if count
        else gettext("No live link to withdraw."),
    )
    return redirect("aftercare:check_in", public_id=item.public_id)


@requires(Perm.VIEW_CLINICAL, Perm.EDIT_CLINICAL)
@require_POST
def close(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    item = _check_in(request, public_id, Perm.EDIT_CLINICAL)
    try:
        services.close_check_in(request, item, current_membership(request))
    except services.AftercareError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, gettext("Check-in closed; its links no longer work."))
    return redirect("aftercare:check_in", public_id=item.public_id)


@requires(Perm.VIEW_CLINICAL, Perm.EDIT_CLINICAL)
@require_POST
def acknowledge(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    membership = current_membership(request)
    escalation = get_object_or_404(
        Escalation.objects.restrict(membership, Perm.EDIT_CLINICAL), public_id=public_id
    )
    form = AcknowledgeForm(request.POST)
    back = reverse("aftercare:worklist") + f"#escalation-{escalation.public_id}"
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(
                request,
                gettext("Not closed. What was done: %(rule)s")
                % {"rule": " ".join(str(e) for e in errors)},
            )
        return redirect(back)
    try:
        services.acknowledge(request, escalation, membership, form.cleaned_data["note"])
    except services.AftercareError as exc:
        messages.error(request, str(exc))
        return redirect(back)
    messages.success(request, gettext("Escalation closed with what was done."))
    return redirect("aftercare:worklist")


@never_cache
@requires(Perm.VIEW_CLINICAL)
def photo(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The patient's photo as a download (uploads.serving): re-encoded pixels only."""
    membership = current_membership(request)
    answer = get_object_or_404(
        CheckInResponse.objects.restrict(membership, Perm.VIEW_CLINICAL).filter(~Q(photo="")),
        public_id=public_id,
    )
    record(request, Action.VIEW, obj=answer, detail="aftercare photo")
    servable = servable_photo(answer)
    if servable is None:
        # Missing, or stored before uploads were checked and not a picture after all.
        raise Http404(gettext("The photo cannot be shown."))
    content, content_type = servable
    extension = "png" if content_type == "image/png" else "jpg"
    return private_image_response(
        content,
        content_type=content_type,
        filename=f"check-in-photo-{answer.public_id}.{extension}",
    )


@requires(Perm.VIEW_CLINICAL)
def patient_follow_up(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    membership = current_membership(request)
    patient = get_object_or_404(
        Patient.objects.restrict(membership, Perm.VIEW_CLINICAL), public_id=public_id
    )
    check_ins = (
        CheckIn.objects.restrict(membership, Perm.VIEW_CLINICAL)
        .filter(patient=patient)
        .select_related("session")
        .order_by("-window_start")
    )
    record(request, Action.VIEW, obj=patient, detail="aftercare check-ins")
    return render(request, "aftercare/patient.html", {"patient": patient, "check_ins": check_ins})
