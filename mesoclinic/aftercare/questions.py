"""What a check-in asks: the symptom questions and, at outcome visits, the patient-reported
scales of the indication.

Pure Python (no Django import) so the form, the services and the tests share one table.
Scales and ranges are those of ../shared/reference/mesotherapy-clinical.md §5
(``clinical_codes.MEASUREMENT_KINDS``).
"""

from __future__ import annotations

from dataclasses import dataclass

from mesoclinic.clinical_codes import AREAS, SIDES


def gettext_noop(message: str) -> str:
    """Marks ``message`` for the catalogue (``makemessages`` knows the name); the form
    translates it into the patient's language when it asks (``question_text.py``): a pure
    module imports no Django."""
    return message


@dataclass(frozen=True)
class Symptom:
    """A yes/no question to the patient and the adverse-event type a "yes" is recorded as."""

    key: str
    question: str
    event_type: str
    label: str  # how the event is named in its notes
    submental_only: bool = False
    # Local reactions begin at the injection; the others are dated to the report.
    onset_at_session: bool = False


SYMPTOMS: tuple[Symptom, ...] = (
    Symptom(
        "bruising",
        gettext_noop("Do you have bruising where you were treated?"),
        "bruising",
        gettext_noop("Bruising"),
        onset_at_session=True,
    ),
    Symptom(
        "swelling",
        gettext_noop("Is there swelling where you were treated?"),
        "swelling",
        gettext_noop("Swelling"),
        onset_at_session=True,
    ),
    Symptom(
        "redness_warmth",
        gettext_noop("Is the skin red or warm where you were treated?"),
        "erythema",
        gettext_noop("Redness or warmth"),
        onset_at_session=True,
    ),
    Symptom(
        "lump",
        gettext_noop("Is there a lump or hard knot under the skin?"),
        "nodule",
        gettext_noop("Lump or nodule"),
    ),
    Symptom(
        "drainage",
        gettext_noop("Is anything leaking or draining from the skin (fluid or pus)?"),
        "infection",
        gettext_noop("Drainage from the skin"),
    ),
    Symptom(
        "fever",
        gettext_noop("Have you had a fever, or felt generally unwell?"),
        "other",
        gettext_noop("Fever or feeling unwell"),
    ),
    Symptom(
        "skin_breakdown",
        gettext_noop("Is there an open sore, or skin turning dark or black?"),
        "ulceration",
        gettext_noop("Open sore or darkening skin"),
    ),
    Symptom(
        "spreading_rash",
        gettext_noop("Are there raised patches or blisters spreading beyond the injection points?"),
        "allergic_reaction",
        gettext_noop("Spreading patches or blisters"),
    ),
    Symptom(
        "anaesthetic_toxicity",
        gettext_noop(
            "Have you had numbness around the mouth, ringing in the ears, light-headedness, a fit or a racing or irregular heartbeat?"
        ),
        "other",
        gettext_noop("Signs of local-anaesthetic toxicity"),
    ),
    Symptom(
        "smile_weakness",
        gettext_noop("Is your smile uneven, or is your lower lip weak?"),
        "nerve_injury",
        gettext_noop("Uneven smile or lower-lip weakness"),
        submental_only=True,
    ),
    Symptom(
        "swallowing_difficulty",
        gettext_noop("Do you have difficulty swallowing?"),
        "dysphagia",
        gettext_noop("Difficulty swallowing"),
        submental_only=True,
    ),
)
SYMPTOMS_BY_KEY = {s.key: s for s in SYMPTOMS}

PAIN = Symptom("pain", gettext_noop("Pain"), "pain", gettext_noop("Pain"), onset_at_session=True)

# Which answers stand behind each red flag, so its escalation links to the right event.
RED_FLAG_ANSWERS: dict[str, tuple[str, ...]] = {
    "nerve_weakness": ("smile_weakness",),
    "dysphagia": ("swallowing_difficulty",),
    "ulceration_necrosis": ("skin_breakdown",),
    "fever": ("fever",),
    "infection": ("drainage",),
    "suspected_ntm": ("lump", "drainage"),
    "widespread_plaques": ("spreading_rash",),
    "anaesthetic_toxicity": ("anaesthetic_toxicity",),
}


def symptoms_for(submental: bool) -> tuple[Symptom, ...]:
    return tuple(s for s in SYMPTOMS if submental or not s.submental_only)


