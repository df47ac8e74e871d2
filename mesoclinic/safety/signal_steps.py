"""What to do about a late-lesion cluster: the investigation steps of the published NTM
outbreaks (reference/mesotherapy-clinical.md §4.3, "What the investigations needed", and
§4.4), each with the source it comes from. Pure Python, no Django import."""

from __future__ import annotations

from dataclasses import dataclass

from mesoclinic.safety.signals import LOT


def gettext_noop(message: str) -> str:
    """Marks ``message`` for the catalogue (``makemessages`` knows the name); the signal page
    translates it when it shows it: a pure module imports no Django."""
    return message


@dataclass(frozen=True)
class Step:
    """One suggested action and the source it is taken from."""

    code: str
    text: str
    source: str


CASE_FINDING = Step(
    "case_finding",
    gettext_noop(
        "Contact and examine every other patient exposed in the window (listed below): ask about "
        "new nodules, abscesses, draining sinuses or ulcers, fever or malaise."
    ),
    # Mallorca: 17 of 77 clinic patients; Colombia: 667 potentially exposed, 298 interviewed.
    "https://elsevier.es/es-revista-enfermedades-infecciosas-microbiologia-clinica-28-articulo-an-outbreak-cutaneous-infection-due-S0213005X11001261",
)
BIOPSY = Step(
    "biopsy",
    gettext_noop(
        "Punch biopsy of a lesion for mycobacterial culture and PCR: acid-fast stains are often "
        "negative; tissue culture with DNA sequencing is the gold standard."
    ),
    "https://skin-disease-care.biocyclopedia.com/25313025.php",
)
SUSCEPTIBILITY = Step(
    "susceptibility",
    gettext_noop(
        "Ask for susceptibility testing of the isolate: M. abscessus was resistant to most agents "
        "except clarithromycin, amikacin and tigecycline, and failed amoxicillin-clavulanate."
    ),
    "https://elsevier.es/es-revista-enfermedades-infecciosas-microbiologia-clinica-english-428-articulo-abdominal-violaceous-skin-lesions-47-year-old-S2529993X18302235",
)
QUARANTINE_LOT = Step(
    "quarantine_lot",
    gettext_noop(
        "Quarantine the lot and keep the unused vials for culture: in Mallorca unused vials were "
        "cultured and the lot withdrawn."
    ),
    "https://elsevier.es/es-revista-enfermedades-infecciosas-microbiologia-clinica-28-articulo-an-outbreak-cutaneous-infection-due-S0213005X11001261",
)
CULTURE_PRODUCTS = Step(
    "culture_products",
    gettext_noop(
        "Culture the opened vials and anaesthetic used alongside: M. chelonae was isolated from a "
        "procaine vial in Lima, and from lidocaine carpules in Colombia."
    ),
    "http://www.doi.org/10.1590/S0034-89102008000100020",
)
ENVIRONMENT = Step(
    "environmental_sampling",
    gettext_noop(
        "Environmental sampling: tap water, standing water, surfaces and skin markers (tap water was "
        "the confirmed source in a Venezuelan outbreak)."
    ),
    "https://pubmed.ncbi.nlm.nih.gov/26441024/",
)
TYPING = Step(
    "molecular_typing",
    gettext_noop(
        "Molecular typing (ERIC-PCR, BOXA1R, RAPD, VNTR) to link patient and environmental or "
        "product isolates."
    ),
    "http://repositorio.unifesp.br/jspui/handle/11600/33036",
)
INSPECTION = Step(
    "inspection",
    gettext_noop(
        "Review sterile technique, storage and multi-dose vial handling (opening dates, beyond-use "
        "dates); in La Rioja cases stopped when the procedure stopped."
    ),
    "http://globale-dermatologie.com/new-wp15/en/2010/10/01/octobre-2010-infections-lors-de-mesotherapie-provenant-de-lenvironement-defavorable-ou-se-fait-le-traitement",
)


def steps_for(kind: str) -> list[Step]:
    """The steps for a lot signal (product first) or a practitioner signal (technique and
    environment first)."""
    if kind == LOT:
        return [
            QUARANTINE_LOT,
            CASE_FINDING,
            BIOPSY,
            SUSCEPTIBILITY,
            CULTURE_PRODUCTS,
            TYPING,
            ENVIRONMENT,
        ]
    return [CASE_FINDING, BIOPSY, SUSCEPTIBILITY, INSPECTION, ENVIRONMENT, CULTURE_PRODUCTS, TYPING]
