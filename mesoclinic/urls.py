"""Top-level URL map: each clinical app owns its URLs."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("mesoclinic.clinics.urls")),
    path("", include("mesoclinic.workspace.urls")),
    path("account/second-step/", include("mesoclinic.mfa.urls")),
    path("patients/", include("mesoclinic.patients.urls")),
    path("audit/", include("mesoclinic.audit.urls")),
    path("consultations/", include("mesoclinic.consultations.urls")),
    path("consent/", include("mesoclinic.consent.urls")),
    path("formulary/recall/", include("mesoclinic.safety.recall_urls")),
    path("formulary/", include("mesoclinic.formulary.urls")),
    path("dosing/", include("mesoclinic.dosing.urls")),
    path("plans/", include("mesoclinic.plans.urls")),
    path("sessions/", include("mesoclinic.treatments.urls")),
    path("outcomes/", include("mesoclinic.outcomes.urls")),
    path("safety/", include("mesoclinic.safety.urls")),
    path("aftercare/", include("mesoclinic.aftercare.urls")),
    path("appointments/", include("mesoclinic.appointments.urls")),
    path("photos/", include("mesoclinic.photos.urls")),
    path("evidence/", include("mesoclinic.evidence.urls")),
    path("billing/", include("mesoclinic.billing.urls")),
    # The patient's check-in link: short, and nothing about the person in it.
    path("c/", include("mesoclinic.aftercare.patient_urls")),
    # The patient's reminder reply link and the staff calendar feed: tokens, no sign-in.
    path("", include("mesoclinic.appointments.patient_urls")),
    # FHIR R4: SMART Backend Services and Bulk Data first, so that "Patient/$export" is never
    # taken for a read of a Patient by the REST API's "<type>/<id>" routes.
    path("fhir/R4/", include("mesoclinic.fhir.smart_urls")),
    path("fhir/R4/", include("mesoclinic.fhir.bulk_urls")),
    path("clinic/fhir-clients/", include("mesoclinic.fhir.client_urls")),
    path("django-admin/", admin.site.urls),
    # The FHIR R4 API at fhir/R4/ (docs/fhir.md): a bearer-token API, not a page. Any other
    # module served under fhir/ is included before this one, whose last pattern answers every
    # unknown address under fhir/ with an OperationOutcome.
    path("fhir/", include("mesoclinic.fhir.urls")),
    path("", include("mesoclinic.operations.urls")),
]
