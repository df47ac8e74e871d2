"""The usual course of common side effects, and when a reported event has outlasted it.

Pure Python (no Django import). Every number comes from
../shared/reference/mesotherapy-clinical.md §4 and carries its source URL; an event that is
still present after its usual course is flagged for the practitioner to review (it is not
by itself a red flag: see ``red_flags``).
"""

from __future__ import annotations

from dataclasses import dataclass


def gettext_noop(message: str) -> str:
    """Marks ``message`` for the catalogue (``makemessages`` knows the name); pages translate
    it when they show it (``translated.py``): a pure module imports no Django."""
    return message


# Sources (reference §4).
JCAD_LIPODISSOLVE = "http://jcadonline.com/lipodissolve-for-body-sculpting-safety-effectiveness-and-patient-satisfaction/"
BUFFALO_KYBELLA = "https://buffaloaesthetics.com/blog/mesotherapy-kybella/"
PEPEVERDE_LIPOLIZA = "https://www.pepeverde.com.pl/lipoliza/"
ARTEMEDIS_LIPOLYSIS = "https://www.artemedis.com/en/treatments/surgical-procedures/body/lipolysis"
REFINE_KYBELLA_SAFETY = "https://www.refineaestheticsllc.com/injectables/kybella-safety-info/"


@dataclass(frozen=True)
class UsualCourse:
    """How long an adverse-event type usually lasts after a session, with its source."""

    event_type: str
    usual_max_days: int
    description: str
    source: str
    median_days: int | None = None


USUAL_COURSE: dict[str, UsualCourse] = {
    c.event_type: c
    for c in (
        # "Swelling and bruising in almost all patients, mostly gone within 10 days."
        UsualCourse(
            "bruising", 10, gettext_noop("bruising mostly gone within 10 days"), JCAD_LIPODISSOLVE
        ),
        # "Marked soreness on days 1–2" (clinic-reported course after deoxycholic acid).
        UsualCourse("pain", 2, gettext_noop("marked soreness on days 1–2"), BUFFALO_KYBELLA),
        # "Swelling up to 3 weeks; nodules 2–4 weeks."
        UsualCourse("swelling", 21, gettext_noop("swelling up to 3 weeks"), PEPEVERDE_LIPOLIZA),
        UsualCourse("nodule", 28, gettext_noop("nodules for 2–4 weeks"), PEPEVERDE_LIPOLIZA),
        # "Sites inflamed and itchy for about 1 week."
        UsualCourse(
            "erythema", 7, gettext_noop("sites inflamed for about 1 week"), ARTEMEDIS_LIPOLYSIS
        ),
        UsualCourse(
            "pruritus", 7, gettext_noop("sites itchy for about 1 week"), ARTEMEDIS_LIPOLYSIS
        ),
        # "Bruising and numbness for weeks 2–4" after deoxycholic acid.
        UsualCourse("numbness", 28, gettext_noop("numbness for weeks 2–4"), BUFFALO_KYBELLA),
        # Kybella trials: all cases resolved; nerve injury range 1–298 days, median 44;
        # dysphagia range 1–81 days, median 3.
        UsualCourse(
            "nerve_injury",
            298,
            gettext_noop("marginal mandibular nerve injury resolved in 1–298 days (median 44)"),
            REFINE_KYBELLA_SAFETY,
            median_days=44,
        ),
        UsualCourse(
            "dysphagia",
            81,
            gettext_noop("dysphagia resolved in 1–81 days (median 3)"),
            REFINE_KYBELLA_SAFETY,
            median_days=3,
        ),
    )
}


@dataclass(frozen=True)
class CourseFlag:
    """An event still present after its usual course: what, how long, and why it matters."""

    event_type: str
    days_present: int
    usual_max_days: int
    message: str
    source: str


def course_flag(event_type: str, days_present: int) -> CourseFlag | None:
    """A flag when an event of ``event_type`` is still present ``days_present`` days after onset.

    None when the type has no usual course in the reference or it is still within it. Nerve
    injury and dysphagia are red flags whenever reported; as a course they are flagged only
    beyond the whole range seen in the trials (their medians are in the description).
    """
    if days_present < 0:
        raise ValueError("days_present cannot be negative")
    course = USUAL_COURSE.get(event_type)
    if course is None or days_present <= course.usual_max_days:
        return None
    return CourseFlag(
        event_type=event_type,
        days_present=days_present,
        usual_max_days=course.usual_max_days,
        message=(
            f"{event_type.replace('_', ' ').capitalize()} still present on day {days_present}; "
            f"usual course: {course.description}."
        ),
        source=course.source,
    )
