"""Consent workflows: template versions, capturing a patient's consent, practitioner signature
and withdrawal. Each write and its audit event are one transaction."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from mesoclinic.audit.choices import Action
from mesoclinic.audit.services import record
from mesoclinic.clinics.models import Clinic, Membership
from mesoclinic.clinics.roles import Perm
from mesoclinic.consent.defaults import DEFAULT_TEMPLATES
from mesoclinic.consent.models import Consent, ConsentTemplate
from mesoclinic.patients.models import Patient
from mesoclinic.records.services import SigningError, amend_record, save_versioned, sign_record


def default_templates() -> list[dict[str, Any]]:
    """Four realistic starting templates (PC/DC lipolysis with its off-label disclosure,
    deoxycholic acid for submental fat, skin and hair mesotherapy), each a dict of
    ConsentTemplate fields. Their figures and sources are those of the clinical reference."""
    return [dict(t) for t in DEFAULT_TEMPLATES]


def install_default_templates(
    request: HttpRequest | None, clinic: Clinic, user: Any
) -> list[ConsentTemplate]:
    """Add each default template whose code the clinic does not use yet, as version 1."""
    created = []
    with transaction.atomic():
        taken = set(ConsentTemplate.objects.for_clinic(clinic).values_list("code", flat=True))
        for fields in default_templates():
            if fields["code"] in taken:
                continue
            template = ConsentTemplate.objects.create(clinic=clinic, created_by=user, **fields)
            record(request, Action.CREATE, obj=template, clinic=clinic, user=user)
            created.append(template)
    return created


def create_template(
    request: HttpRequest, membership: Membership, fields: dict[str, Any]
) -> ConsentTemplate:
    fields = dict(fields)
    products = fields.pop("products", [])
    with transaction.atomic():
        template = ConsentTemplate.objects.create(
            clinic=membership.clinic, created_by=membership.user, template_version=1, **fields
        )
        template.products.set(products)
        record(request, Action.CREATE, obj=template, detail="version 1")
    return template


def new_version(
    request: HttpRequest, membership: Membership, base: ConsentTemplate, fields: dict[str, Any]
) -> ConsentTemplate:
    """Copy ``base`` with the edits into the next version and retire the older versions; a
    template a consent refers to is never edited in place."""
    products = fields.get("products", [])
    fields = {k: v for k, v in fields.items() if k not in ("code", "products")}
    with transaction.atomic():
        versions = ConsentTemplate.objects.for_clinic(membership.clinic).filter(code=base.code)
        # Lock the rows of this code so two admins cannot both create the same version number.
        list(versions.select_for_update())
        latest = versions.aggregate(n=Max("template_version"))["n"] or 0
        template = ConsentTemplate.objects.create(
            clinic=membership.clinic,
            created_by=membership.user,
            code=base.code,
            template_version=latest + 1,
            is_active=True,
            **fields,
        )
        template.products.set(products)
        versions.exclude(pk=template.pk).update(is_active=False)
        record(request, Action.CREATE, obj=template, detail=f"version {template.template_version}")
    return template


def deactivate_template(request: HttpRequest, template: ConsentTemplate) -> None:
    with transaction.atomic():
        ConsentTemplate.objects.filter(pk=template.pk).update(is_active=False)
        record(request, Action.UPDATE, obj=template, detail="deactivated")


def patient_indications(membership: Membership, patient: Patient) -> list[str]:
    """Indications of the patient's active plans and latest consultation, for suggestions."""
    found: list[str] = []
    plans = patient.plans.restrict(membership, Perm.VIEW_CLINICAL).filter(status="active")
    found += list(plans.values_list("indication", flat=True))
    latest = (
        patient.consultations.restrict(membership, Perm.VIEW_CLINICAL)
        .order_by("-consulted_at")
        .first()
    )
    if latest is not None:
        found += list(latest.effective("indications") or [])
    return list(dict.fromkeys(found))


def suggested_templates(
    membership: Membership, patient: Patient, show_all: bool = False
) -> tuple[QuerySet[ConsentTemplate], list[str]]:
    """Active templates for the patient's planned indications (all active ones when asked, or
    when nothing is planned yet), and the indications they were matched on."""
    active = ConsentTemplate.objects.restrict(membership, Perm.EDIT_CLINICAL).filter(is_active=True)
    indications = patient_indications(membership, patient)
    if show_all or not indications:
        return active, indications
    return active.filter(indication__in=indications), indications


def capture_consent(
    request: HttpRequest,
    membership: Membership,
    patient: Patient,
    template: ConsentTemplate,
    fields: dict[str, Any],
) -> Consent:
    """Record the patient's signature on exactly the text they read; a practitioner signs next."""
    with transaction.atomic():
        consent = Consent.objects.create(
            clinic=membership.clinic,
            patient=patient,
            template=template,
            body_snapshot=template.body,
            created_by=membership.user,
            patient_signed_at=timezone.now(),
            discussed=fields["discussed"],
            photo_consent=fields["photo_consent"],
            patient_typed_name=fields["patient_typed_name"],
            patient_signature_png=fields["patient_signature_png"],
        )
        record(request, Action.CREATE, obj=consent)
    return consent


def sign_consent(request: HttpRequest | None, membership: Membership, consent: Consent) -> Consent:
    if consent.is_withdrawn:
        raise SigningError("This consent was withdrawn and cannot be signed.")
    with transaction.atomic():
        sign_record(consent, membership)
        record(request, Action.SIGN, obj=consent)
    return consent


def withdraw_consent(
    request: HttpRequest | None, membership: Membership, consent: Consent, reason: str
) -> Consent:
    """Record that the patient withdrew consent. A signed consent is never changed in place:
    the withdrawal is an amendment with the practitioner's name, the time and the reason."""
    if not membership.has(Perm.SIGN):
        raise SigningError("Only a practitioner can record a withdrawal of consent.")
    if consent.is_withdrawn:
        raise SigningError("This consent has already been withdrawn.")
    reason = reason.strip()
    now = timezone.now()
    changes = {"withdrawn_at": now, "withdrawal_reason": reason}
    with transaction.atomic():
        if consent.is_signed:
            amend_record(consent, membership, f"Consent withdrawn: {reason}", changes)
            record(request, Action.AMEND, obj=consent, detail="consent withdrawn")
        else:
            consent = save_versioned(consent, consent.version, changes)
            record(request, Action.UPDATE, obj=consent, detail="consent withdrawn")
    return consent
