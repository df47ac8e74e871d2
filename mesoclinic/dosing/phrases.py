"""The dose check's words built from its numbers (a cap, a limit's basis, a rule set's name),
each one whole pattern with named places (pure Python, no Django).

The engine writes them in English: ``dose-check`` JSON and the snapshot kept at signing stay
English (docs/dose-rules.md). The pages show them in the reader's language with
``dosing.wording.dose_words``, which finds the pattern a text was written from and its values
and writes the translated pattern with the same values. A text with no pattern is looked up
whole (the sourced bases below), else shown as written.
"""

from __future__ import annotations

import re
from functools import cache


def gettext_noop(message: str) -> str:
    """Marks ``message`` for the dosing catalogue (``makemessages`` knows the name)."""
    return message


DEFAULT_RULES = gettext_noop("default rules")
RULES_WITH_PRACTICE_LIMITS = gettext_noop("%(rules)s + practice limits")
RULES_WITH_PROTOCOL = gettext_noop("%(rules)s + protocol %(protocol)s")
RULES_WITH_TIGHTENED_LABEL = gettext_noop("%(rules)s + tightened label limits")
CAP_MG = gettext_noop("%(mg)s mg per session")
CAP_MG_PER_KG = gettext_noop("%(mg_per_kg)s mg/kg per session")
CAP_BOTH = gettext_noop("%(mg_per_kg)s mg/kg and at most %(mg)s mg per session")
PRACTICE_LIMIT = gettext_noop("practice limit: %(cap)s")
PROTOCOL_LIMIT = gettext_noop("protocol %(protocol)s: %(cap)s")
BY_WEIGHT = gettext_noop("%(basis)s (%(mg_per_kg)s mg/kg × %(weight_kg)s kg = %(mg)s mg)")
ALSO_CHECKED = gettext_noop("%(basis)s; also checked: %(others)s")
OTHER_LIMIT = gettext_noop("%(mg)s mg (%(basis)s)")
# The sourced bases of the default caps (rules.default_caps), read whole.
PROCAINE_LABEL = gettext_noop('label: 350–600 mg "is generally considered to be a single safe total dose"')  # fmt: skip
PC_NETWORK_LIPOLYSIS = gettext_noop("Network-Lipolysis: maximum 2,500 mg phosphatidylcholine per session")  # fmt: skip
PC_NETWORK_LIPOLYSIS_SOURCED = gettext_noop("Network-Lipolysis: maximum 2,500 mg phosphatidylcholine per session (%(source)s)")  # fmt: skip
NO_DEFAULT_LIMIT = gettext_noop("no default limit; a practice or protocol may configure one")
MIXTURE_DEOXYCHOLATE = gettext_noop("deoxycholate in a phosphatidylcholine mixture (PC/DC lipolysis): the deoxycholic acid label's limits do not apply; the session is limited by the phosphatidylcholine limit")  # fmt: skip

