"""Session screens: draft a session, add and remove injection lines (htmx, with a plain-form
fallback), read it and amend it (signing is in ``sign_views``). Times are entered and shown in
the clinic's zone."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from mesoclinic.audit.choices import Action
from mesoclinic.audit.services import record
from mesoclinic.clinical_codes import INDICATIONS, TECHNIQUES
from mesoclinic.clinics.choices import Role
from mesoclinic.clinics.models import Membership
from mesoclinic.clinics.permissions import current_membership, requires
from mesoclinic.clinics.requests import ClinicRequest
from mesoclinic.clinics.roles import Perm
from mesoclinic.consent.services import patient_indications
from mesoclinic.patients.models import Patient
from mesoclinic.plans.models import TreatmentPlan
from mesoclinic.records.models import StaleRecordError
from mesoclinic.records.services import SigningError
from mesoclinic.treatments import dose_display as dosing_display
from mesoclinic.treatments import readiness, services
from mesoclinic.treatments.corrections import line_rows
from mesoclinic.treatments.dose_input import check_session_dose
from mesoclinic.treatments.forms import (
    AmendmentForm,
    InjectionForm,
    SessionAreaFormSet,
    SessionForm,
    SignForm,
)
from mesoclinic.treatments.injection_map import session_map
from mesoclinic.treatments.models import Anaesthesia, TreatmentSession

# The amended fields' names in the "as signed" list (the page capitalises them).
AS_SIGNED_LABELS = {
    "indication": _("indication"),
    "protocol": _("protocol"),
    "anaesthesia": _("anaesthesia"),
    "technique": _("technique"),
    "needle": _("needle"),
    "depth_mm": _("depth mm"),
    "notes": _("notes"),
}


def effective_display(session: TreatmentSession) -> dict[str, Any]:
    """The amendable fields with every amendment applied, codes shown as their labels."""
    labels: dict[str, dict[str, str]] = {
        "indication": INDICATIONS,
        "technique": TECHNIQUES,
        "anaesthesia": {code: str(label) for code, label in Anaesthesia.choices},
    }
    shown: dict[str, Any] = {}
    for name in AmendmentForm.AMENDABLE:
        value = session.effective(name)
        if name in labels:
            # Code labels are translated in the project's catalogue (clinical_codes).
            shown[name] = gettext(labels[name][value]) if value in labels[name] else value
        else:
            shown[name] = value
    return shown


def _session(membership: Membership, perm: Perm, public_id: Any) -> TreatmentSession:
    return get_object_or_404(
        TreatmentSession.objects.restrict(membership, perm)
        .select_related("patient", "plan", "practitioner", "clinic")
        .prefetch_related("amendments"),
        public_id=public_id,
    )


def _lines_context(
    session: TreatmentSession,
    membership: Membership,
    form: InjectionForm | None = None,
    notice: str = "",
    sign_form: SignForm | None = None,
) -> dict[str, Any]:
    # The lines in effect, each with the versions a correction replaced (shown struck through).
    rows = line_rows(session)
    lines = [row.line for row in rows]
    prefetch_related_objects(lines, "product__ingredients")
    editable = not session.is_signed and membership.has(Perm.EDIT_CLINICAL)
    if editable and form is None:
        form = InjectionForm(session=session, on=services.session_day(session))
    context: dict[str, Any] = {
        "s": session,
        "lines": lines,
        "rows": rows,
        "total_volume_ml": sum((line.volume_ml for line in lines), start=Decimal(0)),
        "notice": notice,
    }
    if session.is_signed:
        # A signed session shows the check kept at signing, not today's recomputation.
        signed = dosing_display.signed_dose(session, lines) if lines else None
        dose_rows = signed.rows if signed else []
        return context | {
            "dose": None,
            "signed_dose": signed,
            "dose_rows": dose_rows,
            "readiness": None,
            "gates": [],
        }
    dose = check_session_dose(session, lines) if lines else None
    # The signing gates, as sign_session will evaluate them (treatments.readiness).
    ready = readiness.for_session(session, lines)
    if sign_form is None and membership.has(Perm.SIGN):
        sign_form = SignForm(
            initial={
                "dose_check": dose.digest if dose else "",
                "contraindication_check": ready.digest,
            }
        )
    elif sign_form is not None:
        # A re-shown form (after a refusal) must carry the digests of what is shown now.
        data = dict(sign_form.data.items())
        if dose is not None:
            data["dose_check"] = dose.digest
        data["contraindication_check"] = ready.digest
        sign_form = SignForm(data)
        sign_form.is_valid()
    return context | {
        "dose": dose,
        "signed_dose": None,
        "dose_rows": dosing_display.total_lines(dose) if dose else [],
        "line_form": form if editable else None,
        "sign_form": sign_form,
        "readiness": ready,
        "gates": readiness.shown(ready, session.patient),
    }


def _areas_formset(
    data: Any, session: TreatmentSession, membership: Membership, initial: Any = None
) -> Any:
    return SessionAreaFormSet(
        data,
        instance=session,
        prefix="areas",
        initial=initial,
        form_kwargs={"currency": membership.clinic.currency},
    )


@requires(Perm.EDIT_CLINICAL)
def session_create(request: HttpRequest, patient_id: str) -> HttpResponse:
    membership = current_membership(request)
    patient = get_object_or_404(
        Patient.objects.restrict(membership, Perm.EDIT_CLINICAL), public_id=patient_id
    )
    initial: dict[str, Any] = {"performed_at": timezone.localtime().replace(second=0)}
    if membership.role == Role.PRACTITIONER:
        initial["practitioner"] = membership.user
    area_initial = None
    plan = None
    try:
        plan_id = uuid.UUID(request.GET.get("plan", ""))
    except ValueError:
        plan_id = None
    if plan_id is not None:
        plan = (
            TreatmentPlan.objects.restrict(membership, Perm.VIEW_CLINICAL)
            .filter(patient=patient, public_id=plan_id)
            .first()
        )
    if plan is not None:
        initial.update(plan=plan, indication=plan.indication, protocol=plan.protocol)
        area_initial = [{"area": a.area, "side": a.side} for a in plan.areas.all()]
    data = request.POST if request.method == "POST" else None
    form = SessionForm(data, initial=initial, patient=patient, membership=membership)
    # The plan's areas pre-fill the new form only. Posted back they are simply the rows
    # submitted: given as initial data again, Django would take the untouched rows for unused
    # extra rows, drop them and ask for "at least 1 form".
    areas = _areas_formset(data, TreatmentSession(), membership, None if data else area_initial)
    if area_initial:
        areas.extra = max(len(area_initial), 1)
    if request.method == "POST" and form.is_valid() and areas.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        with transaction.atomic():
            session = services.create_session(patient, request.user, fields, areas)
            record(request, Action.CREATE, obj=session)
        messages.success(
            request, gettext("Draft session saved. Add the injection lines, then sign.")
        )
        return redirect("treatments:detail", public_id=session.public_id)
    # Showing the form shows the patient: that is a read of patient data.
    record(request, Action.VIEW, obj=patient, detail="new session form")
    return render(
        request,
        "treatments/form.html",
        {
            "form": form,
            "areas": areas,
            "patient": patient,
            "session": None,
            "checks": _checks(membership, patient, plan, form),
        },
    )


def _checks(
    membership: Membership, patient: Patient, plan: TreatmentPlan | None, form: SessionForm
) -> list[tuple[str, list[readiness.ShownGate]]]:
    """The gates of the new-session page: for the plan's indication, the one posted, or each
    indication the patient's plans and latest consultation name."""
    posted = form.data.get("indication") if form.is_bound else None
    if posted in INDICATIONS:
        indications = [str(posted)]
    elif plan is not None:
        indications = [plan.indication]
    else:
        indications = patient_indications(membership, patient)
    areas = [a.area for a in plan.areas.all()] if plan is not None else []
    return readiness.checks_for(patient, indications, areas)


