"""Consent workflows: template versions, capturing a patient's consent, practitioner signature
and withdrawal. Each write and its audit event are one transaction."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from mesoclinic.audit.choices import Action
from mesoclinic.audit.services import record
from mesoclinic.clinics.models import Clinic, Membership
from mesoclinic.clinics.roles import Perm
from mesoclinic.consent.default_translations import DEFAULT_TRANSLATIONS
from mesoclinic.consent.defaults import DEFAULT_TEMPLATES
from mesoclinic.consent.models import Consent, ConsentTemplate
from mesoclinic.consent.names import names_match
from mesoclinic.patients.models import Patient
from mesoclinic.records.models import StaleRecordError
from mesoclinic.records.services import (
    SigningError,
    amend_record,
    check_read_version,
    save_versioned,
    sign_record,
)

TEMPLATE_FIELDS = ("title", "indication", "off_label", "body")
# Given when a template is created; its later versions keep it.
CREATE_FIELDS = (*TEMPLATE_FIELDS, "language")


class TemplateError(Exception):
    """A consent template change that is refused; the message says why."""


class ConsentNameError(ValueError):
    """The typed name is another person's and nobody confirmed it; the message names the field."""


def default_templates() -> list[dict[str, Any]]:
    """Four realistic starting templates (PC/DC lipolysis with its off-label disclosure,
    deoxycholic acid for submental fat, skin and hair mesotherapy), each a dict of
    ConsentTemplate fields. Their figures and sources are those of the clinical reference."""
    return [dict(t) for t in DEFAULT_TEMPLATES]


def install_default_templates(
    request: HttpRequest | None, clinic: Clinic, user: Any
) -> list[ConsentTemplate]:
    """Add each default template whose code the clinic does not use yet, as version 1, with
    its French, Italian and Spanish versions (so a patient signs the text in their language).
    Returns the English templates added; the translations are versions of the same ones."""
    created = []
    with transaction.atomic():
        taken = set(ConsentTemplate.objects.for_clinic(clinic).values_list("code", flat=True))
        for fields in default_templates():
            if fields["code"] in taken:
                continue
            template = ConsentTemplate.objects.create(clinic=clinic, created_by=user, **fields)
            record(request, Action.CREATE, obj=template, clinic=clinic, user=user)
            created.append(template)
            for (code, language), (title, body) in DEFAULT_TRANSLATIONS.items():
                if code != fields["code"]:
                    continue
                translated = ConsentTemplate.objects.create(
                    clinic=clinic,
                    created_by=user,
                    **{**fields, "language": language, "title": title, "body": body},
                )
                record(request, Action.CREATE, obj=translated, clinic=clinic, user=user)
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
    request: HttpRequest,
    membership: Membership,
    base: ConsentTemplate,
    fields: dict[str, Any],
    expected_version: int,
) -> ConsentTemplate:
    """Copy ``base`` with the edits into the next version and retire the older versions; a
    template a consent refers to is never edited in place. Refused when nothing was changed,
    and when ``base`` moved on since it was read at ``expected_version`` (another admin made a
    version from it, or retired it): this version would silently drop theirs."""
    expected_version = check_read_version(expected_version)
    products = list(fields.get("products", base.products.all()))
    fields = {k: v for k, v in fields.items() if k in TEMPLATE_FIELDS}
    same_products = {p.pk for p in products} == set(base.products.values_list("pk", flat=True))
    if same_products and all(getattr(base, k) == v for k, v in fields.items()):
        raise TemplateError(_("Nothing was changed, so no new version was made."))
    with transaction.atomic():
        # The versions of this text in this language: each language has its own sequence.
        versions = ConsentTemplate.objects.for_clinic(membership.clinic).filter(
            code=base.code, language=base.language
        )
        # Lock the rows of this code so two admins cannot both create the same version number.
        locked = {t.pk: t for t in versions.select_for_update()}
        latest = max((t.template_version for t in locked.values()), default=0)
        if locked[base.pk].version != expected_version:
            raise StaleRecordError(
                _(
                    "%(template)s changed while you were editing it (another admin made a version "
                    "from it or deactivated it). Nothing was saved: reload, then apply your "
                    "changes again."
                )
                % {"template": base}
            )
        template = ConsentTemplate.objects.create(
            clinic=membership.clinic,
            created_by=membership.user,
            code=base.code,
            language=base.language,
            template_version=latest + 1,
            is_active=True,
            **fields,
        )
        template.products.set(products)
        versions.exclude(pk=template.pk).update(is_active=False, version=F("version") + 1)
        record(request, Action.CREATE, obj=template, detail=f"version {template.template_version}")
    return template


