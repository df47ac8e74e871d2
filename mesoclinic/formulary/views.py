"""Formulary screens: products with their ingredients, lots, receiving, quarantine and recall.

The clinic admin manages the formulary; practitioners and nurses read it (they choose
products and lots when recording a session).
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mesoclinic.audit.choices import Action
from mesoclinic.audit.services import record
from mesoclinic.clinics.models import Membership
from mesoclinic.clinics.permissions import current_membership, requires
from mesoclinic.clinics.roles import Perm
from mesoclinic.formulary import services
from mesoclinic.formulary.alerts import expiry_alerts
from mesoclinic.formulary.choices import LotStatus
from mesoclinic.formulary.forms import (
    IngredientFormSet,
    LotOpenForm,
    LotReceiveForm,
    LotStatusForm,
    ProductForm,
)
from mesoclinic.formulary.models import Lot, Product
from mesoclinic.records.models import StaleRecordError

# The status actions' names, as their page's title and button say them.
ACTION_LABELS = {"quarantine": _("Quarantine"), "recall": _("Recall"), "release": _("Release")}


def reading_perm(membership: Membership) -> Perm:
    """The permission through which this role reads the formulary (admin or clinical staff)."""
    for perm in (Perm.MANAGE_FORMULARY, Perm.VIEW_CLINICAL):
        if membership.has(perm):
            return perm
    raise PermissionDenied(
        gettext("Your role (%(role)s) does not allow this.")
        % {"role": membership.get_role_display()}
    )


def _uuid_or_404(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except ValueError as exc:
        raise Http404("No such record.") from exc


def _with_state(lots: list[Lot], today: dt.date) -> list[Lot]:
    # The reason a lot cannot be used today, shown beside it (expired, held, recalled, empty).
    for lot in lots:
        lot.problem = lot.unusable_reason(today)  # type: ignore[attr-defined]
        lot.problem_kind = lot.unusable_kind(today)  # type: ignore[attr-defined]
    return lots


@requires()
def product_list(request: HttpRequest) -> HttpResponse:
    membership = current_membership(request)
    products = (
        Product.objects.restrict(membership, reading_perm(membership))
        .prefetch_related("ingredients")
        .annotate(
            lot_count=Count("lots"),
            usable_lot_count=Count("lots", filter=Q(lots__status=LotStatus.AVAILABLE)),
        )
    )
    return render(request, "formulary/product_list.html", {"products": products})


def _product_form_page(
    request: HttpRequest, membership: Membership, product: Product | None
) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    form = ProductForm(data, instance=product, clinic=membership.clinic)
    ingredients = IngredientFormSet(data, instance=product or Product(), prefix="ingredients")
    if request.method == "POST" and form.is_valid() and ingredients.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            with transaction.atomic():
                saved = services.save_product(
                    membership.clinic,
                    request.user,
                    fields,
                    ingredients,
                    product=product,
                    expected_version=form.read_version if product else None,
                )
                record(
                    request,
                    Action.UPDATE if product else Action.CREATE,
                    obj=saved,
                    detail=", ".join(sorted(form.changed_data)) or "ingredients",
                )
        except (StaleRecordError, services.FormularyError) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, gettext("Saved %(product)s.") % {"product": saved.name})
            return redirect("formulary:products")
    locked = product is not None and services.ingredients_locked(product)
    return render(
        request,
        "formulary/product_form.html",
        {"form": form, "ingredients": ingredients, "product": product, "locked": locked},
    )


@requires(Perm.MANAGE_FORMULARY)
def product_create(request: HttpRequest) -> HttpResponse:
    return _product_form_page(request, current_membership(request), None)


@requires(Perm.MANAGE_FORMULARY)
def product_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    membership = current_membership(request)
    product = get_object_or_404(
        Product.objects.restrict(membership, Perm.MANAGE_FORMULARY), public_id=public_id
    )
    return _product_form_page(request, membership, product)


@requires()
def lot_list(request: HttpRequest) -> HttpResponse:
    membership = current_membership(request)
    perm = reading_perm(membership)
    lots: QuerySet[Lot] = Lot.objects.restrict(membership, perm).select_related("product")
    product = None
    if request.GET.get("product"):
        product = get_object_or_404(
            Product.objects.restrict(membership, perm),
            public_id=_uuid_or_404(request.GET["product"]),
        )
        lots = lots.filter(product=product)
    today = membership.clinic.today()
    alerts = expiry_alerts(Lot.objects.restrict(membership, perm), today)
    return render(
        request,
        "formulary/lot_list.html",
        {
            "lots": _with_state(list(lots), today),
            "product": product,
            "today": today,
            "alerts": alerts,
        },
    )


@requires(Perm.MANAGE_FORMULARY)
def lot_receive(request: HttpRequest) -> HttpResponse:
    membership = current_membership(request)
    initial = {}
    if request.GET.get("product"):
        chosen = (
            Product.objects.restrict(membership, Perm.MANAGE_FORMULARY)
            .filter(public_id=_uuid_or_404(request.GET["product"]))
            .first()
        )
        if chosen is not None:
            initial["product"] = chosen
    form = LotReceiveForm(request.POST or None, clinic=membership.clinic, initial=initial)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            lot = services.receive_lot(membership.clinic, request.user, form.cleaned_data)
            record(request, Action.CREATE, obj=lot, detail="received")
        messages.success(
            request,
            gettext("Received %(lot)s: %(volume)s mL in stock.")
            % {"lot": lot, "volume": lot.remaining_ml},
        )
        return redirect("formulary:lot_detail", public_id=lot.public_id)
    return render(request, "formulary/lot_form.html", {"form": form})


@requires()
def lot_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    membership = current_membership(request)
    lot = get_object_or_404(
        Lot.objects.restrict(membership, reading_perm(membership)).select_related("product"),
        public_id=public_id,
    )
    today = membership.clinic.today()
    _with_state([lot], today)
    # Counts only: who received the lot is patient data, found through the recall search.
    usage = lot.injections.in_effect().aggregate(
        lines=Count("id"),
        sessions=Count("session", distinct=True),
        signed_ml=Sum("volume_ml", filter=Q(session__signed_at__isnull=False)),
    )
    return render(
        request,
        "formulary/lot_detail.html",
        {
            "lot": lot,
            "usage": usage,
            "today": today,
            "status_form": LotStatusForm(),
            "transitions": services.TRANSITIONS,
        },
    )


@requires(Perm.MANAGE_FORMULARY)
def lot_status(request: HttpRequest, public_id: str, action: str) -> HttpResponse:
    membership = current_membership(request)
    lot = get_object_or_404(
        Lot.objects.restrict(membership, Perm.MANAGE_FORMULARY).select_related("product"),
        public_id=public_id,
    )
    if action not in services.TRANSITIONS:
        raise Http404("No such action.")
    form = LotStatusForm(request.POST or None, read_version=lot.version)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                lot = services.change_lot_status(
                    lot, action, form.cleaned_data["reason"], form.read_version
                )
                record(request, Action.UPDATE, obj=lot, detail=services.PAST[action])
        except (StaleRecordError, services.FormularyError) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, services.DONE[action] % {"lot": lot.lot_number})
        return redirect("formulary:lot_detail", public_id=lot.public_id)
    return render(
        request,
        "formulary/lot_status.html",
        {"lot": lot, "form": form, "action": action, "action_label": ACTION_LABELS[action]},
    )


def opening_perm(membership: Membership) -> Perm:
    """Clinical staff open vials at the chair; the admin may record it too."""
    for perm in (Perm.EDIT_CLINICAL, Perm.MANAGE_FORMULARY):
        if membership.has(perm):
            return perm
    raise PermissionDenied(
        gettext("Your role (%(role)s) does not allow this.")
        % {"role": membership.get_role_display()}
    )


@requires()
def lot_open(request: HttpRequest, public_id: str) -> HttpResponse:
    """Record opening a new vial of a multi-dose lot and its beyond-use date."""
    membership = current_membership(request)
    lot = get_object_or_404(
        Lot.objects.restrict(membership, opening_perm(membership)).select_related(
            "product", "clinic"
        ),
        public_id=public_id,
    )
    today = membership.clinic.today()
    form = LotOpenForm(request.POST or None, lot=lot, today=today)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                lot = services.open_vial(
                    lot,
                    form.cleaned_data["opened_at"],
                    form.cleaned_data["beyond_use_date"],
                    form.read_version,
                    today,
                )
                record(request, Action.UPDATE, obj=lot, detail="vial opened")
        except (StaleRecordError, services.FormularyError) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                gettext("Opened a vial of lot %(lot)s: usable until %(date)s.")
                % {"lot": lot.lot_number, "date": f"{lot.beyond_use_date:%Y-%m-%d}"},
            )
            return redirect("formulary:lot_detail", public_id=lot.public_id)
    return render(request, "formulary/lot_open.html", {"lot": lot, "form": form})
