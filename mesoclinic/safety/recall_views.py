"""The recall page and its call list (CSV) for phoning exposed patients.

Who: clinical staff (practitioners and nurses, through view_clinical) and the clinic admin
(through manage_formulary), each also needing view_demographics, because the page shows names.
Contact details follow the one table of patient fields per role (patients/fields.py): the
clinical staff who make the calls see them; the admin sees identities only. Reception and
researchers are refused: reception holds no clinical record, researchers no identities. Every
search is audited as a list and every call list as an export, with counts only.

For a recalled lot the page also shows, per patient, the last attempt to tell them and links
to the patient's recall-contact page, where each attempt (outcome, when, by whom, note) is
recorded and audited; the chart's recall banner ends with an attempt that informed them.
"""

from __future__ import annotations

import csv
import re
import uuid
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext

from mesoclinic.audit.choices import Action
from mesoclinic.audit.services import record
from mesoclinic.clinics.permissions import current_membership, requires
from mesoclinic.clinics.roles import Perm
from mesoclinic.formulary import services
from mesoclinic.formulary.choices import LotStatus
from mesoclinic.formulary.forms import RecallContactForm, RecallForm
from mesoclinic.formulary.models import Lot, RecallContact
from mesoclinic.formulary.views import reading_perm
from mesoclinic.patients.fields import access_for
from mesoclinic.patients.models import Patient
from mesoclinic.safety.recall import ExposedPatient, RecallError, RecallResult, recall
from mesoclinic.safety.recall_status import received_recalled_lots, record_recall_contact


def _search(request: HttpRequest) -> tuple[RecallForm, RecallResult | None]:
    membership = current_membership(request)
    perm = reading_perm(membership)
    form = RecallForm(request.GET if "lot" in request.GET else None)
    if not form.is_valid():
        return form, None
    try:
        result = recall(
            membership.clinic,
            Lot.objects.restrict(membership, perm),
            form.cleaned_data["lot"],
            form.cleaned_data.get("date_from"),
            form.cleaned_data.get("date_to"),
            with_contact=True,
        )
    except RecallError as exc:
        field, _, message = str(exc).partition(": ")
        form.add_error("lot" if field == "lot" else None, message)
        return form, None
    return form, result


@dataclass
class CallRow:
    """One exposed patient on the recall page, with where telling them stands."""

    patient: ExposedPatient
    recalled_lot: Lot | None  # the recalled lot to record a contact for, when there is one
    last: RecallContact | None
    told: bool


def _call_rows(request: HttpRequest, result: RecallResult) -> list[CallRow]:
    """The patients of the result with their last contact about its recalled lots (one query)."""
    recalled = {lot.product.name: lot for lot in result.lots if lot.status == LotStatus.RECALLED}
    contacts: dict[str, list[RecallContact]] = {}
    if recalled:
        membership = current_membership(request)
        rows = (
            RecallContact.objects.restrict(membership, reading_perm(membership))
            .filter(lot__in=list(recalled.values()))
            .select_related("patient")
            .order_by("-contacted_at", "-id")
        )
        for contact in rows:
            contacts.setdefault(str(contact.patient.public_id), []).append(contact)
    result_rows = []
    for p in result.patients:
        products = {line[2] for s in p.sessions for line in s.lines}
        lots = [recalled[name] for name in sorted(products) if name in recalled]
        attempts = contacts.get(p.public_id, [])
        result_rows.append(
            CallRow(
                p,
                lots[0] if lots else None,
                attempts[0] if attempts else None,
                any(c.informed for c in attempts),
            )
        )
    return result_rows


@requires(Perm.VIEW_DEMOGRAPHICS)
def recall_page(request: HttpRequest) -> HttpResponse:
    form, result = _search(request)
    rows: list[CallRow] = []
    if result is not None:
        rows = _call_rows(request, result)
        record(
            request,
            Action.LIST,
            detail=f"recall search: lot {result.lot_number}, {len(result.patients)} patients",
        )
    return render(
        request,
        "safety/recall.html",
        {
            "form": form,
            "result": result,
            "rows": rows,
            "recalled": any(lot.status == LotStatus.RECALLED for lot in result.lots)
            if result
            else False,
            # The one table of patient fields per role decides (patients/fields.py): the clinic
            # admin runs the recall but sees identities only, not contact details.
            "shows_contact": access_for(current_membership(request)).sees("phone"),
        },
    )


