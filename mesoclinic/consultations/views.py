"""Consultation pages: create, read (with the screening), edit a draft, sign, amend."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_http_methods

from mesoclinic.audit.choices import Action
from mesoclinic.audit.services import record
from mesoclinic.clinics.models import Membership
from mesoclinic.clinics.permissions import back_to_record, current_membership, requires
from mesoclinic.clinics.roles import Perm
from mesoclinic.consultations import services
from mesoclinic.consultations.display import build_view, describe_changes
from mesoclinic.consultations.forms import ConsultationForm, initial_from
from mesoclinic.consultations.models import Consultation
from mesoclinic.consultations.questions import Questionnaire
from mesoclinic.patients.models import Patient
from mesoclinic.records.models import ImmutableRecordError, StaleRecordError
from mesoclinic.records.services import SigningError


def _consultation(membership: Membership, perm: Perm, public_id: str) -> Consultation:
    return get_object_or_404(
        Consultation.objects.restrict(membership, perm).select_related("patient"),
        public_id=public_id,
    )


@requires(Perm.EDIT_CLINICAL)
def consultation_create(request: HttpRequest, patient_id: str) -> HttpResponse:
    membership = current_membership(request)
    patient = get_object_or_404(
        Patient.objects.restrict(membership, Perm.EDIT_CLINICAL), public_id=patient_id
    )
    initial = {"consulted_at": timezone.localtime(), "height_cm": patient.height_cm}
    form = ConsultationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        consultation = services.create_consultation(
            request, membership, patient, form.record_fields()
        )
        messages.success(request, gettext("Consultation saved as a draft; the screen is below."))
        return redirect("consultations:detail", public_id=consultation.public_id)
    record(request, Action.VIEW, obj=patient, detail="new consultation form")
    return render(
        request, "consultations/form.html", {"form": form, "patient": patient, "consultation": None}
    )


@requires(Perm.VIEW_CLINICAL)
def consultation_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    membership = current_membership(request)
    consultation = _consultation(membership, Perm.VIEW_CLINICAL, public_id)
    amendments = list(consultation.amendments.all())
    current = services.effective_values(consultation)
    original = {**current, **{k: getattr(consultation, k) for k in current}}
    record(request, Action.VIEW, obj=consultation)
    return render(
        request,
        "consultations/detail.html",
        {
            "consultation": consultation,
            "patient": consultation.patient,
            "view": build_view(current, _bmi(current)),
            "original": build_view(original, consultation.bmi) if amendments else None,
            "amendments": [(a, describe_changes(a)) for a in amendments],
            "unanswered": []
            if consultation.is_signed
            else services.unanswered(consultation.patient, current),
        },
    )


def _bmi(values: dict[str, object]) -> object:
    return Questionnaire.from_json(
        {}, weight_kg=values.get("weight_kg"), height_cm=values.get("height_cm")
    ).bmi


@requires(Perm.EDIT_CLINICAL)
def consultation_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    membership = current_membership(request)
    consultation = _consultation(membership, Perm.EDIT_CLINICAL, public_id)
    if consultation.is_signed:
        messages.warning(
            request, gettext("This consultation is signed; a practitioner can amend it.")
        )
        return redirect("consultations:detail", public_id=consultation.public_id)
    values = services.effective_values(consultation)
    form = ConsultationForm(
        request.POST or None, initial=initial_from(values), read_version=consultation.version
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_draft(
                request,
                consultation,
                form.read_version,
                form.record_fields(stored=values["questionnaire"] or {}),
            )
        except StaleRecordError as exc:
            form.add_error(None, str(exc))
        except ImmutableRecordError as exc:
            messages.error(request, str(exc))
            return redirect("consultations:detail", public_id=consultation.public_id)
        else:
            messages.success(request, gettext("Saved; the screen was recomputed."))
            return redirect("consultations:detail", public_id=consultation.public_id)
    record(request, Action.VIEW, obj=consultation, detail="edit form")
    return render(
        request,
        "consultations/form.html",
        {"form": form, "patient": consultation.patient, "consultation": consultation},
    )


@require_http_methods(["GET", "POST"])
@requires(Perm.SIGN)
def consultation_sign(request: HttpRequest, public_id: str) -> HttpResponse:
    membership = current_membership(request)
    consultation = _consultation(membership, Perm.SIGN, public_id)
    if request.method != "POST":
        return back_to_record(request, "consultations:detail", consultation.public_id)
    try:
        services.sign_consultation(request, membership, consultation)
    except services.UnansweredQuestionsError as exc:
        count = len(exc.questions)
        messages.error(
            request,
            ngettext(
                "Not signed: %(count)d screening question is neither answered nor marked "
                "“Not asked” with a reason; they are listed under “Before signing”.",
                "Not signed: %(count)d screening questions are neither answered nor marked "
                "“Not asked” with a reason; they are listed under “Before signing”.",
                count,
            )
            % {"count": count},
        )
    except SigningError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, gettext("Consultation signed. It can now only be amended."))
    return redirect("consultations:detail", public_id=consultation.public_id)


@requires(Perm.SIGN)
def consultation_amend(request: HttpRequest, public_id: str) -> HttpResponse:
    membership = current_membership(request)
    consultation = _consultation(membership, Perm.SIGN, public_id)
    if not consultation.is_signed:
        return redirect("consultations:edit", public_id=consultation.public_id)
    values = services.effective_values(consultation)
    form = ConsultationForm(request.POST or None, initial=initial_from(values), amending=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.amend_consultation(
                request,
                membership,
                consultation,
                form.cleaned_data["reason"],
                form.record_fields(stored=values["questionnaire"] or {}),
            )
        except SigningError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, gettext("Amendment added; the original stays readable below it.")
            )
            return redirect("consultations:detail", public_id=consultation.public_id)
    record(request, Action.VIEW, obj=consultation, detail="amend form")
    return render(
        request,
        "consultations/form.html",
        {
            "form": form,
            "patient": consultation.patient,
            "consultation": consultation,
            "amending": True,
        },
    )
