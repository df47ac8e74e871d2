"""The contraindication rule table: one row per questionnaire answer that matters, with its level,
the treatments it applies to, the reason in plain words and its sources.

Pure Python (no Django import). Every rule comes from §3 of
../shared/reference/mesotherapy-clinical.md (and §2.1, §2.2, §2.4 for product labels). Levels:

- ``absolute``: do not treat with that treatment (a label contraindication, or what the PC/DC
  literature calls a "strongly suggested contraindication");
- ``relative``: treat only after weighing the risk and recording why;
- ``caution``: take care, adjust the plan or check something before treating.

The general mesotherapy lists come from clinic and consumer sources which vary and of which none
is a validated standard; those rules say so in their reason and are never graded above relative.
"""

from __future__ import annotations

from dataclasses import dataclass

from mesoclinic.consultations.questions import gettext_noop

# Treatment types a screen is applied to (see design note §0 of the reference: dose and
# contraindication rules differ between intradermal mesotherapy, PC/DC lipolysis and labelled drugs).
MESOTHERAPY = "mesotherapy"
PCDC = "pcdc_lipolysis"
DEOXYCHOLIC = "deoxycholic_acid"
COLLAGENASE = "collagenase"
TREATMENTS: dict[str, str] = {
    MESOTHERAPY: gettext_noop("Intradermal mesotherapy"),
    PCDC: gettext_noop("PC/DC injection lipolysis (off-label)"),
    DEOXYCHOLIC: gettext_noop("Deoxycholic acid (Kybella/Belkyra), submental"),
    COLLAGENASE: gettext_noop("Collagenase (QWO), buttock cellulite"),
}
ALL: tuple[str, ...] = tuple(TREATMENTS)

LEVELS: dict[str, str] = {
    "absolute": gettext_noop("Absolute contraindication"),
    "relative": gettext_noop("Relative contraindication"),
    "caution": gettext_noop("Caution"),
}

# Sources, as cited in the reference.
KYBELLA_LABEL = "https://fda.report/DailyMed/fe431ed4-ea6f-4e99-b4bc-ec25ae7b8553/"
KYBELLA_POPULATION = "http://edrugswiki.com/drug/kybella"
KYBELLA_CANADA = "https://medicine.com/drug/deoxycholic-acid/hcp"
KYBELLA_CONSENT_FORM = "https://form.jotform.com/220567228182052"
KYBELLA_MAUDE = "https://pmc.ncbi.nlm.nih.gov/articles/PMC11563018"
PCDC_NOTES = "https://yanjiskin.pixnet.net/blog/post/460801250"
GENERAL: tuple[str, ...] = (
    "https://www.ecoskinclinic.co.uk/post/mesotherapy-contraindications-aftercare",
    "https://bellareynaspa.com/must-know/",
    "https://healthfan.biz/3604-mesotherapy-contraindications.html",
)
SINGLE_SOURCES: tuple[str, ...] = (
    "https://marjukarin.ee/fi/mesoteraapia/mesoterapian-vasta-aiheet",
    "https://healthfan.biz/3604-mesotherapy-contraindications.html",
)
LACTATION_DB = "https://e-lactancia.org/breastfeeding/mesotherapy/product/"
QWO_LABEL: tuple[str, ...] = (
    "https://globalrph.com/rx-list/qwo-drug",
    "https://www.cancertherapyadvisor.com/drug/qwo/",
)
PROCAINE_LABEL = "https://www.druglib.com/druginfo/novocain/indications_dosage/"
PROCAINE_SULFITE = "https://www.recallguide.org/drug/novocain/"
LIDOCAINE_SUMMARY = (
    "https://www.droracle.ai/articles/537887/what-are-the-maximum-doses-symptoms-of-toxicity-and"
)
NTM_SERIES = "https://proxy.weglot.com/wg_8714b7f1589aa0f6c92979708057c4a57/en/es/pubmed.ncbi.nlm.nih.gov/17550571"
BDD_SURVEY = (
    "https://cosmeticcourses.co.uk/licensing-regime-for-non-surgical-treatments-by-july-2023/"
)
RECORD_KEEPING = "https://www.aestheticsunlocked.co.uk/blog/record-keeping-aesthetic-practice-uk"
WEIGHT_TRIAL = "http://cdek.wustl.edu/trial/NCT03510598/"

# Each reason is one whole sentence of the catalogue, so that it translates as a whole (no
# English fragments joined): the general-list and PC/DC-notes wordings are repeated on purpose.


