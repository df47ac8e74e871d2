"""The chart's history (plots and timeline), rendered once and kept between requests.

Issue 11: building and drawing a chart's history was most of its CPU. What is kept is the
HTML of the history alone: the measurement plots and the timeline of the full page, or the
year that the "older" link adds (htmx). The header (demographics, actions) and the alerts
(recalls, red flags, contraindications) are read and drawn live on every request, and every
view is audited as before.

The key holds everything the history's HTML depends on:
  - the patient and the clinic, with their version stamps (``ChartVersion``), replaced by
    database triggers on every write to a row the history shows (``chart_triggers.py``): the
    patient's stamp for the patient's own rows, the clinic's for shared rows (products, lots,
    consent templates, appointment types, amendments, the clinic itself);
  - the clinic's today (the window is counted back from it) and the years shown, full page or
    htmx;
  - the language, the time zone and the script prefix (addresses);
  - every permission of the member's role (``can`` in the templates: "Correct" and "Edit"
    links are drawn by permission).
It holds no per-request or per-user secret: the history is rendered without the request (no
CSRF token can reach it), and it names no "you".

The stamps are read before the rows, so the HTML kept under a stamp is never older than what
the stamp stands for; and it is kept only once the transaction it was drawn in commits, so no
history drawn from rows a rollback undid is ever kept. The cache is Django's ``chart`` cache
(settings.CACHES): local memory, one per process, so each server process builds a chart once
per version.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.core.cache import caches
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils import timezone, translation
from django.utils.safestring import SafeString

from mesoclinic.clinics.models import Membership
from mesoclinic.clinics.roles import Perm
from mesoclinic.patients.models import Patient
from mesoclinic.workspace.models import ChartVersion
from mesoclinic.workspace.timeline import build_chart

CACHE_ALIAS = "chart"
FULL = "workspace/_chart_history.html"
OLDER = "workspace/_timeline_older.html"


def permissions(membership: Membership) -> dict[str, bool]:
    """What the templates read as ``can`` (clinics.context_processors.membership)."""
    return {p.value: membership.has(p) for p in Perm}


def _stamps(patient: Patient, membership: Membership) -> tuple[str, str]:
    scopes = (f"p:{patient.pk}", f"c:{membership.clinic_id}")
    found = dict(ChartVersion.objects.filter(scope__in=scopes).values_list("scope", "stamp"))
    # No row yet (a patient or clinic created before the triggers, never written since):
    # "-" until the first write gives it a stamp.
    return found.get(scopes[0], "-"), found.get(scopes[1], "-")


def cache_key(patient: Patient, membership: Membership, years: int, older: bool) -> str:
    can = permissions(membership)
    granted = "".join("1" if can[p.value] else "0" for p in Perm)
    patient_stamp, clinic_stamp = _stamps(patient, membership)
    parts = (
        "older" if older else "full",
        membership.clinic_id,
        patient.pk,
        patient_stamp,
        clinic_stamp,
        membership.clinic.today().isoformat(),
        years,
        translation.get_language(),
        timezone.get_current_timezone_name(),
        get_script_prefix(),
        granted,
    )
    return "chart:" + "|".join(str(p) for p in parts)


def _render(patient: Patient, membership: Membership, years: int, older: bool) -> str:
    chart = build_chart(patient, membership, years)
    context: dict[str, Any] = {
        "patient": patient,
        "chart": chart,
        "can": permissions(membership),
        "clinic": membership.clinic,
    }
    if older:
        # The "older" link's answer: only the year it adds, after those shown.
        shown_since = chart.since_for(years - 1)
        context["entries"] = [e for e in chart.entries if e.sort_key < shown_since]
        return render_to_string(OLDER, context)
    return render_to_string(FULL, context)


def history(patient: Patient, membership: Membership, years: int, older: bool = False) -> str:
    """The history's HTML (``older``: the added year's, for htmx), from the cache or drawn.

    Only for a member who sees clinical records; the caller checks ``Perm.VIEW_CLINICAL``.
    """
    # The key first: its stamps are read before the rows the HTML is drawn from.
    key = cache_key(patient, membership, years, older)
    cache = caches[CACHE_ALIAS]
    html = cache.get(key)
    if html is None:
        html = _render(patient, membership, years, older)
        # Kept once the transaction it was read in has committed (at once outside one: views
        # are not atomic). On PostgreSQL a clinic's stamp is written at commit
        # (chart_triggers.py), so a history drawn inside a transaction that changed a shared
        # row (a lot recalled, a product renamed) still reads the clinic's old stamp: kept
        # now, it would outlive a rollback of that change under a stamp that is still current.
        transaction.on_commit(partial(cache.set, key, html))
    return SafeString(html)