@requires(Perm.VIEW_DEMOGRAPHICS)
def recall_contact(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """A patient's recalls: each recalled lot they received, the attempts to tell them, and the
    form to record one more."""
    membership = current_membership(request)
    perm = reading_perm(membership)
    patient = get_object_or_404(
        Patient.objects.restrict(membership, Perm.VIEW_DEMOGRAPHICS), public_id=public_id
    )
    lots = received_recalled_lots(
        membership.clinic, Lot.objects.restrict(membership, perm), patient.pk
    )
    chosen = next((lot for lot in lots if str(lot.public_id) == request.GET.get("lot")), None)
    form = RecallContactForm(
        request.POST or None, lots=lots, initial={"lot": chosen or (lots[0] if lots else None)}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            contact = record_recall_contact(
                request,
                membership,
                data["lot"],
                patient,
                outcome=data["outcome"],
                contacted_at=data["contacted_at"],
                note=data["note"],
            )
        except services.FormularyError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                (
                    gettext(
                        "Recorded for %(patient)s: %(outcome)s — the chart's recall banner for "
                        "this lot is closed."
                    )
                    if contact.informed
                    else gettext("Recorded for %(patient)s: %(outcome)s.")
                )
                % {
                    "patient": patient.display_name,
                    "outcome": contact.get_outcome_display().lower(),
                },
            )
            query = urlencode({"lot": contact.lot.lot_number})
            return redirect(f"{reverse('recall:search')}?{query}#patient-{patient.public_id}")
    contacts = (
        RecallContact.objects.restrict(membership, perm)
        .filter(patient=patient)
        .select_related("lot__product")
    )
    record(request, Action.VIEW, obj=patient, detail="recall contacts")
    return render(
        request,
        "safety/recall_contact.html",
        {
            "patient": patient,
            "lots": lots,
            "form": form,
            "contacts": contacts,
            "patient_fields": access_for(membership),
        },
    )


def _cell(text: str) -> str:
    # A cell starting with = + - @ is run as a formula by spreadsheet programs (CSV injection).
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@requires(Perm.VIEW_DEMOGRAPHICS)
def recall_csv(request: HttpRequest) -> HttpResponse:
    form, result = _search(request)
    if result is None:
        return render(request, "safety/recall.html", {"form": form, "result": None}, status=400)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    safe_number = re.sub(r"[^A-Za-z0-9_.-]", "-", result.lot_number)[:40]
    response["Content-Disposition"] = f'attachment; filename="recall-{safe_number}.csv"'
    # The practice's own call list: the identities and phone numbers are the point of it.
    response["Cache-Control"] = "no-store"
    writer = csv.writer(response)
    contact = access_for(current_membership(request)).sees("phone")
    contact_columns = ["phone", "email"] if contact else []
    writer.writerow(
        [
            "mrn",
            "name",
            *contact_columns,
            "lot",
            "sessions",
            "first_exposure",
            "last_exposure",
            "volume_ml",
            "practitioners",
        ]
    )
    for patient in result.patients:
        days = [s.day for s in patient.sessions]
        writer.writerow(
            [
                _cell(patient.patient_id),
                _cell(patient.name),
                *([_cell(patient.phone), _cell(patient.email)] if contact else []),
                _cell(result.lot_number),
                len(patient.sessions),
                min(days).isoformat(),
                max(days).isoformat(),
                str(sum((s.volume_ml for s in patient.sessions), start=0)),
                _cell(", ".join(sorted({s.practitioner_name for s in patient.sessions}))),
            ]
        )
    record(
        request,
        Action.EXPORT,
        detail=f"recall call list: lot {result.lot_number}, {len(result.patients)} patients, "
        f"{result.session_count} sessions",
    )
    return response
