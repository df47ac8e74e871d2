"""The safety-signals dashboard and its one-click lot quarantine.

Clinical staff with access to identities (practitioners and nurses) see the signals with the
cases and the other exposed patients, by name and phone. The clinic admin, who manages lots,
quarantines and recalls, sees the same signals with patients by MRN only, as the
``safety-signals`` command prints them: the admin's role holds no clinical record, so the
dashboard does not join a lesion to a name (the recall page gives the admin the call list
of a lot when it is recalled). A practitioner or the admin may quarantine a signal's lot from
here (a safety hold: only the clinic admin can release it, from the formulary).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from mesoclinic.audit.choices import Action
from mesoclinic.audit.services import record
from mesoclinic.charts.epicurve import render_epicurve, weekly_counts
from mesoclinic.clinical_codes import AE_TYPES
from mesoclinic.clinics.models import Membership
from mesoclinic.clinics.permissions import current_membership, requires
from mesoclinic.clinics.roles import Perm
from mesoclinic.formulary import services as formulary
from mesoclinic.formulary.choices import LotStatus
from mesoclinic.formulary.models import Lot
from mesoclinic.patients.models import Patient
from mesoclinic.records.forms import ReadVersionForm
from mesoclinic.records.models import INCOMPLETE_EDIT, StaleRecordError
from mesoclinic.safety.signal_analysis import ALPHA, Investigation
from mesoclinic.safety.signal_data import SignalView, describe, investigate_clinic, key_labels
from mesoclinic.safety.signals import (
    CLUSTER_WINDOW_DAYS,
    LATE_LESION_TYPES,
    ONSET_MAX_DAYS,
    ONSET_MIN_DAYS,
)

# Rows of the attack-rate table shown (strongest first).
TABLE_ROWS = 20


def identified(membership: Membership) -> bool:
    """Whether the role sees the signals' patients by name (clinical staff) or by MRN only."""
    return membership.has(Perm.VIEW_CLINICAL) and membership.has(Perm.VIEW_DEMOGRAPHICS)


def may_see_signals(membership: Membership) -> bool:
    return identified(membership) or membership.has(Perm.MANAGE_FORMULARY)


def quarantine_perm(membership: Membership) -> Perm | None:
    """Practitioners quarantine through their clinical access, the admin through the formulary."""
    if membership.has(Perm.VIEW_CLINICAL) and membership.has(Perm.SIGN):
        return Perm.VIEW_CLINICAL
    if membership.has(Perm.MANAGE_FORMULARY):
        return Perm.MANAGE_FORMULARY
    return None


@requires()
def dashboard(request: HttpRequest) -> HttpResponse:
    membership = current_membership(request)
    if not may_see_signals(membership):
        raise PermissionDenied(
            gettext("Your role (%(role)s) does not allow this.")
            % {"role": membership.get_role_display()}
        )
    clinic = membership.clinic
    today = clinic.today()
    found = investigate_clinic(clinic, today)
    views = describe(clinic, found.signals, today)
    alerts = describe(clinic, found.alerts, today)
    table = found.rows[:TABLE_ROWS]
    keys = {(r.kind, r.key) for r in table} | {
        ("lot", r.explained_by) for r in found.rows if r.explained_by
    }
    labels = key_labels(clinic, keys | {(v.signal.kind, v.signal.key) for v in views + alerts})
    mrns = {c.patient_id for v in views + alerts for c in v.signal.cases} | {
        p for v in views for p in v.signal.exposed
    }
    patients = {}
    if identified(membership):
        patients = {
            p.mrn: p
            for p in Patient.objects.restrict(membership, Perm.VIEW_DEMOGRAPHICS).filter(
                mrn__in=mrns
            )
        }
    for v in views + alerts:
        v.case_rows = [(c, patients.get(c.patient_id)) for c in v.signal.cases]
        v.exposed_rows = [(e, patients.get(mrn)) for mrn, e in v.signal.exposed.items()]
    for v in views:
        v.curve = _curve(found, v, labels)
    exposed = sum(v.signal.exposed_patients for v in views)
    record(
        request,
        Action.LIST,
        detail=f"safety signals: {len(views)} signals, {len(alerts)} alerts, "
        f"{exposed} exposed patients",
    )
    return render(
        request,
        "safety/signals.html",
        {
            "signals": views,
            "alerts": alerts,
            "active_alerts": [v for v in alerts if v.active],
            "table": [(r, labels.get((r.kind, r.key), (r.key, r.key))[1]) for r in table],
            "labels": {f"{k[0]}:{k[1]}": v[1] for k, v in labels.items()},
            "found": found,
            "tested": found.tested,
            "alpha": ALPHA,
            "patients": patients,
            "identified": identified(membership),
            "may_quarantine": quarantine_perm(membership) is not None,
            "today": today,
            "rules": {
                "types": [gettext(AE_TYPES[t]).lower() for t in sorted(LATE_LESION_TYPES)],
                "onset_min": ONSET_MIN_DAYS,
                "onset_max": ONSET_MAX_DAYS,
                "window": CLUSTER_WINDOW_DAYS,
            },
        },
    )


def _curve(found: Investigation, view: SignalView, labels: Any) -> str:
    """The signal's epidemic curve: every case by week of onset over the signal's window,
    the cases exposed to it apart from the others."""
    key = (view.signal.kind, view.signal.key)
    cases = [(case.onset, key in keys) for case, keys in found.cases]
    start = view.signal.window_start
    end = max(view.signal.window_end, view.signal.last_onset)
    name = labels.get(key, (view.label, view.label))[1]
    svg = render_epicurve(
        weekly_counts(cases, start, end),
        gettext("Cases by week of onset"),
        gettext("Exposed to %(name)s") % {"name": name},
        gettext("Other cases"),
    )
    return mark_safe(svg)  # noqa: S308 - built by charts.epicurve, every text escaped


@require_POST
@requires()
def quarantine_lot(request: HttpRequest, public_id: str) -> HttpResponse:
    membership = current_membership(request)
    perm = quarantine_perm(membership)
    if perm is None:
        raise PermissionDenied(
            gettext("Your role (%(role)s) does not allow this.")
            % {"role": membership.get_role_display()}
        )
    lot = get_object_or_404(Lot.objects.restrict(membership, perm), public_id=public_id)
    if lot.status != LotStatus.AVAILABLE:
        messages.info(
            request,
            gettext("Lot %(lot)s is already %(status)s.")
            % {"lot": lot.lot_number, "status": lot.get_status_display().lower()},
        )
        return redirect("safety:signals")
    form = ReadVersionForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            gettext("Lot %(lot)s was not quarantined. %(why)s")
            % {"lot": lot.lot_number, "why": INCOMPLETE_EDIT},
        )
        return redirect("safety:signals")
    reason = "Safety signal: late-onset lesions after this lot (suspected NTM cluster)."
    try:
        with transaction.atomic():
            lot = formulary.change_lot_status(
                lot, "quarantine", reason, form.cleaned_data["version"]
            )
            record(request, Action.UPDATE, obj=lot, detail="quarantined from a safety signal")
    except (StaleRecordError, formulary.FormularyError) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            gettext("Lot %(lot)s quarantined: it cannot be injected until the admin releases it.")
            % {"lot": lot.lot_number},
        )
    return redirect("safety:signals")
