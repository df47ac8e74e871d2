"""Patient register, search, demographics and the chart."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from mesoclinic.audit.choices import Action
from mesoclinic.audit.services import record
from mesoclinic.clinics.permissions import current_membership, requires
from mesoclinic.clinics.roles import Perm
from mesoclinic.patients import services
from mesoclinic.patients.alerts import chart_alerts
from mesoclinic.patients.forms import PatientForm, PatientSearchForm
from mesoclinic.patients.models import Patient
from mesoclinic.patients.timeline import build_chart
from mesoclinic.records.models import StaleRecordError
from mesoclinic.records.services import save_versioned


@requires(Perm.VIEW_DEMOGRAPHICS)
def patient_list(request: HttpRequest) -> HttpResponse:
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
    template = "patients/_results.html" if request.htmx else "patients/list.html"  # type: ignore[attr-defined]
    return render(request, template, {"form": form, "page": page, "query": query})


@requires(Perm.EDIT_DEMOGRAPHICS)
def patient_create(request: HttpRequest) -> HttpResponse:
    membership = current_membership(request)
    form = PatientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        # The patient and its audit entry commit together or not at all.
        with transaction.atomic():
            patient = services.register_patient(membership.clinic, request.user, fields)
            record(request, Action.CREATE, obj=patient)
        messages.success(request, f"Registered {patient.display_name} as {patient.mrn}.")
        return redirect("patients:chart", public_id=patient.public_id)
    return render(request, "patients/form.html", {"form": form, "patient": None})


@requires(Perm.EDIT_DEMOGRAPHICS)
def patient_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    membership = current_membership(request)
    patient = get_object_or_404(
        Patient.objects.restrict(membership, Perm.EDIT_DEMOGRAPHICS), public_id=public_id
    )
    form = PatientForm(request.POST or None, instance=patient)
    if request.method == "POST" and form.is_valid():
        expected = form.cleaned_data.get("version") or patient.version
        fields = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            with transaction.atomic():
                patient = save_versioned(Patient.objects.get(pk=patient.pk), expected, fields)
                detail = ", ".join(sorted(form.changed_data))
                record(request, Action.UPDATE, obj=patient, detail=detail)
        except StaleRecordError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Saved.")
            return redirect("patients:chart", public_id=patient.public_id)
    record(request, Action.VIEW, obj=patient, detail="edit form")
    return render(request, "patients/form.html", {"form": form, "patient": patient})


@requires(Perm.VIEW_DEMOGRAPHICS)
def patient_chart(request: HttpRequest, public_id: str) -> HttpResponse:
    membership = current_membership(request)
    patient = get_object_or_404(
        Patient.objects.restrict(membership, Perm.VIEW_DEMOGRAPHICS), public_id=public_id
    )
    chart = build_chart(patient, membership)
    alerts = chart_alerts(patient, membership)
    record(request, Action.VIEW, obj=patient, detail="chart")
    return render(
        request, "patients/chart.html", {"patient": patient, "chart": chart, "alerts": alerts}
    )
