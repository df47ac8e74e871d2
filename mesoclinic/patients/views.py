"""Patient register, search, demographics and the chart."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.utils.translation import gettext

from mesoclinic.audit.choices import Action
from mesoclinic.audit.services import record
from mesoclinic.clinics.permissions import current_membership, requires
from mesoclinic.clinics.requests import ClinicRequest
from mesoclinic.clinics.roles import Perm
from mesoclinic.patients import services
from mesoclinic.patients.duplicates import PossibleDuplicate, PossibleDuplicatesFound
from mesoclinic.patients.fields import access_for
from mesoclinic.patients.forms import DifferentPersonForm, PatientForm, PatientSearchForm
from mesoclinic.patients.models import Patient
from mesoclinic.records.models import StaleRecordError


@requires(Perm.VIEW_DEMOGRAPHICS)
def patient_list(request: ClinicRequest) -> HttpResponse:
    membership = current_membership(request)
    # A search is POSTed: its words are names, birth dates or MRNs, and a URL carrying them
    # would end up in browser history and in web-server and proxy logs.
    data = request.POST if request.method == "POST" else None
    form = PatientSearchForm(data)
    patients: QuerySet[Patient] = Patient.objects.restrict(membership, Perm.VIEW_DEMOGRAPHICS)
    query = ""
    if form.is_valid():
        query = form.cleaned_data["q"]
        patients = services.search(patients, query)
    page_number = (data or request.GET).get("page")
    page = Paginator(patients.order_by("family_name", "given_name", "mrn"), 25).get_page(
        page_number
    )
    # The search words themselves can be a name: count them, never store them.
    if query:
        record(request, Action.SEARCH, detail=f"{page.paginator.count} patients matched")
    elif page.object_list:
        record(request, Action.LIST, detail=f"patient list page {page.number}")
    template = "patients/_results.html" if request.htmx else "patients/list.html"
    context = {"form": form, "page": page, "query": query}
    return render(request, template, {**context, "patient_fields": access_for(membership)})


@requires(Perm.EDIT_DEMOGRAPHICS)
def patient_create(request: HttpRequest) -> HttpResponse:
    membership = current_membership(request)
    access = access_for(membership)
    form = PatientForm(request.POST or None, access=access)
    answer = DifferentPersonForm(request.POST or None)
    warning: list[PossibleDuplicate] = []
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            # The patient and its audit entries commit together or not at all.
            with transaction.atomic():
                saved = services.register_patient(
                    membership.clinic,
                    request.user,
                    fields,
                    access=access,
                    different_from=answer.different_from(),
                )
                record(request, Action.CREATE, obj=saved.patient, detail=_confirmed_detail(saved))
                _audit_confirmed(request, saved)
        except PossibleDuplicatesFound as exc:
            warning, answer = _warn(request, exc, answer)
        else:
            patient = saved.patient
            messages.success(
                request,
                gettext("Registered %(name)s as %(mrn)s.")
                % {"name": patient.display_name, "mrn": patient.mrn},
            )
            return redirect("patient_chart", public_id=patient.public_id)
    context = {"form": form, "patient": None, "duplicates": warning, "answer": answer}
    return render(request, "patients/form.html", {**context, "patient_fields": access})


@requires(Perm.EDIT_DEMOGRAPHICS)
def patient_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    membership = current_membership(request)
    access = access_for(membership)
    patient = get_object_or_404(
        Patient.objects.restrict(membership, Perm.EDIT_DEMOGRAPHICS), public_id=public_id
    )
    form = PatientForm(request.POST or None, instance=patient, access=access)
    answer = DifferentPersonForm(request.POST or None)
    warning: list[PossibleDuplicate] = []
    if request.method == "POST" and form.is_valid():
        expected = form.read_version
        fields = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            with transaction.atomic():
                saved = services.update_patient(
                    patient,
                    expected,
                    fields,
                    access=access,
                    different_from=answer.different_from(),
                )
                changed = ", ".join(sorted(form.changed_data))
                detail = "; ".join(d for d in (changed, _confirmed_detail(saved)) if d)
                record(request, Action.UPDATE, obj=saved.patient, detail=detail)
                _audit_confirmed(request, saved)
        except StaleRecordError as exc:
            form.add_error(None, str(exc))
        except PossibleDuplicatesFound as exc:
            warning, answer = _warn(request, exc, answer)
        else:
            messages.success(request, gettext("Saved."))
            return redirect("patient_chart", public_id=saved.patient.public_id)
    record(request, Action.VIEW, obj=patient, detail="edit form")
    context = {"form": form, "patient": patient, "duplicates": warning, "answer": answer}
    return render(request, "patients/form.html", {**context, "patient_fields": access})


def _warn(
    request: HttpRequest, exc: PossibleDuplicatesFound, answer: DifferentPersonForm
) -> tuple[list[PossibleDuplicate], DifferentPersonForm]:
    """Show the possible duplicates (each a read of that patient, so audited) and a fresh,
    unticked confirmation that covers exactly those patients."""
    for duplicate in exc.duplicates:
        record(request, Action.VIEW, obj=duplicate.patient, detail="shown as a possible duplicate")
    if answer.different_from():
        # The user had confirmed, but the list has grown since: they must look again.
        messages.warning(
            request,
            gettext("Another patient may be this person: check the list again before confirming."),
        )
    shown = ",".join(str(d.patient.public_id) for d in exc.duplicates)
    return exc.duplicates, DifferentPersonForm(initial={"shown": shown})


def _confirmed_detail(saved: services.PatientSaved) -> str:
    count = len(saved.confirmed_different)
    if not count:
        return ""
    return f"confirmed a different person from {count} possible duplicate{pluralize(count)}"


def _audit_confirmed(request: HttpRequest, saved: services.PatientSaved) -> None:
    """Leave the confirmation on each look-alike's trail too, where a later merge would look."""
    for duplicate in saved.confirmed_different:
        record(
            request,
            Action.OVERRIDE,
            obj=duplicate.patient,
            detail=f"confirmed a different person from patient {saved.patient.public_id}",
        )