@dataclass(frozen=True)
class Rule:
    """Fires when any of ``triggers`` is answered yes and one of ``treatments`` is planned."""

    code: str
    level: str
    triggers: tuple[str, ...]
    treatments: tuple[str, ...]
    reason: str
    sources: tuple[str, ...]


R = Rule
# A table reads best one rule per line, so the formatter is told to leave it alone.
# fmt: off
RULES: tuple[Rule, ...] = (
    # 1. Pregnancy, trying to conceive, breastfeeding.
    R("PREGNANCY_LIPOLYSIS", "absolute", ("pregnant",), (PCDC,), gettext_noop("Pregnancy is among the 'strongly suggested contraindications' to PC/DC injection lipolysis in practitioner notes citing the literature. Lists vary between sources and none is a validated standard."), (PCDC_NOTES,)),
    R("PREGNANCY_DEOXYCHOLIC", "caution", ("pregnant",), (DEOXYCHOLIC,), gettext_noop("Deoxycholic acid label: there are no adequate studies in pregnant women."), (KYBELLA_POPULATION,)),
    R("PREGNANCY_MESOTHERAPY", "relative", ("pregnant",), (MESOTHERAPY,), gettext_noop("Pregnancy is listed as a contraindication across clinic sources. Lists vary between sources and none is a validated standard."), GENERAL),
    R("TRYING_TO_CONCEIVE", "caution", ("trying_to_conceive",), ALL, gettext_noop("Pregnancy contraindicates PC/DC lipolysis and is on every general mesotherapy list: confirm the patient is not pregnant before each session."), (PCDC_NOTES, GENERAL[0])),
    R("BREASTFEEDING_LIPOLYSIS", "absolute", ("breastfeeding",), (PCDC,), gettext_noop("Lactation is among the 'strongly suggested contraindications' to PC/DC injection lipolysis in practitioner notes citing the literature. Lists vary between sources and none is a validated standard."), (PCDC_NOTES,)),
    R("BREASTFEEDING_DEOXYCHOLIC", "caution", ("breastfeeding",), (DEOXYCHOLIC,), gettext_noop("Deoxycholic acid label: whether it passes into breast milk is unknown."), (KYBELLA_POPULATION,)),
    R("BREASTFEEDING_MESOTHERAPY", "relative", ("breastfeeding",), (MESOTHERAPY,), gettext_noop("Breastfeeding is listed as a contraindication across clinic sources. Lists vary between sources and none is a validated standard. The breastfeeding database has no compatibility data: the risk depends on the product injected, because systemic absorption occurs."), (LACTATION_DB, *GENERAL)),
    # 2–3. Bleeding risk.
    R("ANTICOAGULANT_LIPOLYSIS", "relative", ("anticoagulant",), (PCDC,), gettext_noop("Anticoagulant therapy is a relative contraindication to PC/DC injection lipolysis. Lists vary between sources and none is a validated standard."), (PCDC_NOTES,)),
    R("ANTITHROMBOTIC_DEOXYCHOLIC", "caution", ("anticoagulant", "aspirin_low_dose", "antiplatelet_other"), (DEOXYCHOLIC,), gettext_noop("Deoxycholic acid label: take care in patients on antiplatelet or anticoagulant therapy (bleeding and bruising at the site). A Kybella consent form advises stopping these for 10 days before and after treatment."), (KYBELLA_LABEL, KYBELLA_CONSENT_FORM)),
    R("ANTITHROMBOTIC_COLLAGENASE", "caution", ("anticoagulant", "antiplatelet_other"), (COLLAGENASE,), gettext_noop("Collagenase (QWO) label: use with caution with antiplatelet or anticoagulant therapy, except aspirin at 150 mg a day or less."), QWO_LABEL),
    R("BLOOD_THINNER_MESOTHERAPY", "relative", ("anticoagulant", "aspirin_low_dose", "antiplatelet_other"), (MESOTHERAPY,), gettext_noop("Use of blood thinners is listed as a contraindication across clinic sources. Lists vary between sources and none is a validated standard."), GENERAL),
    R("BLEEDING_SUPPLEMENTS", "caution", ("nsaid", "fish_oil", "vitamin_e", "ginkgo"), ALL, gettext_noop("NSAIDs, fish oil, vitamin E and ginkgo increase bleeding and bruising. A Kybella consent form advises stopping them for 10 days before and after treatment; no validated rule was found for other injections."), (KYBELLA_CONSENT_FORM,)),
    R("BLEEDING_DISORDER", "relative", ("bleeding_disorder",), ALL, gettext_noop("A coagulation disorder is listed as a contraindication across clinic sources. Lists vary between sources and none is a validated standard. The deoxycholic acid label says to take care with bleeding abnormalities."), (*GENERAL, KYBELLA_LABEL)),
    # 4. Allergies.
    R("ALLERGY_LIDOCAINE", "relative", ("allergy_lidocaine",), ALL, gettext_noop("Use no lidocaine or other amide anaesthetic, in cocktails or for pre-treatment anaesthesia. Hypersensitivity to an ingredient is listed as a contraindication across clinic sources. Lists vary between sources and none is a validated standard."), GENERAL),
    R("ALLERGY_PROCAINE", "relative", ("allergy_procaine",), ALL, gettext_noop("Use no procaine or other ester anaesthetic (PABA is their metabolite). Hypersensitivity to an ingredient is listed as a contraindication across clinic sources. Lists vary between sources and none is a validated standard."), (*GENERAL, PROCAINE_LABEL)),
    R("ALLERGY_SULFITES", "relative", ("allergy_sulfites",), ALL, gettext_noop("Procaine (Novocain) contains acetone sodium bisulfite; sulfite sensitivity is more frequent in asthmatics. Check every product for sulfites."), (PROCAINE_SULFITE,)),
    R("ALLERGY_SOY_LIPOLYSIS", "absolute", ("allergy_soy",), (PCDC,), gettext_noop("Allergy to soy is among the 'strongly suggested contraindications' to PC/DC injection lipolysis in practitioner notes citing the literature. Lists vary between sources and none is a validated standard."), (PCDC_NOTES,)),
    R("ALLERGY_BENZYL_ALCOHOL_LIPOLYSIS", "absolute", ("allergy_benzyl_alcohol",), (PCDC,), gettext_noop("Allergy to the benzyl-alcohol preservative is among the 'strongly suggested contraindications' to PC/DC injection lipolysis in practitioner notes citing the literature. Lists vary between sources and none is a validated standard."), (PCDC_NOTES,)),
    R("ALLERGY_BENZYL_ALCOHOL_DEOXYCHOLIC", "absolute", ("allergy_benzyl_alcohol",), (DEOXYCHOLIC,), gettext_noop("Kybella contains benzyl alcohol. The Canadian label contraindicates hypersensitivity to deoxycholic acid or any component (the US label does not list it)."), (KYBELLA_LABEL, KYBELLA_CANADA)),
    R("ALLERGY_OTHER", "relative", ("allergy_other",), ALL, gettext_noop("Check every product and cocktail ingredient against the recorded allergy. Hypersensitivity to an ingredient is listed as a contraindication across clinic sources. Lists vary between sources and none is a validated standard."), GENERAL),
    # 5. Skin at the site.
    R("SITE_INFECTION", "absolute", ("site_infection",), ALL, gettext_noop("Infection at the injection sites is a contraindication on the deoxycholic acid (US) and collagenase labels, and is listed across mesotherapy sources. Do not inject until it has resolved."), (KYBELLA_LABEL, QWO_LABEL[0], GENERAL[0])),
    R("COLD_SORES", "relative", ("cold_sores",), ALL, gettext_noop("Active herpes is listed as a contraindication across clinic sources. Lists vary between sources and none is a validated standard."), GENERAL),
    R("INFLAMMATORY_DERMATOSIS", "relative", ("inflammatory_dermatosis",), ALL, gettext_noop("Inflammatory skin disease at the site is listed as a contraindication across clinic sources. Lists vary between sources and none is a validated standard."), GENERAL),
    R("KELOID", "relative", ("keloid",), ALL, gettext_noop("A tendency to keloids or hypertrophic scars is listed as a contraindication across clinic sources. Lists vary between sources and none is a validated standard."), GENERAL),
    # 6. Medical history.
    R("IMMUNOSUPPRESSION", "relative", ("immunosuppression",), ALL, gettext_noop("Immunocompromise (including chemotherapy) is a relative contraindication to PC/DC lipolysis, and immunosuppression (transplant, chemotherapy, HIV) is listed across mesotherapy sources. Lists vary between sources and none is a validated standard."), (PCDC_NOTES, *GENERAL)),
    R("AUTOIMMUNE", "relative", ("autoimmune",), ALL, gettext_noop("Autoimmune disease is listed as a contraindication across clinic sources. Lists vary between sources and none is a validated standard."), GENERAL),
    R("DIABETES", "caution", ("diabetes",), ALL, gettext_noop("Sources list insulin-dependent diabetes as a contraindication: record whether insulin is used and how well the diabetes is controlled."), GENERAL),
    R("DIABETES_INSULIN", "relative", ("diabetes_insulin",), ALL, gettext_noop("Insulin-dependent diabetes is listed as a contraindication across clinic sources. Lists vary between sources and none is a validated standard."), GENERAL),
    R("CANCER", "relative", ("cancer",), ALL, gettext_noop("Cancer is listed as a contraindication across clinic sources. Lists vary between sources and none is a validated standard."), GENERAL),
    R("HEART_DISEASE", "relative", ("heart_disease", "uncontrolled_hypertension"), ALL, gettext_noop("Heart disease or uncontrolled hypertension is listed as a contraindication across clinic sources. Lists vary between sources and none is a validated standard. Clinical summaries also advise a lower lidocaine dose in cardiac disease."), (*GENERAL, LIDOCAINE_SUMMARY)),
    R("SEVERE_ILLNESS_LIPOLYSIS", "absolute", ("severe_illness",), (PCDC,), gettext_noop("Severe acute or chronic illness is among the 'strongly suggested contraindications' to PC/DC injection lipolysis in practitioner notes citing the literature. Lists vary between sources and none is a validated standard."), (PCDC_NOTES,)),
    R("SEVERE_ILLNESS_DEOXYCHOLIC", "caution", ("severe_illness",), (DEOXYCHOLIC,), gettext_noop("Of the post-marketing reports of skin necrosis after deoxycholic acid, the two patients hospitalised both had underlying systemic disease."), (KYBELLA_MAUDE,)),
    R("SYSTEMIC_STEROIDS", "relative", ("systemic_steroids",), ALL, gettext_noop("Systemic steroid use is listed as a contraindication across clinic sources. Lists vary between sources and none is a validated standard."), GENERAL),
    R("ISOTRETINOIN", "relative", ("isotretinoin_12_months",), ALL, gettext_noop("Isotretinoin within the previous 6–12 months is listed as a contraindication across clinic sources. Lists vary between sources and none is a validated standard."), GENERAL),
    R("SINGLE_SOURCE_CONDITIONS", "caution", ("gallstones", "pacemaker", "chronic_renal_failure"), ALL, gettext_noop("Gallstones, a pacemaker and chronic renal failure are listed as contraindications by single sources only; record the reasoning if treatment proceeds."), SINGLE_SOURCES),
    # 8. Submental treatment (deoxycholic acid label).
    R("DYSPHAGIA", "relative", ("dysphagia",), (DEOXYCHOLIC,), gettext_noop("Deoxycholic acid label: avoid in patients with current or prior dysphagia; the treatment itself caused dysphagia in trials (2%)."), (KYBELLA_LABEL, "https://mdtodate.com/kybella-side-effects-2")),
    R("THYROID_DISEASE", "caution", ("thyroid_disease",), (DEOXYCHOLIC,), gettext_noop("Deoxycholic acid label: exclude other causes of submental fullness, such as thyromegaly, before treating."), (KYBELLA_LABEL,)),
    R("NECK_LUMPS", "relative", ("neck_lumps",), (DEOXYCHOLIC,), gettext_noop("Deoxycholic acid label: exclude other causes of submental fullness, such as cervical lymphadenopathy, before treating; never inject into or within 1–1.5 cm of lymph nodes."), (KYBELLA_LABEL, "https://goldenglowmedicalspa.com/kybella-safety-information/")),
    R("PRIOR_NECK_TREATMENT", "caution", ("prior_neck_treatment",), (DEOXYCHOLIC,), gettext_noop("Deoxycholic acid label: take care after prior submental surgery or aesthetic treatment, because scar tissue changes the landmarks."), (KYBELLA_LABEL,)),
    R("SKIN_LAXITY", "caution", ("skin_laxity",), (DEOXYCHOLIC,), gettext_noop("Deoxycholic acid label: take care, or avoid, with excessive skin laxity or prominent platysmal bands."), (KYBELLA_LABEL,)),
    # 10–11. Previous treatment and expectations.
    R("PRIOR_COMPLICATIONS", "caution", ("prior_complications",), ALL, gettext_noop("Record where, which product and which complication. Nodules, abscesses or ulcers 1–12 weeks after injection suggest a non-tuberculous mycobacterial infection that may still need treatment."), (NTM_SERIES,)),
    R("UNREALISTIC_EXPECTATIONS", "relative", ("unrealistic_expectations",), ALL, gettext_noop("Unrealistic expectations are a relative contraindication to PC/DC injection lipolysis. Lists vary between sources and none is a validated standard."), (PCDC_NOTES,)),
)
# fmt: on
RULES_BY_CODE: dict[str, Rule] = {r.code: r for r in RULES}
