"""Consultation workflows: create and edit a draft (screening recomputed on every save), sign,
and amend a signed consultation. Each write and its audit event are one transaction."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from mesoclinic.audit.choices import Action
from mesoclinic.audit.services import record
from mesoclinic.clinics.models import Membership
from mesoclinic.consultations.forms import AMENDABLE
from mesoclinic.consultations.models import Consultation
from mesoclinic.consultations.questions import QUESTION_TEXT, Questionnaire
from mesoclinic.consultations.screening import screening_json, unanswered_questions
from mesoclinic.patients.models import Patient
from mesoclinic.records.models import Amendment, ImmutableRecordError
from mesoclinic.records.services import SigningError, amend_record, save_versioned, sign_record


def questionnaire_for(patient: Patient, fields: dict[str, Any]) -> Questionnaire:
    """The typed questionnaire for the screening rules, with the patient's age on the visit day."""
    when = fields.get("consulted_at") or timezone.now()
    return Questionnaire.from_json(
        fields.get("questionnaire") or {},
        age_years=patient.age_on(patient.clinic.day_of(when)),
        weight_kg=fields.get("weight_kg"),
        height_cm=fields.get("height_cm"),
        weight_stable_6_months=fields.get("weight_stable_6_months"),
        body_image_concern=fields.get("body_image_concern"),
    )


def screening_for(patient: Patient, fields: dict[str, Any]) -> dict[str, Any]:
    q = questionnaire_for(patient, fields)
    return screening_json(q, fields.get("indications") or [], fields.get("areas") or [])


def create_consultation(
    request: HttpRequest | None, membership: Membership, patient: Patient, fields: dict[str, Any]
) -> Consultation:
    with transaction.atomic():
        consultation = Consultation(
            clinic=membership.clinic,
            patient=patient,
            created_by=membership.user,
            clinician=membership.user,
            clinician_name=membership.display_name,
            screening=screening_for(patient, fields),
            **fields,
        )
        consultation.save()
        record(request, Action.CREATE, obj=consultation)
    return consultation


def update_draft(
    request: HttpRequest,
    consultation: Consultation,
    expected_version: int,
    fields: dict[str, Any],
) -> Consultation:
    """Save a draft's new values; raises StaleRecordError when someone saved it meanwhile."""
    if consultation.is_signed:
        raise ImmutableRecordError(
            gettext("This consultation is signed; add an amendment instead.")
        )
    changed = sorted(k for k, v in fields.items() if getattr(consultation, k) != v)
    values = {**fields, "screening": screening_for(consultation.patient, fields)}
    with transaction.atomic():
        saved = save_versioned(consultation, expected_version, values)
        record(request, Action.UPDATE, obj=saved, detail=", ".join(changed))
    return saved


class UnansweredQuestionsError(SigningError):
    """A screening with unanswered questions cannot be signed; ``questions`` lists their texts."""

    def __init__(self, questions: list[str]) -> None:
        super().__init__(
            ngettext(
                "%(count)d screening question is neither answered nor marked “Not asked” "
                "with a reason: %(questions)s",
                "%(count)d screening questions are neither answered nor marked “Not asked” "
                "with a reason: %(questions)s",
                len(questions),
            )
            % {"count": len(questions), "questions": "; ".join(questions)}
        )
        self.questions = questions


def unanswered(patient: Patient, values: dict[str, Any]) -> list[str]:
    """The texts of the questions the consultation's plan needs that are neither answered nor
    marked not asked with a reason (``values`` as stored, or with amendments applied)."""
    q = questionnaire_for(patient, values)
    codes = unanswered_questions(q, values.get("indications") or [], values.get("areas") or [])
    return [gettext(QUESTION_TEXT[code]) for code in codes]


def sign_consultation(
    request: HttpRequest | None, membership: Membership, consultation: Consultation
) -> Consultation:
    """Sign a draft; refused, listing them, while any screening question is unanswered."""
    missing = unanswered(consultation.patient, effective_values(consultation))
    if missing:
        raise UnansweredQuestionsError(missing)
    with transaction.atomic():
        sign_record(consultation, membership)
        record(request, Action.SIGN, obj=consultation)
    return consultation


def effective_values(consultation: Consultation) -> dict[str, Any]:
    """The consultation as it now reads: the signed values with every amendment applied."""
    values = {name: consultation.effective(name) for name in (*AMENDABLE, "screening")}
    values["consulted_at"] = consultation.consulted_at
    return values


def amend_consultation(
    request: HttpRequest,
    membership: Membership,
    consultation: Consultation,
    reason: str,
    fields: dict[str, Any],
) -> Amendment:
    """Correct a signed consultation; the screening is recomputed from the corrected answers
    and amended with them, so the record never shows findings that do not match its answers."""
    values = {k: v for k, v in fields.items() if k in AMENDABLE}
    # A signed screening stays complete: a correction cannot leave a question unanswered.
    missing = unanswered(
        consultation.patient, {**values, "consulted_at": consultation.consulted_at}
    )
    if missing:
        raise UnansweredQuestionsError(missing)
    values["screening"] = screening_for(
        consultation.patient, {**values, "consulted_at": consultation.consulted_at}
    )
    with transaction.atomic():
        amendment = amend_record(consultation, membership, reason, values)
        record(request, Action.AMEND, obj=consultation, detail=", ".join(sorted(amendment.changes)))
    return amendment
