"""Questionnaire (the medical-history and screening form) and a QuestionnaireResponse per
consultation: the answers, the reasons a question was not asked, the free-text details, and
the contraindication findings as the record now reads (amendments applied)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

from mesoclinic.consultations.models import Consultation
from mesoclinic.consultations.questions import DETAILS, QUESTIONS, SECTIONS
from mesoclinic.consultations.screening import RULES_VERSION
from mesoclinic.fhir.codes import ANSWER_LABELS, CANONICAL, QUESTION_LABELS, local
from mesoclinic.fhir.context import ExportContext, instant, number, record_meta, ref
from mesoclinic.fhir.encounter import consultations

QUESTIONNAIRE_ID = "medical-history"
QUESTIONNAIRE_URL = f"{CANONICAL}/Questionnaire/{QUESTIONNAIRE_ID}"


def _not_asked(code: str) -> str:
    return f"{code}.not-asked"


def _detail(section: str) -> str:
    return f"details.{section}"


def questionnaire() -> dict[str, Any]:
    options = [{"valueCoding": local("answer", code)} for code in ANSWER_LABELS]
    items: list[dict[str, Any]] = []
    for section, title in SECTIONS.items():
        group: list[dict[str, Any]] = []
        for question in (q for q in QUESTIONS if q.section == section):
            group.append(
                {
                    "linkId": question.code,
                    "text": question.text,
                    "type": "choice",
                    "answerOption": options,
                }
            )
            group.append(
                {
                    "linkId": _not_asked(question.code),
                    "text": QUESTION_LABELS["not_asked"],
                    "type": "string",
                }
            )
        if section in DETAILS:
            group.append({"linkId": _detail(section), "text": DETAILS[section], "type": "text"})
        items.append({"linkId": section, "text": title, "type": "group", "item": group})
    items.append(
        {
            "linkId": "weight_6_months_ago_kg",
            "text": QUESTION_LABELS["weight_6_months_ago_kg"],
            "type": "decimal",
        }
    )
    items.append(
        {
            "linkId": "body_image_concern",
            "text": QUESTION_LABELS["body_image_concern"],
            "type": "boolean",
        }
    )
    items.append(
        {
            "linkId": "findings",
            "text": QUESTION_LABELS["findings"],
            "type": "string",
            "repeats": True,
            "readOnly": True,
        }
    )
    return {
        "resourceType": "Questionnaire",
        "id": QUESTIONNAIRE_ID,
        "url": QUESTIONNAIRE_URL,
        "version": RULES_VERSION,
        "name": "MedicalHistory",
        "title": "Pre-treatment medical history and contraindication screening",
        "status": "active",
        "subjectType": ["Patient"],
        "item": items,
    }


def questionnaires(ctx: ExportContext) -> Iterator[dict[str, Any]]:
    yield questionnaire()


def _answers(answers: dict[str, Any], section: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    reasons = answers.get("not_asked") if isinstance(answers.get("not_asked"), dict) else {}
    details = answers.get("details") if isinstance(answers.get("details"), dict) else {}
    for question in (q for q in QUESTIONS if q.section == section):
        value = answers.get(question.code)
        if value in ANSWER_LABELS:
            out.append(
                {
                    "linkId": question.code,
                    "text": question.text,
                    "answer": [{"valueCoding": local("answer", str(value))}],
                }
            )
        reason = str((reasons or {}).get(question.code, "")).strip()
        if reason:
            out.append({"linkId": _not_asked(question.code), "answer": [{"valueString": reason}]})
    detail = str((details or {}).get(section, "")).strip()
    if detail:
        out.append({"linkId": _detail(section), "answer": [{"valueString": detail}]})
    return out


def to_response(ctx: ExportContext, consultation: Consultation) -> dict[str, Any]:
    answers = consultation.effective("questionnaire") or {}
    items: list[dict[str, Any]] = []
    for section, title in SECTIONS.items():
        group = _answers(answers, section)
        if group:
            items.append({"linkId": section, "text": title, "item": group})
    try:
        earlier = Decimal(str(answers.get("weight_6_months_ago_kg")))
    except InvalidOperation:
        earlier = None
    if earlier is not None and earlier.is_finite():
        items.append(
            {"linkId": "weight_6_months_ago_kg", "answer": [{"valueDecimal": number(earlier)}]}
        )
    concern = consultation.effective("body_image_concern")
    if concern is not None:
        items.append({"linkId": "body_image_concern", "answer": [{"valueBoolean": bool(concern)}]})
    findings = [
        f"{f.get('level', 'caution')}: {f.get('reason', f.get('code', ''))}"
        for f in consultation.effective_findings
    ]
    if findings:
        items.append({"linkId": "findings", "answer": [{"valueString": text} for text in findings]})
    resource: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "id": str(consultation.public_id),
        "meta": record_meta(consultation),
        "questionnaire": QUESTIONNAIRE_URL,
        "status": "completed" if consultation.is_signed else "in-progress",
        "subject": ref("Patient", consultation.patient.public_id),
        "encounter": ref("Encounter", consultation.public_id),
        "authored": instant(consultation.consulted_at),
    }
    author = ctx.practitioner(consultation.clinician_id, consultation.clinician_name)
    if author is not None:
        resource["author"] = author
    if items:
        resource["item"] = items
    return resource


def questionnaire_responses(ctx: ExportContext) -> Iterator[dict[str, Any]]:
    for consultation in consultations(ctx):
        yield to_response(ctx, consultation)
