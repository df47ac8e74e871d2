"""What the consultation page shows: stored values (as signed, or with amendments applied) turned
into labelled rows, and the screening findings grouped by level with readable treatment names."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from mesoclinic.clinical_codes import AREAS, INDICATIONS
from mesoclinic.consultations.questions import ANSWERS, DETAILS, QUESTION_TEXT, QUESTIONS, SECTIONS
from mesoclinic.consultations.screening import REASON_PATTERNS
from mesoclinic.consultations.screening_rules import LEVELS, TREATMENTS
from mesoclinic.records.models import Amendment

_TRI = {True: _("Yes"), False: _("No"), None: _("Unknown")}
_BODY_IMAGE = {True: _("Concern raised"), False: _("No concern"), None: _("Not screened")}


@dataclass
class Section:
    title: str
    rows: list[tuple[str, str, bool]] = field(default_factory=list)  # (question, answer, yes?)
    details: str = ""


@dataclass
class ConsultationView:
    values: dict[str, Any]
    indications: list[str]
    areas: list[str]
    sections: list[Section]
    findings: list[dict[str, Any]]
    plan_notes: list[dict[str, Any]]
    missing: list[dict[str, Any]]
    rules_version: str
    body_image: str
    weight_stable: str
    weight_6_months_ago_kg: str | None
    bmi: Any


def reason_text(finding: dict[str, Any]) -> str:
    """A finding's reason in the reader's language: its pattern filled in again from its
    values, or its whole sentence; the stored English when a screen predates either."""
    code, params = finding.get("code", ""), finding.get("params")
    if code == "MISSING_ANSWERS" and params is not None:
        questions = finding.get("questions", [])
        names = "; ".join(gettext(QUESTION_TEXT[q]) for q in questions if q in QUESTION_TEXT)
        # The same pair as screening.MISSING_ANSWERS.
        pattern = ngettext(
            "%(count)s question not answered, so the screen is incomplete: %(names)s",
            "%(count)s questions not answered, so the screen is incomplete: %(names)s",
            len(questions),
        )
        return pattern % {"count": len(questions), "names": names}
    if code in REASON_PATTERNS and params:
        return str(gettext(REASON_PATTERNS[code]) % params)
    return gettext(str(finding.get("reason", "")))


def _finding_rows(screening: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for f in screening.get("findings", []):
        rows.append(
            {
                **f,
                "reason": reason_text(f),
                "level_label": gettext(LEVELS.get(f.get("level", ""), f.get("level", ""))),
                "treatment_labels": [
                    gettext(TREATMENTS.get(t, t)) for t in f.get("treatments", [])
                ],
            }
        )
    return rows


def build_view(values: dict[str, Any], bmi: Any) -> ConsultationView:
    questionnaire = values.get("questionnaire") or {}
    details = questionnaire.get("details") or {}
    reasons = questionnaire.get("not_asked") or {}
    sections = []
    for key, title in SECTIONS.items():
        section = Section(gettext(title), details=details.get(key, "") if key in DETAILS else "")
        for q in QUESTIONS:
            if q.section == key:
                answer = questionnaire.get(q.code) or ""
                label = gettext(ANSWERS.get(answer, answer)) if answer else gettext("Not answered")
                if reasons.get(q.code):
                    label = f"{label}: {reasons[q.code]}"
                section.rows.append((gettext(q.text), label, answer == "yes"))
        sections.append(section)
    rows = _finding_rows(values.get("screening") or {})
    concern = values.get("body_image_concern")
    return ConsultationView(
        values=values,
        indications=[
            gettext(INDICATIONS[c]) if c in INDICATIONS else c
            for c in values.get("indications") or []
        ],
        areas=[gettext(AREAS[c]) if c in AREAS else c for c in values.get("areas") or []],
        sections=sections,
        findings=[r for r in rows if r.get("kind", "finding") == "finding"],
        plan_notes=[r for r in rows if r.get("kind") == "plan"],
        missing=[r for r in rows if r.get("kind") == "missing"],
        rules_version=(values.get("screening") or {}).get("rules_version", ""),
        body_image=str(_BODY_IMAGE[concern]),
        weight_stable=str(_TRI[values.get("weight_stable_6_months")]),
        weight_6_months_ago_kg=questionnaire.get("weight_6_months_ago_kg"),
        bmi=bmi,
    )


def describe_changes(amendment: Amendment) -> list[str]:
    """One plain line per corrected item; questionnaire answers are named question by question."""
    lines = []
    for name, change in amendment.changes.items():
        old, new = change.get("from"), change.get("to")
        if name == "questionnaire":
            old, new = old or {}, new or {}
            for code in QUESTION_TEXT:
                if old.get(code) != new.get(code):
                    lines.append(
                        f"{gettext(QUESTION_TEXT[code])} {old.get(code)} → {new.get(code)}"
                    )
            if old.get("details") != new.get("details"):
                lines.append(gettext("Questionnaire details changed"))
            if old.get("not_asked") != new.get("not_asked"):
                lines.append(gettext("Reasons for questions not asked changed"))
            if old.get("weight_6_months_ago_kg") != new.get("weight_6_months_ago_kg"):
                lines.append(
                    gettext("Weight 6 months ago (kg): %(old)s → %(new)s")
                    % {
                        "old": old.get("weight_6_months_ago_kg"),
                        "new": new.get("weight_6_months_ago_kg"),
                    }
                )
        elif name == "screening":
            before = {f["code"] for f in (old or {}).get("findings", [])}
            after = {f["code"] for f in (new or {}).get("findings", [])}
            added, removed = sorted(after - before), sorted(before - after)
            line = gettext("Screening recomputed")
            if added:
                line += "; " + gettext("new: %(codes)s") % {"codes": ", ".join(added)}
            if removed:
                line += "; " + gettext("no longer: %(codes)s") % {"codes": ", ".join(removed)}
            lines.append(line)
        else:
            label = name.replace("_", " ").capitalize()
            lines.append(f"{label}: {old if old not in (None, '') else '—'} → {new}")
    return lines
