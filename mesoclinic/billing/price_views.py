"""Billing settings, the price list and packages (selling, voiding, reversing a use).

The clinic admin sets the VAT rate and the prices (``MANAGE_CLINIC``); everyone who sees
billing reads the price list; the desk sells packages and puts a wrong use right.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from mesoclinic.audit.choices import Action
from mesoclinic.audit.services import record
from mesoclinic.billing import packages, services
from mesoclinic.billing.forms import PriceItemForm, ReasonForm, SellPackageForm, SettingsForm
from mesoclinic.billing.models import Package, PackageUse, PriceItem
from mesoclinic.clinics.models import Membership
from mesoclinic.clinics.permissions import current_membership, requires
from mesoclinic.clinics.roles import Perm
from mesoclinic.patients.models import Patient
from mesoclinic.records.models import StaleRecordError


@requires(Perm.MANAGE_CLINIC)
def settings_edit(request: HttpRequest) -> HttpResponse:
    membership = current_membership(request)
    current = services.settings_for(membership.clinic)
    form = SettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            with transaction.atomic():
                saved = services.save_versioned_row(current, form.read_version, fields)
                record(request, Action.UPDATE, obj=saved, detail=", ".join(form.changed_data))
        except StaleRecordError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, gettext("Billing settings saved."))
            return redirect("billing:prices")
    return render(request, "billing/settings.html", {"form": form})


@requires(Perm.VIEW_BILLING)
def price_list(request: HttpRequest) -> HttpResponse:
    membership = current_membership(request)
    items = PriceItem.objects.restrict(membership, Perm.VIEW_BILLING)
    return render(
        request,
        "billing/prices.html",
        {"items": items, "settings": services.settings_for(membership.clinic)},
    )


def _price_form_page(
    request: HttpRequest, membership: Membership, item: PriceItem | None
) -> HttpResponse:
    form = PriceItemForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            with transaction.atomic():
                if item is None:
                    saved = PriceItem.objects.create(clinic=membership.clinic, **fields)
                else:
                    saved = services.save_versioned_row(item, form.read_version, fields)
                record(
                    request,
                    Action.UPDATE if item else Action.CREATE,
                    obj=saved,
                    detail=", ".join(sorted(form.changed_data)) or "price",
                )
        except StaleRecordError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, gettext("Saved %(item)s.") % {"item": saved.name})
            return redirect("billing:prices")
    return render(request, "billing/price_form.html", {"form": form, "item": item})


@requires(Perm.MANAGE_CLINIC)
def price_create(request: HttpRequest) -> HttpResponse:
    return _price_form_page(request, current_membership(request), None)


@requires(Perm.MANAGE_CLINIC)
def price_edit(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    membership = current_membership(request)
    item = get_object_or_404(
        PriceItem.objects.restrict(membership, Perm.MANAGE_CLINIC), public_id=public_id
    )
    return _price_form_page(request, membership, item)


@requires(Perm.TAKE_PAYMENTS)
def package_sell(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    membership = current_membership(request)
    patient = get_object_or_404(
        Patient.objects.restrict(membership, Perm.VIEW_DEMOGRAPHICS), public_id=public_id
    )
    form = SellPackageForm(request.POST or None, clinic=membership.clinic)
    if request.method == "POST" and form.is_valid():
        try:
            _package, invoice = packages.sell(
                request, membership, patient, form.cleaned_data["item"]
            )
        except services.BillingError as exc:
            form.add_error("item", str(exc))
        else:
            messages.success(
                request,
                gettext("Package sold; invoice %(number)s issued.")
                % {"number": invoice.number_text},
            )
            return redirect("billing:invoice", public_id=invoice.public_id)
    else:
        record(request, Action.VIEW, obj=patient, detail="sell package")
    return render(request, "billing/package_sell.html", {"form": form, "patient": patient})


@require_POST
@requires(Perm.TAKE_PAYMENTS)
def package_void(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    membership = current_membership(request)
    package = get_object_or_404(
        Package.objects.restrict(membership, Perm.TAKE_PAYMENTS), public_id=public_id
    )
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Say why the package is voided."))
    else:
        try:
            packages.void(request, membership, package, form.cleaned_data["reason"])
        except services.BillingError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, gettext("The package was voided."))
    return redirect("billing:package", public_id=package.public_id)


@require_POST
@requires(Perm.TAKE_PAYMENTS)
def package_use_reverse(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    membership = current_membership(request)
    use = get_object_or_404(
        PackageUse.objects.restrict(membership, Perm.TAKE_PAYMENTS).select_related("package"),
        public_id=public_id,
    )
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Say why the session goes back to the package."))
    else:
        try:
            packages.reverse_use(request, membership, use, form.cleaned_data["reason"])
        except services.BillingError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, gettext("The session went back to the package."))
    return redirect("billing:package", public_id=use.package.public_id)
