"""Billing pages: the desk's list, a patient's billing, an invoice and its actions, reports.

Reception, practitioners and the clinic admin see billing (``VIEW_BILLING``); reception and
the admin draft, issue, refund and take payments (``TAKE_PAYMENTS``); a researcher sees none.
No page shows a clinical note: a session appears by its date, an invoice by its lines.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.db.models import DecimalField, Sum, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from mesoclinic.audit.choices import Action
from mesoclinic.audit.services import record
from mesoclinic.billing import credits, pdf, reports, services
from mesoclinic.billing.amounts import ZERO
from mesoclinic.billing.forms import (
    AddLineForm,
    CreditForm,
    DayForm,
    PaymentForm,
    PeriodForm,
    ReasonForm,
)
from mesoclinic.billing.models import Invoice, Package, PackageUse
from mesoclinic.clinics.models import Membership
from mesoclinic.clinics.permissions import current_membership, requires
from mesoclinic.clinics.roles import Perm
from mesoclinic.patients.models import Patient
from mesoclinic.records.forms import ReadVersionForm
from mesoclinic.records.models import INCOMPLETE_EDIT, STALE_EDIT
from mesoclinic.treatments.models import TreatmentSession

_PAID = Coalesce(Sum("payments__amount"), Value(0), output_field=DecimalField())


def _invoice(membership: Membership, perm: Perm, public_id: uuid.UUID) -> Invoice:
    return get_object_or_404(
        Invoice.objects.restrict(membership, perm).select_related("patient", "credits"),
        public_id=public_id,
    )


def _patient(membership: Membership, public_id: uuid.UUID) -> Patient:
    return get_object_or_404(
        Patient.objects.restrict(membership, Perm.VIEW_DEMOGRAPHICS), public_id=public_id
    )


@requires(Perm.VIEW_BILLING)
def home(request: HttpRequest) -> HttpResponse:
    membership = current_membership(request)
    invoices = list(
        Invoice.objects.restrict(membership, Perm.VIEW_BILLING)
        .select_related("patient")
        .annotate(paid_total=_PAID)
        .order_by("-created_at")[:50]
    )
    record(request, Action.LIST, clinic=membership.clinic, detail="invoices")
    return render(request, "billing/home.html", {"invoices": invoices})


@requires(Perm.VIEW_BILLING)
def patient_billing(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    membership = current_membership(request)
    patient = _patient(membership, public_id)
    invoices = list(
        Invoice.objects.restrict(membership, Perm.VIEW_BILLING)
        .filter(patient=patient)
        .annotate(paid_total=_PAID)
        .order_by("-created_at")
    )
    packages = list(Package.objects.restrict(membership, Perm.VIEW_BILLING).filter(patient=patient))
    invoiced = {i.session_id for i in invoices if i.session_id}
    # Signed sessions by date only: the desk needs to know what to invoice, not what was done.
    sessions = [
        s
        for s in TreatmentSession.objects.filter(
            clinic=membership.clinic, patient=patient, signed_at__isnull=False
        ).only("public_id", "performed_at", "patient_id", "clinic_id")[:20]
        if s.pk not in invoiced
    ]
    record(request, Action.VIEW, obj=patient, detail="billing")
    return render(
        request,
        "billing/patient.html",
        {
            "patient": patient,
            "invoices": invoices,
            "packages": packages,
            "sessions": sessions,
            "balance_due": sum((i.balance_due() for i in invoices), start=0),
        },
    )


@require_POST
@requires(Perm.TAKE_PAYMENTS)
def invoice_new(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    membership = current_membership(request)
    patient = _patient(membership, public_id)
    invoice = services.new_draft(request, membership, patient)
    return redirect("billing:invoice", public_id=invoice.public_id)


@require_POST
@requires(Perm.TAKE_PAYMENTS)
def session_invoice(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    membership = current_membership(request)
    session = get_object_or_404(
        TreatmentSession.objects.filter(clinic=membership.clinic).select_related("patient"),
        public_id=public_id,
    )
    try:
        invoice = services.draft_for_session(request, membership, session)
    except services.BillingError as exc:
        messages.error(request, str(exc))
        return redirect("billing:patient", public_id=session.patient.public_id)
    return redirect("billing:invoice", public_id=invoice.public_id)


@requires(Perm.VIEW_BILLING)
def invoice_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    membership = current_membership(request)
    invoice = _invoice(membership, Perm.VIEW_BILLING, public_id)
    record(request, Action.VIEW, obj=invoice)
    return _invoice_page(request, membership, invoice)


def _invoice_page(
    request: HttpRequest, membership: Membership, invoice: Invoice, **forms: Any
) -> HttpResponse:
    line_credits = credits.line_credits(invoice)
    refundable = (
        invoice.is_issued and not invoice.is_credit_note and credits.remains_to_credit(line_credits)
    )
    context: dict[str, Any] = {
        "invoice": invoice,
        "lines": line_credits,
        "payments": list(invoice.payments.all()),
        "credit_notes": list(invoice.credit_notes.all()),
        # What the credit notes refunded and what remains of the invoice, with VAT.
        "credited_total": sum((c.credited.gross for c in line_credits), ZERO),
        "remaining_total": sum((c.remaining.gross for c in line_credits), ZERO),
        "refundable": refundable,
        "line_form": forms.get("line_form") or AddLineForm(clinic=membership.clinic),
        "payment_form": forms.get("payment_form")
        or PaymentForm(initial={"amount": abs(invoice.balance_due()) or None}),
        "credit_form": forms.get("credit_form") or CreditForm(credits=line_credits),
    }
    return render(request, "billing/invoice.html", context, status=400 if forms else 200)


@require_POST
@requires(Perm.TAKE_PAYMENTS)
def invoice_line_add(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    membership = current_membership(request)
    invoice = _invoice(membership, Perm.TAKE_PAYMENTS, public_id)
    form = AddLineForm(request.POST, clinic=membership.clinic)
    if not form.is_valid():
        return _invoice_page(request, membership, invoice, line_form=form)
    try:
        services.add_line(
            request, invoice, form.cleaned_data["item"], form.cleaned_data["quantity"]
        )
    except services.BillingError as exc:
        messages.error(request, str(exc))
    return redirect("billing:invoice", public_id=invoice.public_id)


@require_POST
@requires(Perm.TAKE_PAYMENTS)
def invoice_line_remove(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    membership = current_membership(request)
    invoice = _invoice(membership, Perm.TAKE_PAYMENTS, public_id)
    line = str(request.POST.get("line", ""))
    try:
        # A row id the form wrote; anything longer than an id is no line of this draft.
        if line.isdigit() and len(line) < 12:
            services.remove_line(request, invoice, int(line))
    except services.BillingError as exc:
        messages.error(request, str(exc))
    return redirect("billing:invoice", public_id=invoice.public_id)


def _read_version_matches(request: HttpRequest, invoice: Invoice) -> bool:
    form = ReadVersionForm(request.POST)
    if form.is_valid() and form.cleaned_data["version"] == invoice.version:
        return True
    messages.error(request, INCOMPLETE_EDIT if not form.is_valid() else STALE_EDIT)
    return False


@require_POST
@requires(Perm.TAKE_PAYMENTS)
def invoice_issue(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    membership = current_membership(request)
    invoice = _invoice(membership, Perm.TAKE_PAYMENTS, public_id)
    if _read_version_matches(request, invoice):
        try:
            invoice = services.issue(request, membership, invoice)
        except services.BillingError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, gettext("Issued as number %(number)s.") % {"number": invoice.number_text}
            )
    return redirect("billing:invoice", public_id=invoice.public_id)


@require_POST
@requires(Perm.TAKE_PAYMENTS)
def invoice_delete(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    membership = current_membership(request)
    invoice = _invoice(membership, Perm.TAKE_PAYMENTS, public_id)
    if _read_version_matches(request, invoice):
        try:
            services.delete_draft(request, invoice)
        except services.BillingError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, gettext("The draft was deleted."))
            return redirect("billing:patient", public_id=invoice.patient.public_id)
    return redirect("billing:invoice", public_id=invoice.public_id)


@require_POST
@requires(Perm.TAKE_PAYMENTS)
def invoice_pay(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    membership = current_membership(request)
    invoice = _invoice(membership, Perm.TAKE_PAYMENTS, public_id)
    form = PaymentForm(request.POST)
    if form.is_valid():
        try:
            services.take_payment(
                request,
                membership,
                invoice,
                form.cleaned_data["amount"],
                form.cleaned_data["method"],
            )
        except services.BillingError as exc:
            form.add_error("amount", str(exc))
        else:
            messages.success(request, gettext("Payment recorded."))
            return redirect("billing:invoice", public_id=invoice.public_id)
    return _invoice_page(request, membership, invoice, payment_form=form)


@require_POST
@requires(Perm.TAKE_PAYMENTS)
def invoice_credit(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    membership = current_membership(request)
    invoice = _invoice(membership, Perm.TAKE_PAYMENTS, public_id)
    form = CreditForm(request.POST, credits=credits.line_credits(invoice))
    if form.is_valid():
        try:
            note = credits.credit(
                request, membership, invoice, form.cleaned_data["reason"], form.amounts_net()
            )
        except services.BillingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                gettext("Credit note %(number)s issued.") % {"number": note.number_text},
            )
            return redirect("billing:invoice", public_id=note.public_id)
    return _invoice_page(request, membership, invoice, credit_form=form)


@requires(Perm.VIEW_BILLING)
def invoice_pdf(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    membership = current_membership(request)
    invoice = _invoice(membership, Perm.VIEW_BILLING, public_id)
    if not invoice.is_issued:
        messages.error(request, gettext("Issue the invoice to print it."))
        return redirect("billing:invoice", public_id=invoice.public_id)
    record(request, Action.EXPORT, obj=invoice, detail="invoice pdf")
    response = HttpResponse(pdf.invoice_pdf(invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{invoice.number_text}.pdf"'
    return response


@requires(Perm.VIEW_BILLING)
def takings(request: HttpRequest) -> HttpResponse:
    membership = current_membership(request)
    form = DayForm(request.GET or {"day": membership.clinic.today().isoformat()})
    report = (
        reports.takings(membership.clinic, form.cleaned_data["day"]) if form.is_valid() else None
    )
    record(request, Action.VIEW, clinic=membership.clinic, detail="day's takings")
    return render(request, "billing/takings.html", {"form": form, "report": report})


@requires(Perm.TAKE_PAYMENTS)
def export(request: HttpRequest) -> HttpResponse:
    membership = current_membership(request)
    form = PeriodForm(request.GET or None)
    if form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        record(
            request, Action.EXPORT, clinic=membership.clinic, detail=f"accounts csv {start} {end}"
        )
        response = HttpResponse(
            reports.export_csv(membership.clinic, start, end), content_type="text/csv"
        )
        response["Content-Disposition"] = f'attachment; filename="invoices-{start}-{end}.csv"'
        return response
    return render(request, "billing/export.html", {"form": form})


@requires(Perm.VIEW_BILLING)
def package_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    membership = current_membership(request)
    package = get_object_or_404(
        Package.objects.restrict(membership, Perm.VIEW_BILLING).select_related("patient"),
        public_id=public_id,
    )
    uses = list(PackageUse.objects.filter(package=package).select_related("session"))
    record(request, Action.VIEW, obj=package)
    return render(
        request,
        "billing/package.html",
        {"package": package, "uses": uses, "reason_form": ReasonForm()},
    )
