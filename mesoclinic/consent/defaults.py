"""Four realistic consent texts a clinic can start from (and then version as its own).

Pure Python. Every number comes from ../shared/reference/mesotherapy-clinical.md (§1.2, §2.1,
§2.2, §4, §5.5, §6, §7) and is followed, in the text the patient reads, by its source, so the
patient and the clinician can check it. Clinics must review these texts before use.
"""

from __future__ import annotations

_AFTERCARE = """
After treatment
- Contact the clinic at once for: spreading redness, heat, fever or feeling unwell; new lumps, abscesses, weeping or open sores, which can appear 1 to 12 weeks after injections and may be a mycobacterial infection needing a biopsy (https://proxy.weglot.com/wg_8714b7f1589aa0f6c92979708057c4a57/en/es/pubmed.ncbi.nlm.nih.gov/17550571).
- The clinic will contact you about 48–72 hours, 2 weeks, 4–6 weeks and 12 weeks after treatment to ask about side effects.

Photographs
Clinical photographs are taken only with your separate consent, recorded on this form, which covers their storage, retrieval and future use (https://www.aestheticsunlocked.co.uk/blog/record-keeping-aesthetic-practice-uk).

Your rights
You may ask questions at any time, take time to decide, and withdraw your consent at any time before or between sessions without giving a reason.
""".strip()

PCDC = f"""
What the treatment is
Injection lipolysis ("fat-dissolving injections") injects phosphatidylcholine (PC) with sodium deoxycholate (DC) into the fat under the skin. Deoxycholate acts as a detergent that breaks down fat cells; this causes inflammation. It is not the same as mesotherapy (https://pubmed.ncbi.nlm.nih.gov/16681654/). A course is usually 2–4 sessions about 8 weeks apart (https://flexikon.doccheck.com/de/Injektionslipolyse).

Off-label use and regulatory status: please read carefully
- No PC/DC product is licensed for dissolving fat. The product used for this treatment is used OFF-LABEL, outside the use it was approved for (https://www.naturheilpraxis-claudia-stange.de/injektions-lipolyse).
- In 2010 the US FDA said it was "not aware of any credible scientific evidence" that these injections eliminate fat, and that their safety "alone or in combination is unknown" (https://www.empr.com/uncategorized/fda-issues-warning-letters-for-fat-eliminating-products/).
- France banned the injection of lipolytic products (PC or sodium deoxycholate) for aesthetic fat reduction (Decree 2011-382; upheld by the Conseil d'État on 17 February 2012) (http://legifrance.gouv.fr/affichTexte.do?cidTexte=JORFTEXT000023845272 ; https://affairesjuridiques.aphp.fr/textes/conseil-detat-17-fevrier-2012-n-349431-actes-a-visee-esthetique-reglementation).
- There is no placebo-controlled trial showing that it works. Large uncontrolled series report that 73.8% to 86.5% of patients were satisfied (https://zendy.io/title/10.1111/j.1473-2165.2006.00257.x ; http://jcadonline.com/lipodissolve-for-body-sculpting-safety-effectiveness-and-patient-satisfaction/).

Expected effects and risks
- Swelling and bruising in almost all patients, mostly gone within 10 days; stinging or pain during and for 30 minutes after treatment (series of 1,616 patients, http://jcadonline.com/lipodissolve-for-body-sculpting-safety-effectiveness-and-patient-satisfaction/).
- In a UK survey of 10,581 treatments, local effects were mostly mild; effects elsewhere in the body (diarrhoea, nausea, dizziness, bleeding between periods) occurred in 3%; unusually severe or prolonged reactions in 0.14%, all of which settled (https://zendy.io/title/10.1111/j.1473-2165.2006.00257.x).
- Less common: tender lumps (nodules), skin colour change, light-headedness; skin ulceration was reported in 2 of 1,616 patients (http://jcadonline.com/lipodissolve-for-body-sculpting-safety-effectiveness-and-patient-satisfaction/).
- Reports to the FDA include permanent scarring, skin deformation and deep painful knots (https://www.empr.com/uncategorized/fda-issues-warning-letters-for-fat-eliminating-products/).
- Infection, including outbreaks of mycobacterial infection after injections at other clinics (see "After treatment").

Your weight
Changes in your weight change the result. Studies asked people to keep their weight within 5% (http://cdek.wustl.edu/trial/NCT03510598/); we will weigh you at every visit.

Alternatives
No treatment; diet and exercise; surgical fat removal; for fat under the chin only, a licensed deoxycholic acid product.

{_AFTERCARE}
""".strip()

