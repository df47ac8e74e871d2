"""Red flags in a patient's aftercare report, each with recommended next steps and sources.

Pure Python (no Django import). The rules are those of
../shared/reference/mesotherapy-clinical.md §4.4 (with §4.1 and §4.3 for the numbers); a
red flag is escalated at once to the practitioner's worklist and by email.
"""

from __future__ import annotations

from dataclasses import dataclass


def gettext_noop(message: str) -> str:
    """Marks ``message`` for the catalogue (``makemessages`` knows the name); pages translate
    it when they show it: a pure module imports no Django, and what is stored stays English."""
    return message


KYBELLA_LABEL = "https://www.oncologynurseadvisor.com/drug/kybella/"
KYBELLA_RED_FLAGS = "https://form.jotform.com/220567228182052"
REFINE_KYBELLA_SAFETY = "https://www.refineaestheticsllc.com/injectables/kybella-safety-info/"
NTM_SPAIN_SERIES = "https://proxy.weglot.com/wg_8714b7f1589aa0f6c92979708057c4a57/en/es/pubmed.ncbi.nlm.nih.gov/17550571"
NTM_MA_2024 = "https://searchworks.jioinstitute.edu.in/articles/cmedm__39395754"
NTM_RGM_DIAGNOSIS = "https://skin-disease-care.biocyclopedia.com/25313025.php"
NTM_MALLORCA_LOT = "https://elsevier.es/es-revista-enfermedades-infecciosas-microbiologia-clinica-28-articulo-an-outbreak-cutaneous-infection-due-S0213005X11001261"
NTM_ANTIBIOTIC_FAILURE = "https://elsevier.es/es-revista-enfermedades-infecciosas-microbiologia-clinica-english-428-articulo-abdominal-violaceous-skin-lesions-47-year-old-S2529993X18302235"
PLAQUES_CASE = (
    "https://actasdermo.org/en-intense-local-reaction-at-sites-articulo-S1578219017303384"
)
LA_TOXICITY = (
    "https://www.droracle.ai/articles/352897/what-is-the-maximum-safe-dose-of-lidocaine-lido"
)

# Mycobacterial lesions appeared 1–12 weeks after injection (median about 4 weeks):
# reference §4.4, from the Spanish series and Ma 2024 (median latency 28 days).
NTM_WINDOW_FIRST_DAY = 7
NTM_WINDOW_LAST_DAY = 12 * 7


@dataclass(frozen=True)
class Report:
    """What the patient answered, and where the session puts it in time.

    ``days_since_session`` counts whole days from the session to the report.
    """

    days_since_session: int
    lump: bool = False
    drainage: bool = False
    fever: bool = False
    skin_breakdown: bool = False
    smile_weakness: bool = False
    swallowing_difficulty: bool = False
    spreading_rash: bool = False
    anaesthetic_toxicity: bool = False


@dataclass(frozen=True)
class RedFlag:
    """One red flag: its code, why it was raised, what to do next and the sources."""

    code: str
    reason: str
    next_steps: str
    sources: tuple[str, ...]
    event_type: str  # the adverse-event type the answer is recorded as


