"""Which substance names a practice dose limit may name (docs/dose-rules.md, "Practice limits").

Pure Python (no Django import). A limit only applies when its substance is the code an
ingredient is counted under (dosing.services.substance_code), so a misspelt name ("lidocain")
would be a limit that never applies. The vocabulary is the engine's known codes plus the
substances of the clinic's own product ingredients; a known other name (``xylocaine``,
``lignocaine`` …, rules.SUBSTANCE_ALIASES) is accepted as the code it is counted under.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from mesoclinic.dosing.rules import (
    COLLAGENASE,
    DEOXYCHOLIC_ACID,
    LIDOCAINE,
    PHOSPHATIDYLCHOLINE,
    PROCAINE,
    SUBSTANCE_ALIASES,
)

EPINEPHRINE = "epinephrine"
# Other names of epinephrine: a product listing one of them makes its lidocaine "with
# epinephrine" (R2), and the ingredient is counted as epinephrine.
EPINEPHRINE_NAMES = frozenset({EPINEPHRINE, "adrenaline"})

# The substances the engine has rules or conventions for (rules.py, services.py).
ENGINE_SUBSTANCES = frozenset(
    {LIDOCAINE, PROCAINE, DEOXYCHOLIC_ACID, PHOSPHATIDYLCHOLINE, COLLAGENASE, EPINEPHRINE}
)

# How many close names to suggest for an unknown one, and how close they must be (difflib's
# ratio, 0–1): "lidocain" → lidocaine is 0.94; 0.75 keeps unrelated codes out.
_SUGGESTIONS = 3
_CUTOFF = 0.75


def normalise(name: str) -> str:
    """'Deoxycholic acid', 'deoxycholic-acid' and 'DEOXYCHOLIC_ACID' are one code."""
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


def counted_as(name: str) -> str:
    """The code an ingredient of this name is counted under by the dose check."""
    code = normalise(name)
    if code in EPINEPHRINE_NAMES:
        return EPINEPHRINE
    return SUBSTANCE_ALIASES.get(code, code)


class UnknownSubstance(ValueError):
    """A name that no product of the clinic and no engine rule knows; ``suggestions`` are the
    closest known codes, best first."""

    def __init__(self, name: str, suggestions: list[str]) -> None:
        self.name = name
        self.suggestions = suggestions
        hint = (
            f"did you mean {' or '.join(suggestions)}?"
            if suggestions
            else "choose one from the list (the ingredients of this clinic's products and the "
            "substances the dose rules know)."
        )
        super().__init__(
            f"“{name}” is not an ingredient of any product of this clinic nor a substance the "
            f"dose rules know, so a limit on it would never apply; {hint}"
        )


@dataclass(frozen=True)
class SubstanceVocabulary:
    """The codes a limit may name, and every accepted spelling mapped to its code."""

    codes: frozenset[str]

    @classmethod
    def of(cls, ingredient_names: Iterable[str]) -> SubstanceVocabulary:
        """The engine's substances plus the clinic's ingredients (as counted)."""
        return cls(ENGINE_SUBSTANCES | {counted_as(name) for name in ingredient_names if name})

    def resolve(self, name: str) -> str:
        """The code for ``name``; raises UnknownSubstance naming the closest known ones."""
        code = counted_as(name)
        if code in self.codes:
            return code
        spellings = self.spellings()
        close = difflib.get_close_matches(
            normalise(name), list(spellings), n=_SUGGESTIONS * 2, cutoff=_CUTOFF
        )
        suggestions: list[str] = []
        for spelling in close:
            suggested = spellings[spelling]
            if suggested not in suggestions:
                suggestions.append(suggested)
        raise UnknownSubstance(name.strip(), suggestions[:_SUGGESTIONS])

    def knows(self, code: str) -> bool:
        return code in self.codes

    def spellings(self) -> dict[str, str]:
        """Every accepted spelling (codes, and the aliases of known codes) → its code."""
        found = {code: code for code in self.codes}
        for alias, code in SUBSTANCE_ALIASES.items():
            if code in self.codes:
                found[alias] = code
        found.update(dict.fromkeys(EPINEPHRINE_NAMES, EPINEPHRINE))
        return found

    def options(self) -> list[tuple[str, str]]:
        """(value, label) for a datalist: each code, with the other names it covers."""
        aliases: dict[str, list[str]] = {}
        for spelling, code in self.spellings().items():
            if spelling != code:
                aliases.setdefault(code, []).append(spelling)
        return [
            (
                code,
                code.replace("_", " ")
                + (f" (also: {', '.join(sorted(aliases[code]))})" if code in aliases else ""),
            )
            for code in sorted(self.codes)
        ]
