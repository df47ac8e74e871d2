"""Whether two people's names could be the same person's, written differently.

Pure Python (no Django): the duplicate check at registration asks this of every patient of the
clinic born on the same day, so it must be cheap, and its rules are easiest to judge in a table
test. A false "similar" costs the receptionist one confirmation; a missed one puts a second
chart, with a second allergy list, under the same person. The rules therefore lean towards
asking, while keeping clearly different people born the same day (twins: "Anna" and "Paul
Schmidt") apart.

A name is compared after folding away what typists and systems vary: case, accents (é, ü, ø),
hyphens, apostrophes and spacing ("López-García", "lopez garcia", "LOPEZGARCIA"). Two names are
similar when:
  - they are the same words in any order or split between the fields ("Mary Ann | Smith" and
    "Smith | Mary Ann"), or the same letters once spaces are dropped ("Maryann | Smith");
  - or both the given and the family names are close, also with given and family swapped: close
    means equal once spaces are dropped, or one's words are a subset of the other's (a second
    surname or middle name left out), or a small edit distance (a typo: one letter for names
    of 4 to 7 letters, two from 8; short names must match exactly, so "Ana" is not "Ava"), or,
    for the given name only, an initial ("M." and "Maria").
"""

from __future__ import annotations

import unicodedata

# Letters that Unicode does not decompose into a base letter and an accent.
_FOLD = str.maketrans(
    {"ı": "i", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe"}
)

# Name particles: a family name written with or without them is the same name, but they say
# nothing on their own ("de Souza" and "de Lima" share only "de").
# fmt: off
_PARTICLES = frozenset({
    "al", "bin", "binti", "da", "das", "de", "degli", "del", "della", "den", "der", "di", "do",
    "dos", "du", "el", "la", "le", "ten", "ter", "van", "von", "y",
})
# fmt: on


def normalise(text: str) -> str:
    """Fold case and accents, and turn hyphens, apostrophes, dots and runs of spaces into one space."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    letters = "".join(c for c in decomposed if not unicodedata.combining(c)).translate(_FOLD)
    return " ".join("".join(c if c.isalnum() else " " for c in letters).split())


def words(text: str) -> tuple[str, ...]:
    return tuple(normalise(text).split())


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (a swap of two neighbours is one edit), capped at limit + 1."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return min(previous[-1], limit + 1)


def _typos_allowed(length: int) -> int:
    if length < 4:
        return 0
    return 1 if length < 8 else 2


def _meaningful(part: tuple[str, ...]) -> set[str]:
    return {w for w in part if len(w) > 1 and w not in _PARTICLES}


def _close(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    if not a or not b:
        return False
    joined_a, joined_b = "".join(a), "".join(b)
    if joined_a == joined_b:
        return True
    core_a, core_b = _meaningful(a), _meaningful(b)
    if core_a and core_b and (core_a <= core_b or core_b <= core_a):
        return True
    allowed = _typos_allowed(min(len(joined_a), len(joined_b)))
    return allowed > 0 and edit_distance(joined_a, joined_b, allowed) <= allowed


def _given_close(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    if _close(a, b):
        return True
    # An initial stands for a given name that starts with it.
    return bool(a and b) and (
        (len(a[0]) == 1 and b[0].startswith(a[0])) or (len(b[0]) == 1 and a[0].startswith(b[0]))
    )


def similar_names(given_a: str, family_a: str, given_b: str, family_b: str) -> bool:
    """Could "given_a family_a" and "given_b family_b" name the same person?"""
    ga, fa, gb, fb = words(given_a), words(family_a), words(given_b), words(family_b)
    if not (ga or fa) or not (gb or fb):
        return False
    if sorted(ga + fa) == sorted(gb + fb):
        return True
    joined_a = {"".join(ga + fa), "".join(fa + ga)}
    if joined_a & {"".join(gb + fb), "".join(fb + gb)}:
        return True
    # Swapped fields are matched without the initial rule: it is for a given name only.
    return (_given_close(ga, gb) and _close(fa, fb)) or (_close(ga, fb) and _close(fa, gb))