# The engine's findings and the lidocaine limits (engine.py, anaesthetics.py).
TOXICITY_SIGNS = gettext_noop("watch for local-anaesthetic toxicity (perioral numbness, tinnitus, light-headedness, seizures or arrhythmia; %(source)s)")  # fmt: skip
ABOVE_LIMIT_TOXIC = gettext_noop("%(substance)s total %(mg)s mg is above %(limit_mg)s mg (%(basis)s); %(toxicity)s")  # fmt: skip
ABOVE_LIMIT = gettext_noop("%(substance)s total %(mg)s mg is above %(limit_mg)s mg (%(basis)s)")
ABOVE_USUAL = gettext_noop("%(substance)s total %(mg)s mg is above %(warn_mg)s mg, the lower end of the safe range (%(basis)s); the maximum is %(limit_mg)s mg")  # fmt: skip
WEIGHT_REQUIRED = gettext_noop("cannot verify the %(mg_per_kg)s mg/kg limit on %(substance)s: %(weight)s; record the patient's weight before this session")  # fmt: skip
WEIGHT_REQUIRED_OF = gettext_noop("cannot verify the %(origin)s: %(mg_per_kg)s mg/kg limit on %(substance)s: %(weight)s; record the patient's weight before this session")  # fmt: skip
LIDOCAINE_WEIGHT_REQUIRED = gettext_noop("cannot verify the lidocaine mg/kg limit: %(weight)s; record the patient's weight before this session")  # fmt: skip
NO_WEIGHT_RECORDED = gettext_noop("no weight recorded")
NO_IDEAL_WEIGHT = gettext_noop("ideal body weight chosen as the basis but none given")
ACTUAL_WEIGHT = gettext_noop("actual weight %(kg)s kg")
IDEAL_WEIGHT_NO_ACTUAL = gettext_noop("ideal body weight %(kg)s kg (no actual weight recorded)")
IDEAL_WEIGHT_BELOW_ACTUAL = gettext_noop("ideal body weight %(kg)s kg (actual %(actual_kg)s kg)")
ACTUAL_WEIGHT_NOT_ABOVE_IDEAL = gettext_noop("actual weight %(kg)s kg (not above the ideal body weight %(ideal_kg)s kg, so the lower value is used)")  # fmt: skip
CAP_ONLY = gettext_noop("%(cap_mg)s mg cap only (%(mg_per_kg)s mg/kg cannot be checked: %(weight)s)")  # fmt: skip
CAPPED = gettext_noop("%(mg_per_kg)s mg/kg (%(mg)s mg) capped at %(cap_mg)s mg")
UNDER_CAP = gettext_noop("%(mg_per_kg)s mg/kg × %(weight_kg)s kg = %(mg)s mg (under the %(cap_mg)s mg cap)")  # fmt: skip
PLAIN_LIDOCAINE = gettext_noop("plain: %(limit)s; weight basis: %(weight)s")
LIDOCAINE_WITH_EPINEPHRINE = gettext_noop("with epinephrine: %(limit)s; weight basis: %(weight)s")
PLAIN_PORTION_ABOVE = gettext_noop("the plain (no epinephrine) lidocaine portion is %(mg)s mg, above %(limit_mg)s mg (%(limit)s); %(toxicity)s")  # fmt: skip
MIXED_LIDOCAINE = gettext_noop("plain and with-epinephrine lidocaine in one session: the combined total is checked against the with-epinephrine limit, %(epinephrine_limit)s, and the plain portion (%(mg)s mg) against the plain limit, %(plain_limit)s; weight basis: %(weight)s")  # fmt: skip

# The labels of deoxycholic acid and collagenase (labelled.py).
DCA_VOLUME_ABOVE = gettext_noop("deoxycholic acid volume %(ml)s mL is above the label's %(max_ml)s mL per treatment")  # fmt: skip
DCA_POINTS_NOT_RECORDED = gettext_noop("%(where)s: no number of injection points, so the label's %(ml_per_injection)s mL per injection and %(max_injections)s injections per treatment were not checked")  # fmt: skip
DCA_PER_POINT_ABOVE = gettext_noop("%(where)s: %(ml)s mL over %(points)s points is more than the label's %(ml_per_injection)s mL per injection")  # fmt: skip
DCA_PER_POINT_BELOW = gettext_noop("%(where)s: %(ml)s mL over %(points)s points is less than the label's %(ml_per_injection)s mL per injection")  # fmt: skip
DCA_ADMIXTURE = gettext_noop('%(where)s: deoxycholic acid mixed with %(others)s; the label says "dilution or admixture with other compounds is not recommended"')  # fmt: skip
DCA_OFF_LABEL_AREA = gettext_noop('%(where)s: deoxycholic acid in the %(area)s area; use outside the submental region is "not established and is not recommended"')  # fmt: skip
DCA_INJECTIONS_ABOVE = gettext_noop("%(injections)s deoxycholic acid injections; the label allows at most %(max_injections)s per treatment")  # fmt: skip
DCA_UNDER_AGE = gettext_noop("the patient is %(age)s; safety and efficacy of deoxycholic acid under %(adult_age)s years are not established")  # fmt: skip
DCA_LABEL = gettext_noop("label: at most %(max_ml)s mL (%(max_mg)s mg), %(max_injections)s injections of %(ml_per_injection)s mL, per treatment")  # fmt: skip
DCA_HISTORY_AMBIGUOUS = gettext_noop("the session of %(date)s lists deoxycholic acid with phosphatidylcholine; it is taken as a PC/DC session and not counted toward the deoxycholic acid label's interval and course; check it was not a separate labelled treatment")  # fmt: skip
DCA_INTERVAL = gettext_noop("%(days)s days since the last deoxycholic acid session on %(last)s; the label requires no less than %(months)s month(s) between treatments, so not before %(earliest)s")  # fmt: skip
DCA_COURSE = gettext_noop("this would be deoxycholic acid treatment %(number)s; the label allows up to %(max_sessions)s treatments")  # fmt: skip
COLLAGENASE_OFF_LABEL_AREA = gettext_noop("%(where)s: collagenase in the %(area)s area; the label is for buttock cellulite")  # fmt: skip
COLLAGENASE_PER_AREA_ABOVE = gettext_noop("collagenase %(mg)s mg in %(area)s; the label allows %(mg_per_area)s mg per treatment area")  # fmt: skip
COLLAGENASE_PER_AREA_ABOVE_BILATERAL = gettext_noop("collagenase %(mg)s mg in %(area)s (%(side)s); the label allows %(mg_per_area)s mg per treatment area (bilateral counts as two areas)")  # fmt: skip
COLLAGENASE_PER_SIDE_ABOVE = gettext_noop("collagenase %(mg)s mg in %(area)s (%(side)s); the label allows %(mg_per_area)s mg per treatment area")  # fmt: skip
COLLAGENASE_AREAS_ABOVE = gettext_noop("collagenase in %(areas)s treatment areas; the label allows at most %(max_areas)s per visit")  # fmt: skip
COLLAGENASE_INTERVAL = gettext_noop("%(days)s days since the last collagenase visit on %(last)s; the label schedules visits every %(interval)s days")  # fmt: skip
COLLAGENASE_COURSE = gettext_noop("this would be collagenase visit %(number)s; the label gives %(max_visits)s visits")  # fmt: skip
COLLAGENASE_LABEL = gettext_noop("label: %(mg_per_area)s mg per treatment area × %(areas)s area(s) treated (at most %(max_areas)s per visit)")  # fmt: skip