@dataclass(frozen=True)
class OutcomeQuestion:
    """One patient-reported score at an outcome visit, for one treated site."""

    key: str
    kind: str  # MEASUREMENT_KINDS code
    scale_version: str
    area: str
    side: str
    question: str
    choices: tuple[tuple[int, str], ...]


# GAIS, 1 = very much improved … 5 = worse (reference §5.4).
GAIS_CHOICES = (
    (1, gettext_noop("1 · Very much improved")),
    (2, gettext_noop("2 · Much improved")),
    (3, gettext_noop("3 · Improved")),
    (4, gettext_noop("4 · No change")),
    (5, gettext_noop("5 · Worse")),
)
# PR-SMFRS: "How much fat do you have under your chin right now?" 0–4 (reference §5.5);
# only the end points' wording is in the reference, so only they are labelled.
SMFRS_CHOICES = (
    (0, gettext_noop("0 · No chin fat at all")),
    (1, "1"),
    (2, "2"),
    (3, "3"),
    (4, gettext_noop("4 · A very large amount of chin fat")),
)
# PR-PCSS: 0 (none) to 4 (severe), rated per quadrant (reference §5.3).
PCSS_CHOICES = (
    (0, gettext_noop("0 · None")),
    (1, "1"),
    (2, "2"),
    (3, "3"),
    (4, gettext_noop("4 · Severe")),
)
SATISFACTION_CHOICES = tuple((n, str(n)) for n in range(11))
# PCSS is rated for the buttocks and the posterolateral thighs, left and right.
PCSS_AREAS = ("buttock", "thigh_posterior", "thigh_outer")


def _sides(side: str) -> tuple[str, ...]:
    # A quadrant scale needs a side; a bilateral treatment is rated left and right.
    return ("left", "right") if side == "bilateral" else (side,)


# Whole questions with named places for the site, so each language orders its own sentence;
# ``question_text.py`` fills them with the area and side in the patient's language.
SMFRS_QUESTION = gettext_noop("How much fat do you have under your chin right now?")
PCSS_QUESTION = gettext_noop("How severe is the cellulite on your %(area)s (%(side)s) now?")
GAIS_QUESTION = gettext_noop(
    "Compared with before your treatment, how does your %(area)s (%(side)s) look?"
)
SATISFACTION_QUESTION = gettext_noop(
    "How satisfied are you with the result on your %(area)s (%(side)s)? "
    "(0 = not at all, 10 = completely)"
)
QUESTION_PATTERNS = {
    "smfrs": SMFRS_QUESTION,
    "pcss": PCSS_QUESTION,
    "gais": GAIS_QUESTION,
    "satisfaction": SATISFACTION_QUESTION,
}


def _site_words(area: str, side: str) -> dict[str, str]:
    return {"area": AREAS.get(area, area).lower(), "side": SIDES.get(side, side).lower()}


def outcome_questions(indication: str, sites: list[tuple[str, str]]) -> list[OutcomeQuestion]:
    """The patient-reported scales for an outcome visit after treatment of ``sites``."""
    questions: list[OutcomeQuestion] = []
    for area, side in sites:
        if indication == "submental_fat" and area == "submental":
            questions.append(
                OutcomeQuestion(
                    f"smfrs_{area}_{side}",
                    "smfrs",
                    "PR-SMFRS 0-4",
                    area,
                    side,
                    SMFRS_QUESTION,
                    SMFRS_CHOICES,
                )
            )
        if indication == "cellulite" and area in PCSS_AREAS:
            for quadrant in _sides(side):
                questions.append(
                    OutcomeQuestion(
                        f"pcss_{area}_{quadrant}",
                        "pcss",
                        "PR-PCSS 0-4",
                        area,
                        quadrant,
                        PCSS_QUESTION % _site_words(area, quadrant),
                        PCSS_CHOICES,
                    )
                )
        questions.append(
            OutcomeQuestion(
                f"gais_{area}_{side}",
                "gais",
                "S-GAIS 1-5",
                area,
                side,
                GAIS_QUESTION % _site_words(area, side),
                GAIS_CHOICES,
            )
        )
        questions.append(
            OutcomeQuestion(
                f"satisfaction_{area}_{side}",
                "satisfaction",
                "0-10",
                area,
                side,
                SATISFACTION_QUESTION % _site_words(area, side),
                SATISFACTION_CHOICES,
            )
        )
    return questions
