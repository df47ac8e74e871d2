"""The demo's consultations beyond each course's first: yearly re-screens, so that every session
still awaiting its signature has a screening recent enough for the signing gates, and the
clinic day's draft consultation awaiting its clinician's signature.

A re-screen repeats the course's answers (nothing is known to have changed) at the visit
where it falls due, signed before the session, as a clinic reviewing the history at that visit
would; the draft is a review consultation of today, fully answered, so it can be edited and
signed from the demo.
"""

from __future__ import annotations

import datetime as dt

from mesoclinic.clinics.models import Clinic
from mesoclinic.consultations.models import Consultation
from mesoclinic.demo.courses import CourseDraft
from mesoclinic.demo.writer import MINUTES, Staff, _insert_as_written
from mesoclinic.patients.models import Patient
from mesoclinic.treatments.gates import months_before


def _copy(first: Consultation, at: dt.datetime, concerns: str, assessment: str) -> Consultation:
    return Consultation(
        clinic=first.clinic,
        patient=first.patient,
        consulted_at=at,
        clinician=first.clinician,
        clinician_name=first.clinician_name,
        concerns=concerns,
        indications=first.indications,
        areas=first.areas,
        questionnaire=first.questionnaire,
        screening=first.screening,
        body_image_concern=first.body_image_concern,
        body_image_notes=first.body_image_notes,
        weight_kg=first.weight_kg,
        height_cm=first.height_cm,
        weight_stable_6_months=first.weight_stable_6_months,
        assessment=assessment,
        created_by=first.created_by,
    )


def write_follow_up_screenings(
    clinic: Clinic,
    courses: list[CourseDraft],
    patients: list[Patient],
    consultations: list[Consultation],
    staff: Staff,
    now: dt.datetime,
) -> int:
    """Re-screens where a course's screening would be stale at its first unsigned session,
    and today's draft review consultation; returns how many consultations were added."""
    rows = []
    for course, first in zip(courses, consultations, strict=True):
        waiting = [v for v in course.visits if not v.signed]
        if not waiting:
            continue
        visit = min(waiting, key=lambda v: v.at)
        due = months_before(visit.day, clinic.screening_valid_months)
        if course.consult_at.date() >= due:
            continue
        member = staff.practitioners[visit.practitioner]
        row = _copy(
            first,
            visit.at - 20 * MINUTES,
            "Yearly review of history and screening before continuing the course.",
            "No change in history; suitable to continue the course.",
        )
        row.clinician, row.clinician_name = member.user, member.display_name
        row.signed_at, row.signed_by = visit.at - 10 * MINUTES, member.user
        row.signed_by_name, row.version = member.display_name, 2
        row.created_at, row.updated_at = row.consulted_at, row.signed_at
        rows.append(row)
    # Today's consultation awaiting its clinician's signature: a progress review of the most
    # recently started course, two hours ago.
    newest = max(range(len(courses)), key=lambda i: courses[i].consult_at)
    draft = _copy(
        consultations[newest],
        # Times are entered to the minute in the app; a stored time with microseconds would
        # change on every untouched save of the form (tests/test_edit_roundtrip.py).
        (now - dt.timedelta(hours=2)).replace(second=0, microsecond=0),
        "Review of progress; asks whether more sessions are needed.",
        "",
    )
    draft.patient = patients[newest]
    draft.created_at = draft.updated_at = draft.consulted_at
    rows.append(draft)
    # Inserted with their own times and signatures: a signed row cannot be updated later.
    _insert_as_written(Consultation, rows)
    return len(rows)
