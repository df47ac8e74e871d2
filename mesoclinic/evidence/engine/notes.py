"""The report's sentences written with its numbers (limitations, reasons a figure is missing),
each one whole pattern with named places (pure Python, no Django).

The engine writes them in English (the report's JSON is English, spec); the pages and the PDF
show them in the reader's language with ``evidence.notes_display.translated_note``, which
finds the pattern a sentence was written from and its values, and writes the translated
pattern with the same values. A sentence is never glued from fragments: a translator orders
the words of their language.
"""

from __future__ import annotations

import re
from functools import cache


def gettext_noop(message: str) -> str:
    """Marks ``message`` for the evidence catalogue (``makemessages`` knows the name); the
    engine is pure, so the pages translate it where they show it."""
    return message


UNATTRIBUTED_EVENTS = gettext_noop("%(count)s adverse events without a session could not be attributed to a session of this report and are not counted")  # fmt: skip
EVENTS_WITHOUT_DURATION = gettext_noop("%(event)s: %(count)s events with neither a resolution nor a last-seen-unresolved date on or after onset are left out of time to resolution")  # fmt: skip
MEDIAN_NOT_REACHED = gettext_noop("%(event)s: median time to resolution not reached (fewer than half of the followed events were seen resolved)")  # fmt: skip
NAIVE_NOT_COMPUTED = gettext_noop("naive change not computed: %(count)s courses with a follow-up measurement (at least %(needed)s needed)")  # fmt: skip
NO_WEIGHT = gettext_noop("%(count)s treated-site measurements had no weight within 7 days and are not in the adjusted model")  # fmt: skip
PER_SESSION_NOT_COMPUTED = gettext_noop("per-session effect not computed: %(count)s patients with weight-matched measurements (at least %(needed)s needed)")  # fmt: skip
PER_SESSION_NOT_REPORTED = gettext_noop("per-session effect not reported: mixed model %(reason)s")  # fmt: skip
CONTROL_NOT_COMPUTED = gettext_noop("control-site difference not computed: %(count)s patients with paired treated and control readings on two or more dates (at least %(needed)s needed)")  # fmt: skip
TIMING = gettext_noop("timing: %(missing)s of %(courses)s rated courses (%(percent)s%%) have no rating 8–16 weeks after the last session; their last rating was taken earlier (some at a session, before the course was complete), and courses whose patients stopped coming are judged on an earlier, possibly different, rating")  # fmt: skip
ATTRITION = gettext_noop("attrition: %(missing)s of %(courses)s courses (%(percent)s%%) have no reading 8–16 weeks after the last session; the mixed model is valid if dropout depends only on what was observed (MAR), not if patients left because it did not work (MNAR)")  # fmt: skip
NO_BASELINE = gettext_noop("%(count)s courses had no baseline reading in the 30 days up to the first session and are excluded")  # fmt: skip
NO_RATING = gettext_noop("%(count)s courses have no clinician rating of this outcome after the first session and are not in the counts")  # fmt: skip
NO_SESSIONS = gettext_noop("no sessions recorded for this indication (%(indication)s)")  # fmt: skip
NO_SESSIONS_IN_AREA = gettext_noop("no sessions recorded for this indication (%(indication)s, %(area)s)")  # fmt: skip
NO_MCID = gettext_noop("responder rate not reported: %(outcome)s has no validated minimal clinically important difference in the reference, so no threshold is invented")  # fmt: skip
RESPONDERS_NOT_COMPUTED = gettext_noop("responder rate not computed: %(count)s courses with a reading 8–16 weeks after the last session (at least %(needed)s needed)")  # fmt: skip
# One sentence per rater: "clinician-rated" is one word in English, not in every language.
RATED_RESPONDERS_NOT_COMPUTED = {
    "clinician": gettext_noop(
        "responder rate (clinician-rated GAIS) not computed: %(count)s courses with a clinician rating after the first session (at least %(needed)s needed)"
    ),  # fmt: skip
    "patient": gettext_noop(
        "responder rate (patient-rated GAIS) not computed: %(count)s courses with a patient rating after the first session (at least %(needed)s needed)"
    ),  # fmt: skip
}
POOLED_OVER = gettext_noop("pooled over %(sites)s sites, each analysed on its own and combined with a random site effect (two-stage random-effects meta-analysis); a site contributes to an estimate only where it has enough data for it")  # fmt: skip
SITES_DISAGREE = gettext_noop("the sites disagree (I² = %(i2)s%%, τ = %(tau)s per session): the pooled per-session effect is the mean of effects that differ between practices; what a new practice can expect lies in the prediction interval %(prediction)s, not in the pooled CI")  # fmt: skip
NOT_POOLED = gettext_noop("per-session effect not pooled: fewer than %(sites)s sites could estimate it")  # fmt: skip
SINGLE_SITE_LINES = gettext_noop("%(count)s limitations apply to single sites; each site's own report lists them")  # fmt: skip
TOO_FEW_PRICED = gettext_noop("too few priced courses in %(currency)s: %(count)s (at least %(needed)s needed)")  # fmt: skip
DOSE_NOT_COMPUTED = gettext_noop("dose-response not computed: %(count)s courses with a recorded dose at every session and at least %(readings)s readings, %(doses)s distinct doses (at least %(needed)s courses and %(needed_doses)s doses needed)")  # fmt: skip
# Last: it matches any sentence with a colon, so every pattern above is tried first.
SITE_LINE = gettext_noop("%(site)s: %(line)s")

PATTERNS: tuple[str, ...] = (
    TOO_FEW_PRICED,
    DOSE_NOT_COMPUTED,
    UNATTRIBUTED_EVENTS,
    EVENTS_WITHOUT_DURATION,
    MEDIAN_NOT_REACHED,
    NAIVE_NOT_COMPUTED,
    NO_WEIGHT,
    PER_SESSION_NOT_COMPUTED,
    PER_SESSION_NOT_REPORTED,
    CONTROL_NOT_COMPUTED,
    TIMING,
    ATTRITION,
    NO_BASELINE,
    NO_RATING,
    NO_SESSIONS_IN_AREA,
    NO_SESSIONS,
    NO_MCID,
    RESPONDERS_NOT_COMPUTED,
    *RATED_RESPONDERS_NOT_COMPUTED.values(),
    POOLED_OVER,
    SITES_DISAGREE,
    NOT_POOLED,
    SINGLE_SITE_LINES,
    SITE_LINE,
)

_PLACE = re.compile(r"%\((\w+)\)s|%%")


@cache
def _regex(pattern: str) -> re.Pattern[str]:
    parts: list[str] = []
    last = 0
    for place in _PLACE.finditer(pattern):
        parts.append(re.escape(pattern[last : place.start()]))
        parts.append("%" if place.group(0) == "%%" else rf"(?P<{place.group(1)}>.+?)")
        last = place.end()
    parts.append(re.escape(pattern[last:]))
    return re.compile("".join(parts), re.DOTALL)


def parse(text: str) -> tuple[str, dict[str, str]] | None:
    """The pattern ``text`` was written from and its values, or None for a fixed sentence."""
    for pattern in PATTERNS:
        found = _regex(pattern).fullmatch(text)
        if found:
            return pattern, found.groupdict()
    return None
