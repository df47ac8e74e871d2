"""The recall page and its call list (CSV) for phoning exposed patients.

Who: clinical staff (practitioners and nurses, through view_clinical) and the clinic admin
(through manage_formulary), each also needing view_demographics, because the page shows names
and phone numbers. Reception and researchers are refused: reception holds no clinical
record, researchers no identities. Every search is audited as a list and every call list as
an export, with counts only.
"""

from __future__ import annotations

import csv
import re

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from mesoclinic.audit.choices import Action
from mesoclinic.audit.services import record
from mesoclinic.clinics.permissions import current_membership, requires
from mesoclinic.clinics.roles import Perm
from mesoclinic.formulary.forms import RecallForm
from mesoclinic.formulary.models import Lot
from mesoclinic.formulary.recall import RecallError, RecallResult, recall
from mesoclinic.formulary.views import reading_perm


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


@requires(Perm.VIEW_DEMOGRAPHICS)
def recall_page(request: HttpRequest) -> HttpResponse:
    form, result = _search(request)
    if result is not None:
        record(
            request,
            Action.LIST,
            detail=f"recall search: lot {result.lot_number}, {len(result.patients)} patients",
        )
    return render(request, "formulary/recall.html", {"form": form, "result": result})


def _cell(text: str) -> str:
    # A cell starting with = + - @ is run as a formula by spreadsheet programs (CSV injection).
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@requires(Perm.VIEW_DEMOGRAPHICS)
def recall_csv(request: HttpRequest) -> HttpResponse:
    form, result = _search(request)
    if result is None:
        return render(request, "formulary/recall.html", {"form": form, "result": None}, status=400)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    safe_number = re.sub(r"[^A-Za-z0-9_.-]", "-", result.lot_number)[:40]
    response["Content-Disposition"] = f'attachment; filename="recall-{safe_number}.csv"'
    # The practice's own call list: the identities and phone numbers are the point of it.
    response["Cache-Control"] = "no-store"
    writer = csv.writer(response)
    writer.writerow(
        [
            "mrn",
            "name",
            "phone",
            "email",
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
                _cell(patient.phone),
                _cell(patient.email),
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
