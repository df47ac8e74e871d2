"""Django admin for patients: read-only, for operators investigating a problem.

An operator is not a member of the clinic's care team, so the admin shows what a clinic admin
may see of a patient (``patients.fields``: who the patient is, no contact or clinical
details). Registration and edits go through the app, where the MRN, the duplicate check,
optimistic locking and the audit trail apply. Every page that shows a patient is audited.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse

from mesoclinic.audit.choices import Action
from mesoclinic.audit.services import record
from mesoclinic.clinics.choices import Role
from mesoclinic.patients.fields import access_for_role
from mesoclinic.patients.models import Patient

OPERATOR_ACCESS = access_for_role(Role.ADMIN)
SHOWN: tuple[str, ...] = ("public_id", "clinic", *OPERATOR_ACCESS.visible_in_order(), "created_at")


@admin.register(Patient)
class PatientAdmin(admin.ModelAdmin):
    list_display = ["public_id", "clinic", "mrn", "imported", "created_at"]
    list_filter = ["clinic", "imported"]
    search_fields = ["mrn"]
    fields = SHOWN
    readonly_fields = SHOWN

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        if response.status_code == 200:
            record(request, Action.LIST, detail="patients in the Django admin")
        return response

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        patient = self.get_object(request, object_id)
        if patient is not None and response.status_code == 200:
            record(request, Action.VIEW, obj=patient, detail="Django admin")
        return response