@requires(Perm.EDIT_CLINICAL)
def session_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    membership = current_membership(request)
    session = _session(membership, Perm.EDIT_CLINICAL, public_id)
    if session.is_signed:
        messages.error(request, gettext("This session is signed; correct it with an amendment."))
        return redirect("treatments:detail", public_id=session.public_id)
    data = request.POST if request.method == "POST" else None
    form = SessionForm(data, instance=session, patient=session.patient, membership=membership)
    areas = _areas_formset(data, session, membership)
    if request.method == "POST" and form.is_valid() and areas.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        expected = form.read_version
        try:
            with transaction.atomic():
                session = services.update_session(
                    TreatmentSession.objects.get(pk=session.pk), expected, fields, areas
                )
                changed = sorted(form.changed_data) + (["areas"] if areas.has_changed() else [])
                record(request, Action.UPDATE, obj=session, detail=", ".join(changed))
        except (StaleRecordError, ValidationError) as exc:
            form.add_error(None, exc.messages if isinstance(exc, ValidationError) else str(exc))
        else:
            messages.success(request, gettext("Draft saved."))
            return redirect("treatments:detail", public_id=session.public_id)
    record(request, Action.VIEW, obj=session, detail="edit form")
    return render(
        request,
        "treatments/form.html",
        {"form": form, "areas": areas, "patient": session.patient, "session": session},
    )


