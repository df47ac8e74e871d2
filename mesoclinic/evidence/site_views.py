"""The research hub's pages: the sites it holds, and the evidence report pooled over them.

Scoped like every page: ``SiteBundle.objects.restrict`` with the page's permission, so another
clinic's sites are a 404. Viewing needs ``VIEW_EVIDENCE``; adding or removing a site needs
``EXPORT_DEIDENTIFIED`` (the people who handle de-identified bundles).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from mesoclinic.audit.choices import Action
from mesoclinic.audit.services import record
from mesoclinic.clinical_codes import AREAS, INDICATIONS, MEASUREMENT_KINDS
from mesoclinic.clinics.permissions import current_membership, requires
from mesoclinic.clinics.roles import Perm
from mesoclinic.evidence import sites
from mesoclinic.evidence.engine.pooling import MIN_SITES
from mesoclinic.evidence.forest import forest
from mesoclinic.evidence.models import SiteBundle
from mesoclinic.outcomes.outcome_sets import primary_outcome, report_outcomes


class SiteBundleForm(forms.Form):
    site = forms.CharField(label=_("Site name"), max_length=100, help_text=_("How the pooled report names this practice, e.g. “Lyon 2”"))  # fmt: skip
    bundle = forms.FileField(label=_("De-identified registry bundle (.zip)"), help_text=_("An export made with “export-registry --deidentified” by the practice"))  # fmt: skip

    def clean_site(self) -> str:
        site = str(self.cleaned_data["site"]).strip()
        if not site:
            raise forms.ValidationError(gettext("Give the site a name."))
        return site


@requires(Perm.VIEW_EVIDENCE)
def site_list(request: HttpRequest) -> HttpResponse:
    membership = current_membership(request)
    can_add = membership.has(Perm.EXPORT_DEIDENTIFIED)
    form = SiteBundleForm(request.POST or None, request.FILES or None) if can_add else None
    if request.method == "POST":
        if form is None:
            raise Http404(gettext("No such page."))
        if form.is_valid():
            data = form.cleaned_data["bundle"].read()
            try:
                bundle = sites.add_site(request, membership, form.cleaned_data["site"], data)
            except sites.BundleRejectedError as exc:
                for error in exc.errors:
                    form.add_error("bundle", error)
            else:
                messages.success(request, gettext("Site “%(site)s” added: %(patients)s patients.") % {"site": bundle.site, "patients": bundle.patients})  # fmt: skip
                return redirect("evidence:sites")
    held = SiteBundle.objects.restrict(membership, Perm.VIEW_EVIDENCE)
    record(request, Action.LIST, clinic=membership.clinic, detail="research sites")
    indications = {code: gettext(label) for code, label in INDICATIONS.items()}
    return render(request, "evidence/sites.html", {"sites": held, "form": form, "indications": indications, "min_sites": MIN_SITES})  # fmt: skip


@require_POST
@requires(Perm.EXPORT_DEIDENTIFIED)
def site_remove(request: HttpRequest, public_id: str) -> HttpResponse:
    membership = current_membership(request)
    bundle = get_object_or_404(SiteBundle.objects.restrict(membership, Perm.EXPORT_DEIDENTIFIED), public_id=public_id)  # fmt: skip
    sites.remove_site(request, membership, bundle)
    messages.success(request, gettext("Site “%(site)s” removed from the pooled report.") % {"site": bundle.site})  # fmt: skip
    return redirect("evidence:sites")


@requires(Perm.VIEW_EVIDENCE)
def pooled_page(request: HttpRequest, indication: str) -> HttpResponse:
    if indication not in INDICATIONS:
        raise Http404(gettext("No such indication."))
    membership = current_membership(request)
    held = list(SiteBundle.objects.restrict(membership, Perm.VIEW_EVIDENCE))
    outcome = request.GET.get("outcome") or primary_outcome(indication)
    outcome = outcome if outcome in report_outcomes(indication) else primary_outcome(indication)
    area = request.GET.get("area") or None
    area = area if area in AREAS else None
    ctx: dict[str, Any] = {
        "indication": indication,
        "indication_label": gettext(INDICATIONS[indication]),
        "outcome": outcome,
        "outcome_label": gettext(MEASUREMENT_KINDS[outcome].label),
        "unit": MEASUREMENT_KINDS[outcome].unit,
        "outcomes": [(k, gettext(MEASUREMENT_KINDS[k].label)) for k in report_outcomes(indication)],
        "area": area,
        "sites": held,
        "min_sites": MIN_SITES,
        "report": None,
    }
    if len(held) >= MIN_SITES:
        report = sites.pooled(held, indication=indication, area=area, outcome=outcome)
        ctx["report"] = report
        ctx["forest"] = forest(report)
        heterogeneity = report["heterogeneity"] or {}
        ctx["i2_percent"] = round(100 * heterogeneity["i2"]) if heterogeneity.get("i2") is not None else None  # fmt: skip
    record(request, Action.VIEW, clinic=membership.clinic, detail=f"pooled evidence {indication}/{outcome}: {len(held)} sites")  # fmt: skip
    return render(request, "evidence/pooled.html", ctx)
