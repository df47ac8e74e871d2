"""The clinical code lists shared by the database, the forms and the registry bundle.

Pure Python (no Django import) so the registry parser and the analysis engine use the same
lists. The codes and the measurement ranges are those of ../shared/spec/registry-csv.md;
never add a code with a different meaning.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

SEXES: dict[str, str] = {"f": "Female", "m": "Male", "x": "Other / non-binary", "u": "Unknown"}

INDICATIONS: dict[str, str] = {
    "cellulite": "Cellulite",
    "localized_fat": "Localized fat",
    "submental_fat": "Submental fat",
    "skin_rejuvenation": "Skin rejuvenation",
    "hair_loss": "Hair loss",
    "stretch_marks": "Stretch marks",
    "musculoskeletal_pain": "Musculoskeletal pain",
    "other": "Other",
}

AREAS: dict[str, str] = {
    "abdomen": "Abdomen",
    "flank": "Flank",
    "thigh_outer": "Outer thigh",
    "thigh_inner": "Inner thigh",
    "thigh_anterior": "Anterior thigh",
    "thigh_posterior": "Posterior thigh",
    "buttock": "Buttock",
    "arm": "Arm",
    "knee": "Knee",
    "back": "Back",
    "submental": "Submental",
    "face": "Face",
    "neck": "Neck",
    "decollete": "Décolleté",
    "scalp": "Scalp",
    "other": "Other",
}

SIDES: dict[str, str] = {
    "left": "Left",
    "right": "Right",
    "bilateral": "Bilateral",
    "midline": "Midline",
}

TECHNIQUES: dict[str, str] = {
    "nappage": "Nappage",
    "papule": "Papule",
    "point": "Point by point",
    "linear": "Linear / retrograde",
    "gun": "Injector gun",
    "other": "Other",
}

SITE_ROLES: dict[str, str] = {"treated": "Treated", "control": "Untreated control"}
RATERS: dict[str, str] = {"clinician": "Clinician", "patient": "Patient"}
SEVERITIES: dict[str, str] = {"mild": "Mild", "moderate": "Moderate", "severe": "Severe"}

AE_TYPES: dict[str, str] = {
    "bruising": "Bruising",
    "swelling": "Swelling",
    "pain": "Pain",
    "erythema": "Erythema",
    "nodule": "Nodule",
    "induration": "Induration",
    "numbness": "Numbness",
    "pruritus": "Pruritus",
    "hyperpigmentation": "Hyperpigmentation",
    "infection": "Infection",
    "necrosis": "Necrosis",
    "ulceration": "Ulceration",
    "allergic_reaction": "Allergic reaction",
    "nerve_injury": "Nerve injury",
    "dysphagia": "Dysphagia",
    "syncope": "Syncope",
    "other": "Other",
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
            "weight_kg", "Body weight", "kg", Decimal(20), Decimal(400), per_area=False
        ),
        MeasurementKind("circumference_cm", "Circumference", "cm", Decimal(10), Decimal(250)),
        MeasurementKind("fat_thickness_mm", "Fat thickness", "mm", Decimal(0), Decimal(200)),
        MeasurementKind(
            "hexsel_css",
            "Hexsel Cellulite Severity Scale",
            "0–15",
            Decimal(0),
            Decimal(15),
            integer=True,
        ),
        MeasurementKind(
            "nurnberger_muller",
            "Nürnberger–Müller grade",
            "0–3",
            Decimal(0),
            Decimal(3),
            integer=True,
        ),
        MeasurementKind(
            "pcss",
            "Photonumeric Cellulite Severity Scale",
            "0–4",
            Decimal(0),
            Decimal(4),
            integer=True,
            rated=True,
        ),
        MeasurementKind(
            "smfrs",
            "Submental Fat Rating Scale",
            "0–4",
            Decimal(0),
            Decimal(4),
            integer=True,
            rated=True,
        ),
        MeasurementKind(
            "gais",
            "Global Aesthetic Improvement Scale",
            "1–5",
            Decimal(1),
            Decimal(5),
            integer=True,
        ),
        MeasurementKind("hair_density_cm2", "Hair density", "hairs/cm²", Decimal(0), Decimal(600)),
        MeasurementKind("pain_vas", "Pain (VAS)", "0–10", Decimal(0), Decimal(10)),
        MeasurementKind("satisfaction", "Satisfaction", "0–10", Decimal(0), Decimal(10)),
    )
}


def _range_text(kind: MeasurementKind) -> str:
    """The kind's range in words: "10 to 250 cm", or "0 to 4" for a scale.

    A scale's ``unit`` is its range ("0–4"), so it is not repeated after the range.
    """
    text = f"{kind.minimum} to {kind.maximum}"
    return text if "–" in kind.unit else f"{text} {kind.unit}"


def check_measurement_value(kind: str, value: Decimal) -> str | None:
    """None when ``value`` is valid for ``kind``; otherwise what was expected, in words.

    The one range check of a measured value: the registry reader prints it after
    "expected", the forms after "must be" (``outcomes.rules.value_problem``).
    """
    spec = MEASUREMENT_KINDS.get(kind)
    if spec is None:
        return f"one of {', '.join(MEASUREMENT_KINDS)}"
    if spec.integer and value != value.to_integral_value():
        return f"a whole number from {spec.minimum} to {spec.maximum}"
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


def choices(codes: dict[str, str]) -> list[tuple[str, str]]:
    return list(codes.items())
