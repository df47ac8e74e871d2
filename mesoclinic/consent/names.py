"""Does the name the patient typed on a consent match the patient's record?

Pure Python. Names are compared as words, ignoring case, accents, punctuation and order
("maría lópez", "LOPEZ, Maria" and "Maria J. Lopez" all match Maria Lopez), so the question
is asked only when the typed name is really another one: a consent typed under another
person's name is the mistake this catches (a tablet handed to the wrong person, or the form
opened on the wrong chart).
"""

from __future__ import annotations

import re
import unicodedata


def name_words(text: str) -> list[str]:
    """The words of a name, lower-case, without accents or punctuation."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = plain.replace("'", "").replace("’", "")
    return [w for w in re.split(r"[^\w]+", plain) if w]


def names_match(typed: str, given_name: str, family_name: str) -> bool:
    """True when every word of the recorded name is among the typed words (extra words such
    as a middle name or initial are allowed), or when the record has no name to compare."""
    recorded = name_words(f"{given_name} {family_name}")
    if not recorded:
        return True
    typed_words = name_words(typed)
    remaining = list(typed_words)
    for word in recorded:
        if word not in remaining:
            return False
        remaining.remove(word)
    return True
