"""The clinic admin's pages for FHIR backend clients: the list (with the bulk exports and
their progress), registering a client, revoking one. MANAGE_CLINIC, like the clinic settings."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mesoclinic.clinics.permissions import current_membership, requires
from mesoclinic.clinics.roles import Perm
from mesoclinic.fhir.models import BackendClient, BulkExportJob
from mesoclinic.fhir.smart import services
from mesoclinic.fhir.smart.forms import ClientForm

RECENT_EXPORTS = 20


@requires(Perm.MANAGE_CLINIC)
def client_list(request: HttpRequest) -> HttpResponse:
    clinic = current_membership(request).clinic
    clients = BackendClient.objects.filter(clinic=clinic).order_by("-is_active", "name")
    exports = (
        BulkExportJob.objects.filter(clinic=clinic)
        .select_related("client")
        .order_by("-created_at")[:RECENT_EXPORTS]
    )
    return render(
        request,
        "fhir/client_list.html",
        {
            "clients": clients,
            "exports": exports,
            "token_url": request.build_absolute_uri(reverse("fhir_smart:token")),
            "base_url": request.build_absolute_uri("/fhir/R4/"),
        },
    )


@requires(Perm.MANAGE_CLINIC)
def client_create(request: HttpRequest) -> HttpResponse:
    clinic = current_membership(request).clinic
    form = ClientForm(request.POST or None, clinic=clinic)
    if request.method == "POST" and form.is_valid():
        client = services.register_client(request, clinic, form.cleaned_data)
        messages.success(
            request,
            _("Registered %(name)s. Its client id is %(id)s.")
            % {"name": client.name, "id": client.public_id},
        )
        return redirect("fhir_clients:list")
    return render(request, "fhir/client_form.html", {"form": form})


@require_POST
@requires(Perm.MANAGE_CLINIC)
def client_revoke(request: HttpRequest, public_id: str) -> HttpResponse:
    clinic = current_membership(request).clinic
    client = get_object_or_404(BackendClient.objects.filter(clinic=clinic), public_id=public_id)
    if client.revoked_at is None:
        services.revoke_client(request, client)
        messages.success(
            request, _("Revoked %(name)s: its tokens no longer work.") % {"name": client.name}
        )
    return redirect("fhir_clients:list")
