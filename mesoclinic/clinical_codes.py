"""The clinical code lists shared by the database, the forms and the registry bundle.

Pure Python (no Django import) so the registry parser and the analysis engine use the same
lists. The codes and the measurement ranges are those of ../shared/spec/registry-csv.md;
never add a code with a different meaning.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any


def _(label: str) -> str:
    """Marks a label for the project's translation catalogue (mesoclinic/locale). The code is
    what is stored and exchanged; the label is translated where it is shown (``choices``)."""
    return label


def _untranslated(label: str) -> Any:
    return label


# How ``choices`` hands labels to Django: set to gettext_lazy before any model is defined
# (clinics/apps.py), so a model's get_..._display() speaks the reader's language, while this
# module imports no Django (the pure contract).
_label_for_display: Callable[[str], Any] = _untranslated


def translate_labels_with(translate: Callable[[str], Any]) -> None:
    global _label_for_display
    _label_for_display = translate


SEXES: dict[str, str] = {
    "f": _("Female"),
    "m": _("Male"),
    "x": _("Other / non-binary"),
    "u": _("Unknown"),
}

INDICATIONS: dict[str, str] = {
    "cellulite": _("Cellulite"),
    "localized_fat": _("Localized fat"),
    "submental_fat": _("Submental fat"),
    "skin_rejuvenation": _("Skin rejuvenation"),
    "hair_loss": _("Hair loss"),
    "stretch_marks": _("Stretch marks"),
    "musculoskeletal_pain": _("Musculoskeletal pain"),
    "other": _("Other"),
}

AREAS: dict[str, str] = {
    "abdomen": _("Abdomen"),
    "flank": _("Flank"),
    "thigh_outer": _("Outer thigh"),
    "thigh_inner": _("Inner thigh"),
    "thigh_anterior": _("Anterior thigh"),
    "thigh_posterior": _("Posterior thigh"),
    "buttock": _("Buttock"),
    "arm": _("Arm"),
    "knee": _("Knee"),
    "back": _("Back"),
    "submental": _("Submental"),
    "face": _("Face"),
    "neck": _("Neck"),
    "decollete": _("Décolleté"),
    "scalp": _("Scalp"),
    "other": _("Other"),
}

SIDES: dict[str, str] = {
    "left": _("Left"),
    "right": _("Right"),
    "bilateral": _("Bilateral"),
    "midline": _("Midline"),
}

TECHNIQUES: dict[str, str] = {
    "nappage": _("Nappage"),
    "papule": _("Papule"),
    "point": _("Point by point"),
    "linear": _("Linear / retrograde"),
    "gun": _("Injector gun"),
    "other": _("Other"),
}

SITE_ROLES: dict[str, str] = {"treated": _("Treated"), "control": _("Untreated control")}
RATERS: dict[str, str] = {"clinician": _("Clinician"), "patient": _("Patient")}
SEVERITIES: dict[str, str] = {"mild": _("Mild"), "moderate": _("Moderate"), "severe": _("Severe")}

AE_TYPES: dict[str, str] = {
    "bruising": _("Bruising"),
    "swelling": _("Swelling"),
    "pain": _("Pain"),
    "erythema": _("Erythema"),
    "nodule": _("Nodule"),
    "induration": _("Induration"),
    "numbness": _("Numbness"),
    "pruritus": _("Pruritus"),
    "hyperpigmentation": _("Hyperpigmentation"),
    "infection": _("Infection"),
    "necrosis": _("Necrosis"),
    "ulceration": _("Ulceration"),
    "allergic_reaction": _("Allergic reaction"),
    "nerve_injury": _("Nerve injury"),
    "dysphagia": _("Dysphagia"),
    "syncope": _("Syncope"),
    "other": _("Other"),
}


@dataclass(frozen=True)
class MeasurementKind:
    code: str
    label: str
    unit: str
    minimum: Decimal
    maximum: Decimal
    integer: bool = False
    per_area: bool = True  # needs area and side
    rated: bool = False  # has clinician and patient versions; rater required


MEASUREMENT_KINDS: dict[str, MeasurementKind] = {
    k.code: k
    for k in (
        MeasurementKind(
            "weight_kg", _("Body weight"), "kg", Decimal(20), Decimal(400), per_area=False
        ),
        MeasurementKind("circumference_cm", _("Circumference"), "cm", Decimal(10), Decimal(250)),
        MeasurementKind("fat_thickness_mm", _("Fat thickness"), "mm", Decimal(0), Decimal(200)),
        MeasurementKind(
            "hexsel_css",
            _("Hexsel Cellulite Severity Scale"),
            "0–15",
            Decimal(0),
            Decimal(15),
            integer=True,
        ),
        MeasurementKind(
            "nurnberger_muller",
            _("Nürnberger–Müller grade"),
            "0–3",
            Decimal(0),
            Decimal(3),
            integer=True,
        ),
        MeasurementKind(
            "pcss",
            _("Photonumeric Cellulite Severity Scale"),
            "0–4",
            Decimal(0),
            Decimal(4),
            integer=True,
            rated=True,
        ),
        MeasurementKind(
            "smfrs",
            _("Submental Fat Rating Scale"),
            "0–4",
            Decimal(0),
            Decimal(4),
            integer=True,
            rated=True,
        ),
        MeasurementKind(
            "gais",
            _("Global Aesthetic Improvement Scale"),
            "1–5",
            Decimal(1),
            Decimal(5),
            integer=True,
        ),
        MeasurementKind(
            "hair_density_cm2", _("Hair density"), "hairs/cm²", Decimal(0), Decimal(600)
        ),
        MeasurementKind("pain_vas", _("Pain (VAS)"), "0–10", Decimal(0), Decimal(10)),
        MeasurementKind("satisfaction", _("Satisfaction"), "0–10", Decimal(0), Decimal(10)),
    )
}


def _words(pattern: str, **values: Any) -> str:
    """A message of the project's catalogue in the active language (English without Django)."""
    return str(_label_for_display(pattern)) % values


