"""The evidence texts in the active language: the ``Wording`` the pure sentence writer needs,
and the labels of the shared clinical codes the evidence pages and PDF show.

``clinical_codes`` is pure and holds no catalogue of its own; the labels the report names
(outcome kinds, side-effect types, areas, indications) are marked here for this app's
catalogue, and gettext finds them in whichever catalogue has them.
"""

from __future__ import annotations

from django.utils import formats
from django.utils.translation import gettext, gettext_noop, ngettext, ngettext_lazy

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

CODE_LABELS = (
    # indications
    gettext_noop("Cellulite"),
    gettext_noop("Localized fat"),
    gettext_noop("Submental fat"),
    gettext_noop("Skin rejuvenation"),
    gettext_noop("Hair loss"),
    gettext_noop("Stretch marks"),
    gettext_noop("Musculoskeletal pain"),
    gettext_noop("Other"),
    # areas
    gettext_noop("Abdomen"),
    gettext_noop("Flank"),
    gettext_noop("Outer thigh"),
    gettext_noop("Inner thigh"),
    gettext_noop("Anterior thigh"),
    gettext_noop("Posterior thigh"),
    gettext_noop("Buttock"),
    gettext_noop("Arm"),
    gettext_noop("Knee"),
    gettext_noop("Back"),
    gettext_noop("Submental"),
    gettext_noop("Face"),
    gettext_noop("Neck"),
    gettext_noop("Décolleté"),
    gettext_noop("Scalp"),
    # side-effect types
    gettext_noop("Bruising"),
    gettext_noop("Swelling"),
    gettext_noop("Pain"),
    gettext_noop("Erythema"),
    gettext_noop("Nodule"),
    gettext_noop("Induration"),
    gettext_noop("Numbness"),
    gettext_noop("Pruritus"),
    gettext_noop("Hyperpigmentation"),
    gettext_noop("Infection"),
    gettext_noop("Necrosis"),
    gettext_noop("Ulceration"),
    gettext_noop("Allergic reaction"),
    gettext_noop("Nerve injury"),
    gettext_noop("Dysphagia"),
    gettext_noop("Syncope"),
    # outcome kinds
    gettext_noop("Body weight"),
    gettext_noop("Circumference"),
    gettext_noop("Fat thickness"),
    gettext_noop("Hexsel Cellulite Severity Scale"),
    gettext_noop("Nürnberger–Müller grade"),
    gettext_noop("Photonumeric Cellulite Severity Scale"),
    gettext_noop("Submental Fat Rating Scale"),
    gettext_noop("Global Aesthetic Improvement Scale"),
    gettext_noop("Pain (VAS)"),
    gettext_noop("Satisfaction"),
    # severities
    gettext_noop("Mild"),
    gettext_noop("Moderate"),
    gettext_noop("Severe"),
)
