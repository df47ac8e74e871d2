"""The clinic admin's view of the audit trail."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from mesoclinic.audit.choices import Action
from mesoclinic.audit.models import AuditEvent
from mesoclinic.audit.services import record
from mesoclinic.clinics.permissions import current_membership, requires
from mesoclinic.clinics.roles import Perm


@requires(Perm.VIEW_AUDIT)
def audit_list(request: HttpRequest) -> HttpResponse:
    membership = current_membership(request)
    events = AuditEvent.objects.restrict(membership, Perm.VIEW_AUDIT).select_related("patient")
    # Filters are POSTed: an MRN in a URL would land in browser history and access logs.
    data = request.POST if request.method == "POST" else {}
    filters = {
        "username": str(data.get("username", "")).strip(),
        "mrn": str(data.get("mrn", "")).strip(),
        "action": str(data.get("action", "")).strip(),
    }
    if filters["username"]:
        events = events.filter(username__iexact=filters["username"])
    if filters["mrn"]:
        events = events.filter(patient__mrn=filters["mrn"])
    if filters["action"] in Action.values:
        events = events.filter(action=filters["action"])
    page = Paginator(events, 50).get_page(data.get("page") or request.GET.get("page"))
    # Reading the trail shows patients' MRNs: who read it is itself on the trail.
    record(request, Action.LIST, detail=f"audit trail page {page.number}")
    return render(
        request,
        "audit/list.html",
        {"page": page, "filters": filters, "actions": Action.choices},
    )