NERVE = RedFlag(
    code="nerve_weakness",
    reason=gettext_noop(
        "Asymmetric smile or lower-lip weakness reported (possible marginal mandibular nerve injury)."
    ),
    next_steps=gettext_noop(
        "See the patient and examine the smile and lower lip; record the nerve injury and its "
        "course. In the deoxycholic acid trials all cases resolved spontaneously, median 44 days "
        "(range 1–298). Review before any further submental treatment."
    ),
    sources=(KYBELLA_LABEL, KYBELLA_RED_FLAGS, REFINE_KYBELLA_SAFETY),
    event_type="nerve_injury",
)
SWALLOWING = RedFlag(
    code="dysphagia",
    reason=gettext_noop("Difficulty swallowing reported after submental treatment."),
    next_steps=gettext_noop(
        "Call the patient today and assess; if swallowing or breathing is getting worse, send "
        "them to emergency care. In the deoxycholic acid trials all cases resolved, median 3 days "
        "(range 1–81). Review before any further submental treatment."
    ),
    sources=(KYBELLA_LABEL, KYBELLA_RED_FLAGS, REFINE_KYBELLA_SAFETY),
    event_type="dysphagia",
)
SKIN = RedFlag(
    code="ulceration_necrosis",
    reason=gettext_noop(
        "Open sore, or skin turning dark or black, at a treated site (possible ulceration or necrosis)."
    ),
    next_steps=gettext_noop(
        "See the patient the same day: examine and photograph the site. Withhold further "
        "treatment at the site until it has resolved (deoxycholic acid label)."
    ),
    sources=(KYBELLA_LABEL, KYBELLA_RED_FLAGS),
    event_type="ulceration",
)
FEVER = RedFlag(
    code="fever",
    reason=gettext_noop("Fever or feeling unwell after the session (possible infection)."),
    next_steps=gettext_noop(
        "Call the patient today and assess for infection. If there is also a lump, abscess or "
        "drainage 1–12 weeks after the session, follow the mycobacterial infection steps."
    ),
    sources=(NTM_SPAIN_SERIES, KYBELLA_LABEL),
    event_type="other",
)
INFECTION = RedFlag(
    code="infection",
    reason=gettext_noop("Drainage from a treated site (a sign of infection)."),
    next_steps=gettext_noop(
        "See the patient the same day and assess for infection; a lesion that appears or persists "
        "1–12 weeks after the session must be treated as a possible mycobacterial infection."
    ),
    sources=(KYBELLA_LABEL, KYBELLA_RED_FLAGS),
    event_type="infection",
)
NTM = RedFlag(
    code="suspected_ntm",
    reason=gettext_noop(
        "New lump, abscess or drainage 1–12 weeks after the session: suspect a non-tuberculous "
        "mycobacterial infection."
    ),
    next_steps=gettext_noop(
        "See the patient and take a punch biopsy for mycobacterial culture and PCR with "
        "susceptibility testing (acid-fast stains are often negative; tissue culture is the "
        "standard). Do not rely on standard antibiotics: mycobacteria resist most of them. "
        "List every other patient exposed to the same lot, product, practitioner and session "
        "dates, and contact them. Consider quarantining the lot and keep unused vials for culture."
    ),
    sources=(
        NTM_SPAIN_SERIES,
        NTM_MA_2024,
        NTM_RGM_DIAGNOSIS,
        NTM_ANTIBIOTIC_FAILURE,
        NTM_MALLORCA_LOT,
    ),
    event_type="nodule",
)
RASH = RedFlag(
    code="widespread_plaques",
    reason=gettext_noop("Raised patches or blisters spreading beyond the injection points."),
    next_steps=gettext_noop(
        "See the patient the same day and assess for a widespread reaction; photograph it. A "
        "reported case of intense plaques appeared 1 week after lipolytic mesotherapy."
    ),
    sources=(PLAQUES_CASE,),
    event_type="allergic_reaction",
)
ANAESTHETIC = RedFlag(
    code="anaesthetic_toxicity",
    reason=gettext_noop(
        "Numbness around the mouth, ringing in the ears, light-headedness, fits or an irregular "
        "heartbeat (signs of local-anaesthetic toxicity)."
    ),
    next_steps=gettext_noop(
        "Contact the patient at once; with fits, fainting or an irregular heartbeat send them to "
        "emergency care. Check the session's local-anaesthetic total against its dose limit."
    ),
    sources=(LA_TOXICITY,),
    event_type="other",
)


def in_ntm_window(days_since_session: int) -> bool:
    """Whether a new lesion falls in the 1–12 week mycobacterial latency window."""
    return NTM_WINDOW_FIRST_DAY <= days_since_session <= NTM_WINDOW_LAST_DAY


def red_flags(report: Report) -> list[RedFlag]:
    """Every red flag in ``report``, most urgent first. An empty list means none."""
    if report.days_since_session < 0:
        raise ValueError("a report cannot come before its session")
    flags: list[RedFlag] = []
    if report.anaesthetic_toxicity:
        flags.append(ANAESTHETIC)
    if report.swallowing_difficulty:
        flags.append(SWALLOWING)
    if report.smile_weakness:
        flags.append(NERVE)
    if report.skin_breakdown:
        flags.append(SKIN)
    if (report.lump or report.drainage) and in_ntm_window(report.days_since_session):
        flags.append(NTM)
    elif report.drainage:
        flags.append(INFECTION)
    if report.fever:
        flags.append(FEVER)
    if report.spreading_rash:
        flags.append(RASH)
    return flags
