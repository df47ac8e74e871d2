"""What the demo practices are made of: staff, formulary and the course of each indication.

Pure data (no Django models), so the simulation can be read and tested on its own. Every
clinical number here is from ../shared/reference/mesotherapy-clinical.md, with its source
URL; the rest (names, prices inside a course, baselines of the synthetic patients) is
illustrative demo data, not a clinical rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from mesoclinic.clinics.choices import Profession, Role
from mesoclinic.formulary.choices import ProcedureType, VialType

DEMO_PASSWORD = "mesoclinic-demo"


@dataclass(frozen=True)
class StaffSpec:
    username: str
    first_name: str
    last_name: str
    role: str
    profession: str = ""
    registration_number: str = ""
    registration_body: str = ""


GMC = "General Medical Council"
NMC = "Nursing and Midwifery Council"

RIVERSIDE_STAFF: tuple[StaffSpec, ...] = (
    StaffSpec("alice", "Alice", "Archer", Role.PRACTITIONER, Profession.PHYSICIAN, "7100001", GMC),
    StaffSpec(
        "devika", "Devika", "Rao", Role.PRACTITIONER, Profession.DERMATOLOGIST, "7100002", GMC
    ),
    StaffSpec(
        "owen",
        "Owen",
        "Mensah",
        Role.PRACTITIONER,
        Profession.NURSE_PRACTITIONER,
        "09A1234E",
        NMC,
    ),
    StaffSpec("nina", "Nina", "Novak", Role.NURSE, Profession.REGISTERED_NURSE, "12B5678E", NMC),
    StaffSpec("bob", "Bob", "Baker", Role.RECEPTION),
    StaffSpec("ada", "Ada", "Adams", Role.ADMIN),
    StaffSpec("rita", "Rita", "Reyes", Role.RESEARCHER),
)

HILLTOP_STAFF: tuple[StaffSpec, ...] = (
    StaffSpec(
        "charlie", "Charlie", "Chen", Role.PRACTITIONER, Profession.PHYSICIAN, "7200001", GMC
    ),
    StaffSpec("hana", "Hana", "Kowalska", Role.NURSE, Profession.REGISTERED_NURSE, "14C2468E", NMC),
    StaffSpec("hugo", "Hugo", "Silva", Role.RECEPTION),
)


@dataclass(frozen=True)
class ClinicSpec:
    slug: str
    name: str
    mrn_prefix: str
    staff: tuple[StaffSpec, ...]
    patients: int
    # Riverside carries the lots the safety features are demonstrated on (expired,
    # quarantined, recalled, and a late-nodule cluster); Hilltop is an ordinary practice.
    special_lots: bool
    lot_prefix: str
    time_zone: str = "Europe/London"
    currency: str = "GBP"


RIVERSIDE = ClinicSpec("riverside", "Riverside Aesthetics", "RV", RIVERSIDE_STAFF, 200, True, "R")
HILLTOP = ClinicSpec("hilltop", "Hilltop Skin Clinic", "HT", HILLTOP_STAFF, 20, False, "H")


@dataclass(frozen=True)
class ProductSpec:
    key: str
    name: str
    manufacturer: str
    procedure_type: str
    ingredients: tuple[tuple[str, Decimal], ...]
    vial_volume_ml: Decimal
    vial_type: str
    shelf_life_days: int
    notes: str = ""


D = Decimal
PRODUCTS: tuple[ProductSpec, ...] = (
    # 10 mg/mL in 2 mL single-patient vials [LABEL]
    # https://fda.report/DailyMed/fe431ed4-ea6f-4e99-b4bc-ec25ae7b8553/
    ProductSpec(
        "dca",
        "Belkyra (deoxycholic acid 10 mg/mL)",
        "Allergan Aesthetics",
        ProcedureType.LABELLED_DRUG,
        (("deoxycholic_acid", D(10)),),
        D(2),
        VialType.SINGLE,
        540,
        "Labelled for submental fat only; dilution or admixture is not recommended.",
    ),
    # Lipostabil 5% PC + 2.5% DC; 50/25 mg/mL is derived arithmetic, not a source value.
    # https://en.wikipedia.org/wiki/Injection_lipolysis
    ProductSpec(
        "pcdc50",
        "PC 5% / DC 2.5% (Lipostabil formula)",
        "Compounded",
        ProcedureType.SUBCUTANEOUS_LIPOLYSIS,
        (("phosphatidylcholine", D(50)), ("deoxycholic_acid", D(25))),
        D(5),
        VialType.SINGLE,
        365,
        "Off-label injection lipolysis: disclose off-label use at consent.",
    ),
    # US "standard" formula PC 25 mg/mL + DC 21 mg/mL
    # https://www.beyondbeautifulaesthetics.co.uk/fat-dissolving-injections/
    ProductSpec(
        "pcdc25",
        "PC 25 mg/mL + DC 21 mg/mL",
        "Compounded",
        ProcedureType.SUBCUTANEOUS_LIPOLYSIS,
        (("phosphatidylcholine", D(25)), ("deoxycholic_acid", D(21))),
        D(30),
        VialType.MULTI,
        365,
        "Multi-dose vial: record the date opened; discard at the beyond-use date.",
    ),
    # Dermaheal LL: 5% PC + 1% L-carnitine + peptides
    # https://actasdermo.org/en-intense-local-reaction-at-sites-articulo-S1578219017303384
    ProductSpec(
        "dermaheal",
        "Dermaheal LL",
        "Caregen",
        ProcedureType.INTRADERMAL,
        (("phosphatidylcholine", D(50)), ("l_carnitine", D(10))),
        D(5),
        VialType.SINGLE,
        730,
    ),
    # 1% = 10 mg/mL; 2% = 20 mg/mL
    # https://www.droracle.ai/articles/564193/what-is-the-maximum-dosage-of-a-2-solution
    ProductSpec(
        "lido1",
        "Lidocaine hydrochloride 1% (10 mg/mL)",
        "Hameln",
        ProcedureType.ANAESTHETIC,
        (("lidocaine", D(10)),),
        D(5),
        VialType.SINGLE,
        1095,
        "Plain (no epinephrine).",
    ),
    ProductSpec(
        "lido2",
        "Lidocaine hydrochloride 2% (20 mg/mL)",
        "Hameln",
        ProcedureType.ANAESTHETIC,
        (("lidocaine", D(20)),),
        D(5),
        VialType.SINGLE,
        1095,
        "Plain (no epinephrine).",
    ),
    # Procaine infiltration 0.25-0.5%; nerve block 0.5-2% (1% = 10 mg/mL, conversion above)
    # https://www.druglib.com/druginfo/novocain/indications_dosage/
    ProductSpec(
        "procaine",
        "Procaine hydrochloride 1% (10 mg/mL)",
        "Sintetica",
        ProcedureType.ANAESTHETIC,
        (("procaine", D(10)),),
        D(2),
        VialType.SINGLE,
        1095,
        "Contains a sulfite: ask about sulfite sensitivity.",
    ),
    # Dutasteride 0.05% (0.5 mg/mL by the 1% = 10 mg/mL conversion)
    # https://www.drsplinck.nl/mesotherapie-studieresultaten/
    ProductSpec(
        "dutasteride",
        "Dutasteride 0.05% mesotherapy solution",
        "Compounded",
        ProcedureType.INTRADERMAL,
        (("dutasteride", D("0.5")),),
        D(2),
        VialType.SINGLE,
        365,
    ),
    # Intradermal minoxidil 0.5% (5 mg/mL); the athenaeumpub study in reference §1.2
    ProductSpec(
        "minoxidil",
        "Minoxidil 0.5% mesotherapy solution",
        "Compounded",
        ProcedureType.INTRADERMAL,
        (("minoxidil", D(5)),),
        D(2),
        VialType.SINGLE,
        365,
    ),
    # HA + vitamins: concentrations are product-specific and were not retrieved (reference
    # §2.4, [UNCERTAIN]), so no ingredient rows are invented for it.
    # https://www.dovepress.com/in-vitro-study-of-rrs-ha-injectable-mesotherapybiorevitalization-produ-peer-reviewed-fulltext-article-CCID
    ProductSpec(
        "ha",
        "NCTF 135HA (hyaluronic acid + vitamins)",
        "Filorga",
        ProcedureType.INTRADERMAL,
        (),
        D(3),
        VialType.SINGLE,
        730,
        "Ingredient concentrations not published by the supplier.",
    ),
)
PRODUCT_BY_KEY = {p.key: p for p in PRODUCTS}


@dataclass(frozen=True)
class Protocol:
    """How the demo practice runs one indication's course."""

    indication: str
    name: str
    planned_sessions: int
    interval_days: int
    min_interval_days: int
    follow_up_days: int  # assessment visit after the last session
    consent_code: str
    technique: str
    depth_mm: Decimal
    needle: str
    anaesthesia: str
    area_sets: tuple[tuple[tuple[str, str], ...], ...] = field(default=())