def deactivate_template(
    request: HttpRequest, template: ConsentTemplate, expected_version: int
) -> None:
    with transaction.atomic():
        save_versioned(template, expected_version, {"is_active": False})
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
    if not (show_all or not indications):
        active = active.filter(indication__in=indications)
    return in_language(active, patient.language), indications


def in_language(templates: QuerySet[ConsentTemplate], language: str) -> QuerySet[ConsentTemplate]:
    """Of each consent text, its version in ``language`` where the clinic has one, else all
    its versions: the patient reads and signs the text in their language when it exists."""
    translated = templates.filter(language=language).values_list("code", flat=True)
    return templates.filter(Q(language=language) | ~Q(code__in=list(translated)))


def capture_consent(
    request: HttpRequest | None,
    membership: Membership,
    patient: Patient,
    template: ConsentTemplate,
    fields: dict[str, Any],
) -> Consent:
    """Record the patient's signature on exactly the text they read; a practitioner signs next.

    A typed name that differs from the record is accepted only with ``name_mismatch_confirmed``
    (the person taking consent checked who signed); the confirmation is stored and audited.
    """
    mismatch = not names_match(
        fields["patient_typed_name"], patient.given_name, patient.family_name
    )
    if mismatch and not fields.get("name_mismatch_confirmed"):
        raise ConsentNameError(
            _(
                "Patient's full name, typed by the patient: does not match the name on the "
                "record, %(name)s; confirm that the right patient is signing."
            )
            % {"name": patient.display_name}
        )
    with transaction.atomic():
        consent = Consent.objects.create(
            clinic=membership.clinic,
            patient=patient,
            template=template,
            body_snapshot=template.body,
            language=template.language,
            created_by=membership.user,
            patient_signed_at=timezone.now(),
            discussed=fields["discussed"],
            photo_consent=fields["photo_consent"],
            patient_typed_name=fields["patient_typed_name"],
            patient_signature_png=fields["patient_signature_png"],
            name_mismatch_confirmed=mismatch,
            practice_rates=fields.get("practice_rates"),
        )
        detail = "typed name differs from the record; confirmed" if mismatch else ""
        record(request, Action.CREATE, obj=consent, detail=detail)
    return consent


def sign_consent(request: HttpRequest | None, membership: Membership, consent: Consent) -> Consent:
    if consent.is_withdrawn:
        raise SigningError(_("This consent was withdrawn and cannot be signed."))
    with transaction.atomic():
        sign_record(consent, membership)
        record(request, Action.SIGN, obj=consent)
    return consent


def withdraw_consent(
    request: HttpRequest | None,
    membership: Membership,
    consent: Consent,
    reason: str,
    expected_version: int,
) -> Consent:
    """Record that the patient withdrew consent, as read at ``expected_version``. A signed
    consent is never changed in place: the withdrawal is an amendment with the practitioner's
    name, the time and the reason."""
    expected_version = check_read_version(expected_version)
    if consent.version != expected_version:
        raise StaleRecordError(
            _(
                "This consent changed while you were recording the withdrawal (it was signed or "
                "edited). Nothing was saved: reload it, then record the withdrawal again."
            )
        )
    if not membership.has(Perm.SIGN):
        raise SigningError(_("Only a practitioner can record a withdrawal of consent."))
    if consent.is_withdrawn:
        raise SigningError(_("This consent has already been withdrawn."))
    reason = reason.strip()
    now = timezone.now()
    changes = {"withdrawn_at": now, "withdrawal_reason": reason}
    with transaction.atomic():
        if consent.is_signed:
            amend_record(consent, membership, f"Consent withdrawn: {reason}", changes)
            record(request, Action.AMEND, obj=consent, detail="consent withdrawn")
        else:
            consent = save_versioned(consent, expected_version, changes)
            record(request, Action.UPDATE, obj=consent, detail="consent withdrawn")
    return consent
