"""The evidence texts in the active language: the ``Wording`` the pure sentence writer needs.

The labels of the shared clinical codes (outcome kinds, side-effect types, areas,
indications) are translated in the project's catalogue (``mesoclinic/locale``, marked in
``clinical_codes``), which gettext reads before any app's.
"""

from __future__ import annotations

from django.utils import formats
from django.utils.translation import gettext, gettext_noop, ngettext, ngettext_lazy

from mesoclinic.evidence.engine.notes import parse
from mesoclinic.evidence.sentences import Wording


def active_wording() -> Wording:
    """Sentences in the active language, with its decimal separator."""
    return Wording(
        gettext=gettext,
        ngettext=ngettext,
        decimal_separator=str(formats.get_format("DECIMAL_SEPARATOR")),
    )


# ``sentences.EVENT_RESOLVED`` with its plural, for the catalogue (``test_it_marks_…`` keeps the
# two copies equal).
EVENT_RESOLVED = ngettext_lazy(
    "%(event)s followed %(rate)s of sessions (95%% CI %(low)s–%(high)s; %(k)s of %(n)s patients) and resolved in a median of %(days)s day.",  # fmt: skip
    "%(event)s followed %(rate)s of sessions (95%% CI %(low)s–%(high)s; %(k)s of %(n)s patients) and resolved in a median of %(days)s days.",  # fmt: skip
    "days",
)


def _value(value: str) -> str:
    """A value written into a note, in the reader's language: a code list's label (a side
    effect, an outcome, an area, lower-cased in a sentence), a site's own note, or a number
    and a name as they are."""
    translated = translated_note(value)
    if translated != value or not value[:1].islower():
        return translated
    # An area written lower-case in the sentence ("flank"): its label is capitalised.
    capital = value[:1].upper() + value[1:]
    label = gettext(capital)
    return label.lower() if label != capital else value


def translated_note(text: str) -> str:
    """A limitation or a reason a figure is missing, in the reader's language: a fixed
    sentence from the catalogue, or one the engine wrote with this report's numbers
    (``engine.notes``), written again from its translated pattern with the same values."""
    translated = gettext(text)
    if translated != text:
        return translated  # a fixed sentence ("multiplicity: …" is not a site's line)
    found = parse(text)
    if found is None:
        return text
    pattern, values = found
    return gettext(pattern) % {name: _value(value) for name, value in values.items()}


# A dose in mg of one substance, named whole (French elides: "mg d’acide désoxycholique").
MG_OF = {
    "mg deoxycholic acid": gettext_noop("mg of deoxycholic acid"),
    "mg phosphatidylcholine": gettext_noop("mg of phosphatidylcholine"),
    "mg lidocaine": gettext_noop("mg of lidocaine"),
    "mg procaine": gettext_noop("mg of procaine"),
    "mg collagenase": gettext_noop("mg of collagenase"),
}


def dose_unit_words(unit: str | None) -> str:
    """The dose-response's unit for a reader: millilitres as mL (SI), milligrams of one
    substance named in the reader's language where the catalogue has the substance, else as
    the engine wrote it."""
    if unit in (None, "", "ml"):
        return "mL"
    text = str(unit)
    return gettext(MG_OF[text]) if text in MG_OF else text