@requires(Perm.VIEW_CLINICAL)
def session_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    membership = current_membership(request)
    session = _session(membership, Perm.VIEW_CLINICAL, public_id)
    record(request, Action.VIEW, obj=session)
    return _render_detail(request, session, membership)


def _render_detail(
    request: HttpRequest,
    session: TreatmentSession,
    membership: Membership,
    sign_form: SignForm | None = None,
) -> HttpResponse:
    amendments = list(session.amendments.all())
    context = _lines_context(session, membership, sign_form=sign_form)
    context.update(
        patient=session.patient,
        areas=list(session.areas.all()),
        amendments=amendments,
        amended=session.amended_fields(),
        effective=effective_display(session),
        injection_map=session_map(session),
        as_signed=[
            (str(AS_SIGNED_LABELS[name]), getattr(session, name))
            for name in AmendmentForm.AMENDABLE
            if name in session.amended_fields()
        ],
    )
    return render(request, "treatments/detail.html", context)


def _lines_response(
    request: ClinicRequest,
    session: TreatmentSession,
    form: InjectionForm | None = None,
    notice: str = "",
) -> HttpResponse:
    membership = current_membership(request)
    if request.htmx:
        return render(
            request, "treatments/_lines.html", _lines_context(session, membership, form, notice)
        )
    if notice:
        messages.error(request, notice)
        return redirect("treatments:detail", public_id=session.public_id)
    if form is not None:
        # The plain-form fallback: show the whole page with the line form's errors.
        context = _lines_context(session, membership, form)
        context.update(
            patient=session.patient,
            areas=list(session.areas.all()),
            amendments=[],
            amended=set(),
            effective=effective_display(session),
        )
        return render(request, "treatments/detail.html", context, status=200)
    return redirect("treatments:detail", public_id=session.public_id)


@require_POST
@requires(Perm.EDIT_CLINICAL)
def line_add(request: ClinicRequest, public_id: str) -> HttpResponse:
    membership = current_membership(request)
    session = _session(membership, Perm.EDIT_CLINICAL, public_id)
    if session.is_signed:
        return _lines_response(
            request, session, notice="The session is signed; correct it with an amendment."
        )
    form = InjectionForm(request.POST, session=session, on=services.session_day(session))
    if not form.is_valid():
        return _lines_response(request, session, form)
    try:
        with transaction.atomic():
            line = services.add_injection(session, form.cleaned_data)
            record(
                request, Action.UPDATE, obj=session, detail=f"injection line added {line.public_id}"
            )
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            form.add_error(None, exc)
        else:
            form.add_error(None, exc.messages)
        return _lines_response(request, session, form)
    if not request.htmx:
        messages.success(request, gettext("Injection line added."))
    return _lines_response(request, session)


@require_POST
@requires(Perm.EDIT_CLINICAL)
def line_remove(request: ClinicRequest, public_id: str, line_id: str) -> HttpResponse:
    membership = current_membership(request)
    session = _session(membership, Perm.EDIT_CLINICAL, public_id)
    line = get_object_or_404(session.injections.in_effect(), public_id=line_id)
    try:
        with transaction.atomic():
            services.remove_injection(line)
            record(request, Action.UPDATE, obj=session, detail=f"injection line removed {line_id}")
    except ValidationError as exc:
        return _lines_response(request, session, notice=" ".join(exc.messages))
    return _lines_response(request, session)


@requires(Perm.SIGN)
def session_amend(request: HttpRequest, public_id: str) -> HttpResponse:
    membership = current_membership(request)
    session = _session(membership, Perm.SIGN, public_id)
    if not session.is_signed:
        messages.error(
            request, gettext("A draft is edited directly; amendments are for signed sessions.")
        )
        return redirect("treatments:edit", public_id=session.public_id)
    form = AmendmentForm(request.POST or None, session=session)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                amendment = services.amend_session(
                    session, membership, form.cleaned_data["reason"], form.changes()
                )
                record(
                    request,
                    Action.AMEND,
                    obj=session,
                    detail=", ".join(sorted(amendment.changes)),
                )
        except SigningError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, gettext("Amendment recorded; the signed original stays readable.")
            )
            return redirect("treatments:detail", public_id=session.public_id)
    record(request, Action.VIEW, obj=session, detail="amendment form")
    return render(
        request,
        "treatments/amend.html",
        {"form": form, "s": session, "patient": session.patient},
    )
