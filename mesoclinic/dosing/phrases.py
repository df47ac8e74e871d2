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

# Tried in this order: the most specific first.
PATTERNS: tuple[str, ...] = (
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
    """The pattern ``text`` was written from and its values, or None."""
    for pattern in PATTERNS:
        found = _regex(pattern).fullmatch(text)
        if found:
            return pattern, found.groupdict()
    return None