# How today's check of a signed session differs from the one kept at signing (snapshot.py).
SINCE_PRESENCE = gettext_noop("%(substance)s: %(then)s at signing, %(now)s today")
SINCE_TOTAL = gettext_noop("%(substance)s total: %(then)s at signing, %(now)s today")
SINCE_LIMIT = gettext_noop("%(substance)s limit: %(then)s at signing, %(now)s today (%(basis)s)")  # fmt: skip
NEW_VIOLATION = gettext_noop("a new violation today: %(message)s")
NO_LONGER_VIOLATION = gettext_noop("no longer a violation today: %(message)s")
NEW_WARNING = gettext_noop("a new warning today: %(message)s")
NO_LONGER_WARNING = gettext_noop("no longer a warning today: %(message)s")
ENGINE_CHANGED = gettext_noop("the engine's default rules changed since signing (engine %(then_version)s, rules %(then_rules)s at signing; engine %(now_version)s, rules %(now_rules)s today)")  # fmt: skip
LIMIT_ADDED = gettext_noop("practice limit added since signing: %(limit)s")
LIMIT_REMOVED = gettext_noop("practice limit no longer applied: %(limit)s")
LIMIT_CHANGED = gettext_noop("practice limit changed: %(then)s at signing, %(now)s today")
PROTOCOL_CHANGED = gettext_noop("protocol limits: %(then)s at signing, %(now)s today")
PROTOCOL_LIMITS_CHANGED = gettext_noop("the limits of protocol %(protocol)s changed since signing")  # fmt: skip
WEIGHT_CHANGED = gettext_noop("weight at signing: %(then)s; today: %(now)s")
WEIGHT_ON = gettext_noop("%(weight)s kg, %(origin)s of %(date)s")
IN_PC_MIXTURE = gettext_noop("%(substance)s (in PC mixture)")
LIMIT_WITH_PROTOCOL = gettext_noop("%(limit)s (protocol %(protocol)s)")
LIMIT_BOTH = gettext_noop("%(substance)s %(max_mg_per_kg)s mg/kg and at most %(max_mg)s mg")
LIMIT_MG_PER_KG = gettext_noop("%(substance)s %(max_mg_per_kg)s mg/kg")
LIMIT_MG = gettext_noop("%(substance)s %(max_mg)s mg")
NO_LIMIT = gettext_noop("no limit")
NONE = gettext_noop("none")
# The names of the substances the engine has rules for, as its messages write them (a code
# with spaces): codes stay language-neutral, their names translate. Not phosphatidylcholine
# nor deoxycholic acid: the product, protocol and consent names a clinic writes use them, and
# a page must not show the clinic's "deoxycholic acid" beside a translated one.
SUBSTANCE_NAMES = (
    gettext_noop("lidocaine"),
    gettext_noop("procaine"),
    gettext_noop("collagenase"),
    gettext_noop("epinephrine"),
)