DEOXYCHOLIC = f"""
What the treatment is
Deoxycholic acid (Kybella in the US, Belkyra elsewhere) is a licensed medicine for moderate to severe fat under the chin (submental fat) in adults. Its use anywhere else is "not established and is not recommended". It is given as up to 50 small injections of 0.2 mL, 1 cm apart (at most 10 mL per treatment), up to 6 treatments at least 1 month apart (https://fda.report/DailyMed/fe431ed4-ea6f-4e99-b4bc-ec25ae7b8553/). It contains benzyl alcohol.

What the trials showed
In the REFINE-1 trial, 70.0% of treated patients improved by at least one grade on both the clinician's and their own rating, against 18.6% with placebo (https://journals.lww.com/dermatologicsurgery/Abstract/2016/01000/REFINE_1,_a_Multicenter,_Randomized,_Double_Blind,.5.aspx).

Side effects (513 treated vs 506 placebo patients in the licensing trials, https://mdtodate.com/kybella-side-effects-2)
- Swelling 87% (placebo 43%); bruising 72% (70%); pain 70% (32%); numbness 66% (6%); redness 27% (18%); hardening 23% (3%); tingling 14% (4%); lumps 13% (3%); itching 12% (6%); headache 8% (4%).
- Injury to the nerve of the lower lip (an uneven smile): 4% (under 1% with placebo). All cases resolved, after 1 to 298 days (median 44) (https://www.refineaestheticsllc.com/injectables/kybella-safety-info/).
- Difficulty swallowing: 2%. All cases resolved, after 1 to 81 days (median 3) (same source).
- Rarely: hair loss, ulceration, skin death (necrosis) or infection at the site; treatment is stopped until these heal (https://www.oncologynurseadvisor.com/drug/kybella/).

Before treatment
Tell us about blood thinners, bleeding problems, swallowing difficulty, thyroid disease, lumps in the neck and any previous neck surgery or treatment. Do not stop a prescribed medicine without your prescriber's advice.

Alternatives
No treatment; surgical options (e.g. liposuction); unlicensed fat-dissolving injections (not recommended by us where a licensed product exists).

{_AFTERCARE}
""".strip()

SKIN = f"""
What the treatment is
Mesotherapy injects very small amounts of a product (for example non-cross-linked hyaluronic acid with vitamins) into the skin with a short, fine needle, usually as a course, for example 4 sessions 15 days apart or 4 sessions a month apart (https://www.springermedicine.com/link?doi=10.1007%2Fs13555-012-0018-2 ; http://onlinelibrary.wiley.com/doi/10.1111/j.1524-4725.2006.32353.x/abstract).

What the evidence shows
The evidence is limited. Uncontrolled studies reported improvement (for example 50 patients treated with hyaluronic acid and vitamins), but a study of 10 patients found no clinical or microscopic change. A summary of several reviews found "no evidence on the effectiveness of this practice" for cosmetic uses (https://e-lactancia.org/breastfeeding/mesotherapy/product/). Results vary and are not guaranteed.

Risks
- Common and temporary: pain during injection, redness, swelling, small bruises and bumps at the injection points (mild, temporary effects reported across mesotherapy trials, https://medicaljournals.se/jrm/content/html/10.2340/16501977-2817).
- Allergic or inflammatory reactions to an ingredient, occasionally a week or more after treatment (https://actasdermo.org/en-intense-local-reaction-at-sites-articulo-S1578219017303384).
- Infection, including mycobacterial infection: outbreaks have followed mesotherapy where products or technique were contaminated (https://ouci.dntb.gov.ua/en/works/lmjvaLj9).
- The product, its batch number and expiry date are recorded for every treatment.

Alternatives
No treatment; skincare and sun protection; other skin treatments your practitioner can discuss.

{_AFTERCARE}
""".strip()

HAIR = f"""
What the treatment is
Hair mesotherapy injects small amounts of a product (for example dutasteride 0.05% or a plant-extract and vitamin preparation) into the scalp. One trial schedule was injections at weeks 0, 1, 2, 3, 5, 7 and 11 (https://www.drsplinck.nl/mesotherapie-studieresultaten/); your practitioner will explain your schedule and which product is used.

What the evidence shows
Dutasteride mesotherapy did better than salt water in a small trial of 28 men (https://www.drsplinck.nl/mesotherapie-studieresultaten/). Compared with minoxidil 5% applied to the scalp, mesotherapy showed no significant overall advantage (https://ichgcp.net/ru/clinical-trials-registry/publications/49160-comparative-study-between-mesotherapy-and-topical-5-minoxidil-by-dermoscopic-evaluation-for). Results vary and are not guaranteed.

Risks
- Pain during injection: 45.5% of 541 patients treated with dutasteride; no serious or sexual side effects were reported in that series (https://searchworks.jioinstitute.edu.in/?f%5Beds_subject_topic_facet%5D%5B%5D=male&q=%22Sergio+Va%C3%B1%C3%B3-Galv%C3%A1n%22&search_field=author).
- Redness, swelling, small bruises or bleeding points on the scalp, headache (mild, temporary effects reported across mesotherapy trials, https://medicaljournals.se/jrm/content/html/10.2340/16501977-2817).
- Infection, including mycobacterial infection after contaminated injections (https://ouci.dntb.gov.ua/en/works/lmjvaLj9).

Alternatives
No treatment; medicines applied to the scalp or taken by mouth; other treatments your practitioner can discuss.

{_AFTERCARE}
""".strip()

DEFAULT_TEMPLATES: tuple[dict[str, object], ...] = (
    {
        "code": "pcdc-lipolysis",
        "title": "Injection lipolysis with phosphatidylcholine/deoxycholate (PC/DC)",
        "indication": "localized_fat",
        "off_label": True,
        "body": PCDC,
    },
    {
        "code": "deoxycholic-submental",
        "title": "Deoxycholic acid (Kybella/Belkyra) for submental fat",
        "indication": "submental_fat",
        "off_label": False,
        "body": DEOXYCHOLIC,
    },
    {
        "code": "skin-mesotherapy",
        "title": "Skin mesotherapy (skin rejuvenation)",
        "indication": "skin_rejuvenation",
        "off_label": False,
        "body": SKIN,
    },
    {
        "code": "hair-mesotherapy",
        "title": "Hair mesotherapy (hair loss)",
        "indication": "hair_loss",
        "off_label": False,
        "body": HAIR,
    },
)
