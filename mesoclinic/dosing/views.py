"""The practice's dose limits: list, add, tighten, retire (clinic admins, MANAGE_FORMULARY).

Limits feed the dose check of every session of the clinic (dosing.services.clinic_rules).
No patient data here; every change is audited with the substance in ``detail``.
"""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from mesoclinic.audit.choices import Action
from mesoclinic.audit.services import record
from mesoclinic.clinics.models import Membership
from mesoclinic.clinics.permissions import current_membership, requires
from mesoclinic.clinics.roles import Perm
from mesoclinic.dosing.forms import DoseLimitForm, TightenForm
from mesoclinic.dosing.models import DoseLimit
from mesoclinic.dosing.rules import RuleSet
from mesoclinic.dosing.services import clinic_vocabulary
from mesoclinic.records.forms import ReadVersionForm
from mesoclinic.records.models import INCOMPLETE_EDIT, StaleRecordError
from mesoclinic.records.services import save_versioned


def _defaults() -> list[tuple[str, str, str]]:
    """The sourced defaults as (substance, limit, source), shown above the practice's own."""
    rules = RuleSet.defaults()
    lido, dca, coll = rules.lidocaine, rules.deoxycholic_acid, rules.collagenase
    rows = [
        (
            gettext("lidocaine (plain)"),
            gettext("%(per_kg)s mg/kg, never above %(cap)s mg")
            % {
                "per_kg": f"{lido.plain_mg_per_kg.normalize():f}",
                "cap": f"{lido.plain_cap_mg.normalize():f}",
            },
            lido.plain_source,
        ),
        (
            gettext("lidocaine with epinephrine"),
            gettext("%(per_kg)s mg/kg, never above %(cap)s mg")
            % {
                "per_kg": f"{lido.epinephrine_mg_per_kg.normalize():f}",
                "cap": f"{lido.epinephrine_cap_mg.normalize():f}",
            },
            lido.epinephrine_source,
        ),
        (
            gettext("deoxycholic acid (labelled product)"),
            gettext(
                "%(mg)s mg (%(ml)s mL), %(injections)s injections per treatment; "
                "%(sessions)s treatments at least %(months)s month apart"
            )
            % {
                "mg": f"{dca.max_mg.normalize():f}",
                "ml": f"{dca.max_volume_ml.normalize():f}",
                "injections": dca.max_injections,
                "sessions": dca.max_sessions,
                "months": dca.min_interval_months,
            },
            dca.source,
        ),
        (
            gettext("collagenase"),
            gettext(
                "%(mg)s mg per area, %(areas)s areas per visit, %(days)s days apart, "
                "%(visits)s visits"
            )
            % {
                "mg": f"{coll.mg_per_area.normalize():f}",
                "areas": coll.max_areas,
                "days": coll.min_interval_days,
                "visits": coll.max_visits,
            },
            coll.source,
        ),
    ]
    rows += [(cap.substance.replace("_", " "), cap.basis, cap.source) for cap in rules.caps]
    return rows


def _limit(membership: Membership, public_id: str) -> DoseLimit:
    return get_object_or_404(
        DoseLimit.objects.restrict(membership, Perm.MANAGE_FORMULARY), public_id=public_id
    )


@requires(Perm.MANAGE_FORMULARY)
def limit_list(request: HttpRequest) -> HttpResponse:
    membership = current_membership(request)
    limits = list(
        DoseLimit.objects.restrict(membership, Perm.MANAGE_FORMULARY).select_related("created_by")
    )
    vocabulary = clinic_vocabulary(membership.clinic)
    return render(
        request,
        "dosing/limits.html",
        {
            "active": [limit for limit in limits if limit.is_active],
            # Rows saved before the substance was checked against the vocabulary, or whose
            # products have since gone: such a limit applies to no product.
            "unknown": {
                limit.pk
                for limit in limits
                if limit.is_active and not vocabulary.knows(limit.substance)
            },
            "retired": [limit for limit in limits if not limit.is_active],
            "defaults": _defaults(),
        },
    )


@requires(Perm.MANAGE_FORMULARY)
def limit_create(request: HttpRequest) -> HttpResponse:
    membership = current_membership(request)
    form = DoseLimitForm(request.POST or None, clinic=membership.clinic)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            limit = form.save(commit=False)
            limit.clinic = membership.clinic
            # @requires lets only a signed-in member through: the user is never anonymous here
            limit.created_by = cast(User, request.user)
            limit.save()
            record(request, Action.CREATE, obj=limit, detail=f"dose limit {limit}")
        messages.success(request, gettext("Dose limit added: %(limit)s.") % {"limit": limit})
        return redirect("dosing:limits")
    return render(request, "dosing/limit_form.html", {"form": form, "limit": None})


@requires(Perm.MANAGE_FORMULARY)
def limit_tighten(request: HttpRequest, public_id: str) -> HttpResponse:
    membership = current_membership(request)
    limit = _limit(membership, public_id)
    if not limit.is_active:
        messages.error(request, gettext("This limit is retired; add a new one instead."))
        return redirect("dosing:limits")
    form = TightenForm(request.POST or None, instance=limit)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in ("max_mg", "mg_per_kg", "source")}
        try:
            with transaction.atomic():
                limit = save_versioned(
                    DoseLimit.objects.get(pk=limit.pk), form.read_version, fields
                )
                record(request, Action.UPDATE, obj=limit, detail=f"dose limit tightened: {limit}")
        except StaleRecordError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, gettext("Dose limit tightened: %(limit)s.") % {"limit": limit}
            )
            return redirect("dosing:limits")
    return render(request, "dosing/limit_form.html", {"form": form, "limit": limit})


@require_POST
@requires(Perm.MANAGE_FORMULARY)
def limit_retire(request: HttpRequest, public_id: str) -> HttpResponse:
    membership = current_membership(request)
    limit = _limit(membership, public_id)
    form = ReadVersionForm(request.POST)
    if not limit.is_active:
        messages.info(
            request, gettext("Dose limit %(limit)s was already retired.") % {"limit": limit}
        )
    elif not form.is_valid():
        messages.error(
            request,
            gettext("Dose limit %(limit)s was not retired. %(reason)s")
            % {"limit": limit, "reason": INCOMPLETE_EDIT},
        )
    else:
        try:
            with transaction.atomic():
                # Versioned: a limit tightened since the list was shown is not retired unseen.
                save_versioned(limit, form.cleaned_data["version"], {"is_active": False})
                record(request, Action.UPDATE, obj=limit, detail=f"dose limit retired: {limit}")
        except StaleRecordError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                gettext("Dose limit retired: %(limit)s. Sessions are no longer checked against it.")
                % {"limit": limit},
            )
    return redirect("dosing:limits")