PROTOCOLS: dict[str, Protocol] = {
    # Localized fat: 2-4 sessions about 8 weeks apart, assessed 8 weeks after the last.
    # https://flexikon.doccheck.com/de/Injektionslipolyse ; https://pmc.ncbi.nlm.nih.gov/articles/PMC6371720
    "localized_fat": Protocol(
        "localized_fat",
        "PC/DC 4x8w",
        4,
        56,
        28,  # minimum 4 weeks (Indian series, PMC6371720)
        56,
        "pcdc-lipolysis",
        "point",
        D(8),
        "30G 13 mm",
        "topical",
        (
            (("abdomen", "midline"),),
            (("flank", "left"), ("flank", "right")),
            (("thigh_outer", "left"), ("thigh_outer", "right")),
            (("arm", "left"), ("arm", "right")),
            (("thigh_inner", "left"), ("thigh_inner", "right")),
        ),
    ),
    # Submental deoxycholic acid: up to 6 treatments at least 1 month apart; visible
    # results in 2-4; the responder endpoint is 12 weeks after the last treatment.
    # https://fda.report/DailyMed/fe431ed4-ea6f-4e99-b4bc-ec25ae7b8553/ ;
    # https://insights.ovid.com/jaade/201610000/00004725-201610000-00023
    "submental_fat": Protocol(
        "submental_fat",
        "Deoxycholic acid up to 4 x monthly",
        4,
        31,
        31,
        84,
        "deoxycholic-submental",
        "point",
        D(6),
        "30G 13 mm",
        "local",
        ((("submental", "midline"),),),
    ),
    # Cellulite: no mesotherapy schedule is given (reference §1.2, "a series"), so the
    # clinic runs its PC-based course on the PC/DC timetable (4 sessions every 4 weeks,
    # assessed 8 weeks after the last), slightly more superficial for cellulite.
    # https://pmc.ncbi.nlm.nih.gov/articles/PMC6371720 ;
    # http://jcadonline.com/lipodissolve-for-body-sculpting-safety-effectiveness-and-patient-satisfaction/
    "cellulite": Protocol(
        "cellulite",
        "Cellulite series 4x4w",
        4,
        28,
        28,
        56,
        "cellulite-mesotherapy",
        "nappage",  # 2-4 mm (beautytrainingportal.com, reference §1.1)
        D(3),
        "30G 4 mm",
        "none",
        (
            (("buttock", "left"), ("buttock", "right")),
            (("thigh_posterior", "left"), ("thigh_posterior", "right")),
            (("thigh_outer", "left"), ("thigh_outer", "right")),
        ),
    ),
    # Skin: 4 sessions at 15-day intervals (Savoia 2013).
    # https://www.springermedicine.com/link?doi=10.1007%2Fs13555-012-0018-2
    "skin_rejuvenation": Protocol(
        "skin_rejuvenation",
        "HA + vitamins 4x15d",
        4,
        15,
        14,
        30,
        "skin-mesotherapy",
        "nappage",
        D(2),
        "32G 4 mm",
        "topical",
        ((("face", "bilateral"),), (("face", "bilateral"), ("neck", "midline"))),
    ),
    # Hair: dutasteride 0.05% at weeks 0, 1, 2, 3, 5, 7 and 11, evaluated at week 12.
    # https://www.drsplinck.nl/mesotherapie-studieresultaten/
    "hair_loss": Protocol(
        "hair_loss",
        "Dutasteride wk 0-1-2-3-5-7-11",
        7,
        7,
        7,
        7,
        "hair-mesotherapy",
        "nappage",
        D(2),
        "30G 4 mm",
        "none",
        ((("scalp", "midline"),),),
    ),
}

# Dutasteride schedule in weeks (same source as the hair protocol above).
DUTASTERIDE_WEEKS: tuple[int, ...] = (0, 1, 2, 3, 5, 7, 11)

# The Network-Lipolysis per-session ceiling of 2,500 mg phosphatidylcholine.
# http://eacs-international.com/php/Hasengschwandtner_article.htm
PC_MAX_MG_PER_SESSION = D(2500)
# Deoxycholic acid: 0.2 mL per injection, at most 50 injections = 10 mL per treatment.
# https://fda.report/DailyMed/fe431ed4-ea6f-4e99-b4bc-ec25ae7b8553/
DCA_ML_PER_POINT = D("0.2")
DCA_MAX_POINTS = 50
# UK clinic terms: £350 a single session, £900 for a course of 3 (anecdotal, reference §8).
# https://ai-beauty-jp.co.uk/terms-and-conditions/
SESSION_PRICE = D(350)
COURSE_SESSION_PRICE = D(300)

# How often the demo indications occur (share of patients).
INDICATION_WEIGHTS: dict[str, int] = {
    "localized_fat": 30,
    "cellulite": 20,
    "submental_fat": 20,
    "skin_rejuvenation": 15,
    "hair_loss": 15,
}
