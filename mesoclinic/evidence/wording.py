"""The evidence texts in the active language: the ``Wording`` the pure sentence writer needs.

The labels of the shared clinical codes (outcome kinds, side-effect types, areas,
indications) are translated in the project's catalogue (``mesoclinic/locale``, marked in
``clinical_codes``), which gettext reads before any app's.
"""

from __future__ import annotations

from django.utils import formats
from django.utils.translation import gettext, ngettext, ngettext_lazy

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
