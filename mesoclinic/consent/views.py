"""Consent pages: templates for clinic admins; capture, sign and withdraw for clinicians."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from mesoclinic.audit.choices import Action
from mesoclinic.audit.services import record
from mesoclinic.clinics.permissions import back_to_record, current_membership, requires
from mesoclinic.clinics.roles import Perm
from mesoclinic.consent import practice_rates, services
from mesoclinic.consent.forms import ConsentCaptureForm, ConsentTemplateForm, WithdrawForm
from mesoclinic.consent.models import Consent, ConsentTemplate
from mesoclinic.patients.models import Patient
from mesoclinic.records.forms import ReadVersionForm
from mesoclinic.records.models import INCOMPLETE_EDIT, StaleRecordError
from mesoclinic.records.services import SigningError

# --- templates (clinic admin) --------------------------------------------------------------


@requires(Perm.MANAGE_FORMULARY)
def template_list(request: HttpRequest) -> HttpResponse:
    membership = current_membership(request)
    templates = ConsentTemplate.objects.restrict(membership, Perm.MANAGE_FORMULARY).annotate(
        uses=Count("consents")
    )
    return render(request, "consent/template_list.html", {"templates": templates})


@require_POST
@requires(Perm.MANAGE_FORMULARY)
def template_install_defaults(request: HttpRequest) -> HttpResponse:
    membership = current_membership(request)
    created = services.install_default_templates(request, membership.clinic, membership.user)
    if created:
        messages.success(
            request,
            ngettext(
                "Added %(count)d standard template. Review it before use.",
                "Added %(count)d standard templates. Review them before use.",
                len(created),
            )
            % {"count": len(created)},
        )
    else:
        messages.info(request, _("The standard templates are already here."))
    return redirect("consent:templates")


@requires(Perm.MANAGE_FORMULARY)
def template_create(request: HttpRequest) -> HttpResponse:
    membership = current_membership(request)
    form = ConsentTemplateForm(request.POST or None, clinic=membership.clinic)
    if request.method == "POST" and form.is_valid():
        template = services.create_template(request, membership, form.cleaned_data)
        messages.success(request, _("Created %(template)s.") % {"template": template})
        return redirect("consent:template_detail", public_id=template.public_id)
    return render(request, "consent/template_form.html", {"form": form, "base": None})


@requires(Perm.MANAGE_FORMULARY)
def template_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    membership = current_membership(request)
    template = get_object_or_404(
        ConsentTemplate.objects.restrict(membership, Perm.MANAGE_FORMULARY), public_id=public_id
    )
    versions = ConsentTemplate.objects.restrict(membership, Perm.MANAGE_FORMULARY).filter(
        code=template.code
    )
    return render(
        request,
        "consent/template_detail.html",
        {"template": template, "versions": versions, "uses": template.consents.count()},
    )


@requires(Perm.MANAGE_FORMULARY)
def template_new_version(request: HttpRequest, public_id: str) -> HttpResponse:
    membership = current_membership(request)
    base = get_object_or_404(
        ConsentTemplate.objects.restrict(membership, Perm.MANAGE_FORMULARY), public_id=public_id
    )
    # The form starts from the base's values but is never bound to the base row: saving
    # creates a new row, so a template in use is never edited in place.
    initial = {
        "code": base.code,
        "title": base.title,
        "indication": base.indication,
        "off_label": base.off_label,
        "body": base.body,
        "products": list(base.products.all()),
    }
    form = ConsentTemplateForm(
        request.POST or None, initial=initial, clinic=membership.clinic, new_version_of=base
    )
    if request.method == "POST" and form.is_valid():
        try:
            template = services.new_version(
                request, membership, base, form.cleaned_data, form.read_version
            )
        except (StaleRecordError, services.TemplateError) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("Created %(template)s; earlier versions are now inactive.")
                % {"template": template},
            )
            return redirect("consent:template_detail", public_id=template.public_id)
    return render(request, "consent/template_form.html", {"form": form, "base": base})


@require_POST
@requires(Perm.MANAGE_FORMULARY)
def template_deactivate(request: HttpRequest, public_id: str) -> HttpResponse:
    membership = current_membership(request)
    template = get_object_or_404(
        ConsentTemplate.objects.restrict(membership, Perm.MANAGE_FORMULARY), public_id=public_id
    )
    form = ReadVersionForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            _("%(template)s was not deactivated. %(reason)s")
            % {"template": template, "reason": INCOMPLETE_EDIT},
        )
        return redirect("consent:template_detail", public_id=template.public_id)
    try:
        services.deactivate_template(request, template, form.cleaned_data["version"])
    except StaleRecordError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("%(template)s is no longer offered for new consents.") % {"template": template},
        )
    return redirect("consent:template_detail", public_id=template.public_id)


# --- patient consents ----------------------------------------------------------------------


@requires(Perm.EDIT_CLINICAL)
def consent_capture(request: HttpRequest, patient_id: str) -> HttpResponse:
    membership = current_membership(request)
    patient = get_object_or_404(
        Patient.objects.restrict(membership, Perm.EDIT_CLINICAL), public_id=patient_id
    )
    show_all = request.GET.get("all") == "1"
    suggestions, indications = services.suggested_templates(membership, patient, show_all)
    chosen = request.GET.get("template") or request.POST.get("template")
    template = None
    if chosen:
        try:
            chosen_id = uuid.UUID(chosen)
        except ValueError as exc:
            raise Http404("No such consent template.") from exc
        template = get_object_or_404(
            ConsentTemplate.objects.restrict(membership, Perm.EDIT_CLINICAL).filter(is_active=True),
            public_id=chosen_id,
        )
    form = ConsentCaptureForm(request.POST or None, patient=patient)
    shown = None
    if request.method == "POST" and form.is_valid():
        try:
            shown = practice_rates.unseal(request.POST.get("practice_rates", ""))
        except ValueError:
            # Missing or altered: the figures stored must be the ones the page showed.
            form.add_error(None, _("The practice's figures on this page could not be read back; they are shown again — let the patient read them, then record the consent."))  # fmt: skip
        if template is None:
            form.add_error(None, _("Choose the consent template the patient read."))
        elif form.is_valid():
            try:
                consent = services.capture_consent(
                    request,
                    membership,
                    patient,
                    template,
                    form.cleaned_data | {"practice_rates": shown},
                )
            except services.ConsentNameError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Consent recorded; a practitioner signs it next."))
                return redirect("consent:detail", public_id=consent.public_id)
    record(request, Action.VIEW, obj=patient, detail="consent form")
    figures = practice_rates.figures_for(membership.clinic, template.indication) if template else None  # fmt: skip
    return render(
        request,
        "consent/capture.html",
        {
            "rates": practice_rates.lines(figures),
            "rates_token": practice_rates.seal(figures),
            "patient": patient,
            "template": template,
            "suggestions": suggestions,
            "indications": indications,
            "show_all": show_all,
            "form": form,
        },
    )


def _consent(request: HttpRequest, perm: Perm, public_id: str) -> Consent:
    membership = current_membership(request)
    return get_object_or_404(
        Consent.objects.restrict(membership, perm).select_related("patient", "template"),
        public_id=public_id,
    )


@requires(Perm.VIEW_CLINICAL)
def consent_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    consent = _consent(request, Perm.VIEW_CLINICAL, public_id)
    record(request, Action.VIEW, obj=consent)
    return render(
        request,
        "consent/detail.html",
        {
            "consent": consent,
            "patient": consent.patient,
            "amendments": list(consent.amendments.all()),
            "rates": practice_rates.lines(consent.practice_rates),
        },
    )


@require_http_methods(["GET", "POST"])
@requires(Perm.SIGN)
def consent_sign(request: HttpRequest, public_id: str) -> HttpResponse:
    membership = current_membership(request)
    consent = _consent(request, Perm.SIGN, public_id)
    if request.method != "POST":
        return back_to_record(request, "consent:detail", consent.public_id)
    try:
        services.sign_consent(request, membership, consent)
    except SigningError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Consent signed. It can no longer be changed."))
    return redirect("consent:detail", public_id=consent.public_id)


@requires(Perm.SIGN)
def consent_withdraw(request: HttpRequest, public_id: str) -> HttpResponse:
    membership = current_membership(request)
    consent = _consent(request, Perm.SIGN, public_id)
    form = WithdrawForm(request.POST or None, read_version=consent.version)
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw_consent(
                request, membership, consent, form.cleaned_data["reason"], form.read_version
            )
        except (SigningError, StaleRecordError) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Withdrawal of consent recorded."))
            return redirect("consent:detail", public_id=consent.public_id)
    record(request, Action.VIEW, obj=consent, detail="withdraw form")
    return render(
        request,
        "consent/withdraw.html",
        {"consent": consent, "patient": consent.patient, "form": form},
    )