def _range_text(kind: MeasurementKind) -> str:
    """The kind's range in words: "10 to 250 cm", or "0 to 4" for a scale.

    A scale's ``unit`` is its range ("0–4"), so it is not repeated after the range.
    """
    if "–" in kind.unit:
        return _words(_("%(low)s to %(high)s"), low=kind.minimum, high=kind.maximum)
    return _words(
        _("%(low)s to %(high)s %(unit)s"), low=kind.minimum, high=kind.maximum, unit=kind.unit
    )


def check_measurement_value(kind: str, value: Decimal) -> str | None:
    """None when ``value`` is valid for ``kind``; otherwise what was expected, in words.

    The one range check of a measured value: the registry reader prints it after
    "expected", the forms after "must be" (``outcomes.rules.value_problem``).
    """
    spec = MEASUREMENT_KINDS.get(kind)
    if spec is None:
        return _words(_("one of %(codes)s"), codes=", ".join(MEASUREMENT_KINDS))
    if spec.integer and value != value.to_integral_value():
        return _words(
            _("a whole number from %(low)s to %(high)s"), low=spec.minimum, high=spec.maximum
        )
    if not spec.minimum <= value <= spec.maximum:
        return _range_text(spec)
    return None


def body_mass_index(weight_kg: Decimal | None, height_cm: Decimal | None) -> Decimal | None:
    """Body-mass index (kg/m²) to one decimal, or None when the weight or the height is missing.

    The one BMI of the project: the consultation shows it and screening compares it with the
    "BMI > 30" relative contraindication of the PC/DC notes (mesotherapy-clinical.md §3). The
    reference gives no rounding: a half is rounded to even, the decimal module's default, as
    the consultation has always shown it (so 30.04 shows, and screens, as 30.0).
    """
    if not weight_kg or not height_cm:
        return None
    metres = height_cm / Decimal(100)
    return (weight_kg / (metres * metres)).quantize(Decimal("0.1"), rounding=ROUND_HALF_EVEN)


def choices(codes: dict[str, str]) -> list[tuple[str, Any]]:
    """A code list as model or form choices: each code with its label, translated when shown."""
    return [(code, _label_for_display(label)) for code, label in codes.items()]
