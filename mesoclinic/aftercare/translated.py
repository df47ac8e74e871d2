"""The texts of the pure aftercare modules (questions, red flags, usual courses, check-in
labels) in the reader's language.

The pure modules keep English catalogue ids (marked with ``gettext_noop``) and what is stored
stays English; these functions translate at the moment a page, form or message is made, in
the language active then (the patient's on the check-in page, the user's on staff pages).
"""

from __future__ import annotations

import re

from django.utils.translation import gettext, gettext_noop

from mesoclinic.aftercare.expected_course import USUAL_COURSE
from mesoclinic.aftercare.questions import QUESTION_PATTERNS, OutcomeQuestion
from mesoclinic.clinical_codes import AE_TYPES, AREAS, SIDES

# Stored course messages are English ("Nodule still present on day 30; usual course: …"):
# the day is read back from them so the message is rebuilt in the reader's language.
_COURSE_DAY = re.compile(r" still present on day (\d+);")
COURSE_MESSAGE = gettext_noop("%(event)s still present on day %(days)d; usual course: %(course)s.")


def site_words(area: str, side: str) -> dict[str, str]:
    """The area and side of a treated site, lower-case, in the reader's language."""
    return {
        "area": gettext(AREAS.get(area, area)).lower(),
        "side": gettext(SIDES.get(side, side)).lower(),
    }


def outcome_question(question: OutcomeQuestion) -> str:
    """The question as the patient reads it: the whole pattern translated, then filled in."""
    pattern = QUESTION_PATTERNS.get(question.kind)
    if pattern is None:
        return gettext(question.question)
    if "%(" not in pattern:
        return gettext(pattern)
    return gettext(pattern) % site_words(question.area, question.side)


def choices(options: tuple[tuple[int, str], ...]) -> list[tuple[int, str]]:
    """A scale's points with their labels translated (bare numbers stay as they are)."""
    return [(n, label if label.isdigit() else gettext(label)) for n, label in options]


def check_in_label(label: str) -> str:
    """A check-in's stored label ("2 weeks"); a protocol's own label is kept as written."""
    return gettext(label) if label else label


def escalation_reason(level: str, code: str, reason: str) -> str:
    """An escalation's stored English reason in the reader's language."""
    if level == "course":
        course = USUAL_COURSE.get(code)
        found = _COURSE_DAY.search(reason)
        if course is not None and found is not None:
            return gettext(COURSE_MESSAGE) % {
                "event": gettext(AE_TYPES.get(code, code)),
                "days": int(found.group(1)),
                "course": gettext(course.description),
            }
    return gettext(reason)