# Tried in this order: the most specific first.
PATTERNS: tuple[str, ...] = (
    ENGINE_CHANGED,
    NEW_VIOLATION,
    NO_LONGER_VIOLATION,
    NEW_WARNING,
    NO_LONGER_WARNING,
    LIMIT_ADDED,
    LIMIT_REMOVED,
    LIMIT_CHANGED,
    PROTOCOL_CHANGED,
    PROTOCOL_LIMITS_CHANGED,
    WEIGHT_CHANGED,
    SINCE_LIMIT,
    SINCE_TOTAL,
    DCA_VOLUME_ABOVE,
    DCA_POINTS_NOT_RECORDED,
    DCA_PER_POINT_ABOVE,
    DCA_PER_POINT_BELOW,
    DCA_ADMIXTURE,
    DCA_OFF_LABEL_AREA,
    DCA_INJECTIONS_ABOVE,
    DCA_UNDER_AGE,
    DCA_LABEL,
    DCA_INTERVAL,
    DCA_COURSE,
    COLLAGENASE_OFF_LABEL_AREA,
    COLLAGENASE_PER_AREA_ABOVE_BILATERAL,
    COLLAGENASE_PER_SIDE_ABOVE,
    COLLAGENASE_PER_AREA_ABOVE,
    COLLAGENASE_AREAS_ABOVE,
    COLLAGENASE_INTERVAL,
    COLLAGENASE_COURSE,
    COLLAGENASE_LABEL,
    TOXICITY_SIGNS,
    PLAIN_PORTION_ABOVE,
    MIXED_LIDOCAINE,
    ABOVE_LIMIT_TOXIC,
    ABOVE_USUAL,
    ABOVE_LIMIT,
    LIDOCAINE_WEIGHT_REQUIRED,
    WEIGHT_REQUIRED_OF,
    WEIGHT_REQUIRED,
    ACTUAL_WEIGHT_NOT_ABOVE_IDEAL,
    IDEAL_WEIGHT_NO_ACTUAL,
    IDEAL_WEIGHT_BELOW_ACTUAL,
    ACTUAL_WEIGHT,
    CAP_ONLY,
    UNDER_CAP,
    CAPPED,
    PLAIN_LIDOCAINE,
    LIDOCAINE_WITH_EPINEPHRINE,
    ALSO_CHECKED,
    BY_WEIGHT,
    PC_NETWORK_LIPOLYSIS_SOURCED,
    RULES_WITH_PRACTICE_LIMITS,
    RULES_WITH_TIGHTENED_LABEL,
    RULES_WITH_PROTOCOL,
    CAP_BOTH,
    CAP_MG_PER_KG,
    CAP_MG,
    PRACTICE_LIMIT,
    PROTOCOL_LIMIT,
    OTHER_LIMIT,
    # The generic ones last: a limit's text, a substance's name.
    SINCE_PRESENCE,
    WEIGHT_ON,
    LIMIT_WITH_PROTOCOL,
    IN_PC_MIXTURE,
    LIMIT_BOTH,
    LIMIT_MG_PER_KG,
    LIMIT_MG,
)

_PLACE = re.compile(r"%\((\w+)\)s|%%")
# Places that hold a number only: a limit's text puts a substance's name of several words
# right before its amount ("deoxycholic acid 100 mg"), which a lazy match would split wrongly.
_NUMBERS = {"max_mg", "max_mg_per_kg"}


@cache
def _regex(pattern: str) -> re.Pattern[str]:
    parts: list[str] = []
    last = 0
    for place in _PLACE.finditer(pattern):
        parts.append(re.escape(pattern[last : place.start()]))
        if place.group(0) == "%%":
            parts.append("%")
        elif place.group(1) in _NUMBERS:
            parts.append(rf"(?P<{place.group(1)}>[0-9][0-9.,]*)")
        else:
            parts.append(rf"(?P<{place.group(1)}>.+?)")
        last = place.end()
    parts.append(re.escape(pattern[last:]))
    return re.compile("".join(parts), re.DOTALL)


def parse(text: str) -> tuple[str, dict[str, str]] | None:
    """The pattern ``text`` was written from and its values, or None."""
    for pattern in PATTERNS:
        found = _regex(pattern).fullmatch(text)
        if found:
            return pattern, found.groupdict()
    return None
