"""Table tests of the contraindication rules against ../shared/reference/mesotherapy-clinical.md §3
(and §2.1, §2.2, §2.4), and property tests of the screen."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mesoclinic.consultations.questions import QUESTION_CODES, QUESTIONS, Questionnaire
from mesoclinic.consultations.screening import (
    Finding,
    planned_treatments,
    screen,
    screening_json,
)
from mesoclinic.consultations.screening_rules import RULES

KYBELLA = "https://fda.report/DailyMed/fe431ed4-ea6f-4e99-b4bc-ec25ae7b8553/"
KYBELLA_POP = "http://edrugswiki.com/drug/kybella"
PCDC = "https://yanjiskin.pixnet.net/blog/post/460801250"
GENERAL = "https://www.ecoskinclinic.co.uk/post/mesotherapy-contraindications-aftercare"
QWO = "https://globalrph.com/rx-list/qwo-drug"
JOTFORM = "https://form.jotform.com/220567228182052"
TRIAL = "http://cdek.wustl.edu/trial/NCT03510598/"


def calm(**overrides: object) -> Questionnaire:
    """A fully answered questionnaire with every answer 'no', an adult of BMI ~22, weight stable."""
    base = Questionnaire(
        answers=dict.fromkeys(QUESTION_CODES, False),
        age_years=40,
        weight_kg=Decimal(65),
        height_cm=Decimal(172),
        weight_stable_6_months=True,
        body_image_concern=False,
    )
    return replace(base, **overrides)  # type: ignore[arg-type]


def codes(findings: list[Finding]) -> dict[str, tuple[str, str, tuple[str, ...]]]:
    return {f.code: (f.level, f.kind, f.sources) for f in findings}


# (question answered yes, planned indications, expected code, level, a source it must cite)
ANSWER_TABLE = [
    ("pregnant", ["localized_fat"], "PREGNANCY_LIPOLYSIS", "absolute", PCDC),
    ("pregnant", ["submental_fat"], "PREGNANCY_DEOXYCHOLIC", "caution", KYBELLA_POP),
    ("pregnant", ["hair_loss"], "PREGNANCY_MESOTHERAPY", "relative", GENERAL),
    ("trying_to_conceive", ["skin_rejuvenation"], "TRYING_TO_CONCEIVE", "caution", PCDC),
    ("breastfeeding", ["localized_fat"], "BREASTFEEDING_LIPOLYSIS", "absolute", PCDC),
    ("breastfeeding", ["submental_fat"], "BREASTFEEDING_DEOXYCHOLIC", "caution", KYBELLA_POP),
    (
        "breastfeeding",
        ["hair_loss"],
        "BREASTFEEDING_MESOTHERAPY",
        "relative",
        "https://e-lactancia.org/breastfeeding/mesotherapy/product/",
    ),
    ("anticoagulant", ["localized_fat"], "ANTICOAGULANT_LIPOLYSIS", "relative", PCDC),
    ("anticoagulant", ["submental_fat"], "ANTITHROMBOTIC_DEOXYCHOLIC", "caution", KYBELLA),
    ("aspirin_low_dose", ["submental_fat"], "ANTITHROMBOTIC_DEOXYCHOLIC", "caution", JOTFORM),
    ("antiplatelet_other", ["submental_fat"], "ANTITHROMBOTIC_DEOXYCHOLIC", "caution", KYBELLA),
    ("anticoagulant", ["cellulite"], "ANTITHROMBOTIC_COLLAGENASE", "caution", QWO),
    ("antiplatelet_other", ["cellulite"], "ANTITHROMBOTIC_COLLAGENASE", "caution", QWO),
    ("anticoagulant", ["hair_loss"], "BLOOD_THINNER_MESOTHERAPY", "relative", GENERAL),
    ("aspirin_low_dose", ["hair_loss"], "BLOOD_THINNER_MESOTHERAPY", "relative", GENERAL),
    ("antiplatelet_other", ["hair_loss"], "BLOOD_THINNER_MESOTHERAPY", "relative", GENERAL),
    ("nsaid", ["skin_rejuvenation"], "BLEEDING_SUPPLEMENTS", "caution", JOTFORM),
    ("fish_oil", ["skin_rejuvenation"], "BLEEDING_SUPPLEMENTS", "caution", JOTFORM),
    ("vitamin_e", ["skin_rejuvenation"], "BLEEDING_SUPPLEMENTS", "caution", JOTFORM),
    ("ginkgo", ["skin_rejuvenation"], "BLEEDING_SUPPLEMENTS", "caution", JOTFORM),
    ("bleeding_disorder", ["cellulite"], "BLEEDING_DISORDER", "relative", GENERAL),
    ("allergy_lidocaine", ["musculoskeletal_pain"], "ALLERGY_LIDOCAINE", "relative", GENERAL),
    (
        "allergy_procaine",
        ["musculoskeletal_pain"],
        "ALLERGY_PROCAINE",
        "relative",
        "https://www.druglib.com/druginfo/novocain/indications_dosage/",
    ),
    (
        "allergy_sulfites",
        ["musculoskeletal_pain"],
        "ALLERGY_SULFITES",
        "relative",
        "https://www.recallguide.org/drug/novocain/",
    ),
    ("allergy_soy", ["localized_fat"], "ALLERGY_SOY_LIPOLYSIS", "absolute", PCDC),
    (
        "allergy_benzyl_alcohol",
        ["localized_fat"],
        "ALLERGY_BENZYL_ALCOHOL_LIPOLYSIS",
        "absolute",
        PCDC,
    ),
    (
        "allergy_benzyl_alcohol",
        ["submental_fat"],
        "ALLERGY_BENZYL_ALCOHOL_DEOXYCHOLIC",
        "absolute",
        "https://medicine.com/drug/deoxycholic-acid/hcp",
    ),
    ("allergy_other", ["stretch_marks"], "ALLERGY_OTHER", "relative", GENERAL),
    ("site_infection", ["submental_fat"], "SITE_INFECTION", "absolute", KYBELLA),
    ("site_infection", ["cellulite"], "SITE_INFECTION", "absolute", QWO),
    ("site_infection", ["hair_loss"], "SITE_INFECTION", "absolute", GENERAL),
    ("cold_sores", ["skin_rejuvenation"], "COLD_SORES", "relative", GENERAL),
    (
        "inflammatory_dermatosis",
        ["skin_rejuvenation"],
        "INFLAMMATORY_DERMATOSIS",
        "relative",
        GENERAL,
    ),
    ("keloid", ["stretch_marks"], "KELOID", "relative", GENERAL),
    ("immunosuppression", ["localized_fat"], "IMMUNOSUPPRESSION", "relative", PCDC),
    ("autoimmune", ["cellulite"], "AUTOIMMUNE", "relative", GENERAL),
    ("diabetes", ["cellulite"], "DIABETES", "caution", GENERAL),
    ("diabetes_insulin", ["cellulite"], "DIABETES_INSULIN", "relative", GENERAL),
    ("cancer", ["hair_loss"], "CANCER", "relative", GENERAL),
    ("heart_disease", ["hair_loss"], "HEART_DISEASE", "relative", GENERAL),
    ("uncontrolled_hypertension", ["hair_loss"], "HEART_DISEASE", "relative", GENERAL),
    ("severe_illness", ["localized_fat"], "SEVERE_ILLNESS_LIPOLYSIS", "absolute", PCDC),
    (
        "severe_illness",
        ["submental_fat"],
        "SEVERE_ILLNESS_DEOXYCHOLIC",
        "caution",
        "https://pmc.ncbi.nlm.nih.gov/articles/PMC11563018",
    ),
    ("systemic_steroids", ["hair_loss"], "SYSTEMIC_STEROIDS", "relative", GENERAL),
    ("isotretinoin_12_months", ["skin_rejuvenation"], "ISOTRETINOIN", "relative", GENERAL),
    (
        "gallstones",
        ["localized_fat"],
        "SINGLE_SOURCE_CONDITIONS",
        "caution",
        "https://marjukarin.ee/fi/mesoteraapia/mesoterapian-vasta-aiheet",
    ),
    (
        "pacemaker",
        ["localized_fat"],
        "SINGLE_SOURCE_CONDITIONS",
        "caution",
        "https://healthfan.biz/3604-mesotherapy-contraindications.html",
    ),
    (
        "chronic_renal_failure",
        ["localized_fat"],
        "SINGLE_SOURCE_CONDITIONS",
        "caution",
        "https://healthfan.biz/3604-mesotherapy-contraindications.html",
    ),
    ("dysphagia", ["submental_fat"], "DYSPHAGIA", "relative", KYBELLA),
    ("thyroid_disease", ["submental_fat"], "THYROID_DISEASE", "caution", KYBELLA),
    ("neck_lumps", ["submental_fat"], "NECK_LUMPS", "relative", KYBELLA),
    ("prior_neck_treatment", ["submental_fat"], "PRIOR_NECK_TREATMENT", "caution", KYBELLA),
    ("skin_laxity", ["submental_fat"], "SKIN_LAXITY", "caution", KYBELLA),
    (
        "prior_complications",
        ["cellulite"],
        "PRIOR_COMPLICATIONS",
        "caution",
        "https://proxy.weglot.com/wg_8714b7f1589aa0f6c92979708057c4a57/en/es/pubmed.ncbi.nlm.nih.gov/17550571",
    ),
    ("unrealistic_expectations", ["localized_fat"], "UNREALISTIC_EXPECTATIONS", "relative", PCDC),
]


@pytest.mark.parametrize(("question", "indications", "code", "level", "source"), ANSWER_TABLE)
def test_it_flags_each_sourced_contraindication(question, indications, code, level, source):
    # given an otherwise reassuring questionnaire with one answer yes
    q = calm().with_answer(question, True)
    # when it is screened for the planned indication
    found = codes(screen(q, indications, []))
    # then the rule fires at the level the reference supports, citing its source
    assert code in found
    assert found[code][0] == level
    assert found[code][1] == "finding"
    assert source in found[code][2]


def test_it_has_a_table_row_for_every_rule_and_every_trigger():
    # given the rule table and the test table
    tested = {(row[0], row[2]) for row in ANSWER_TABLE}
    # then every trigger of every rule is exercised at least once
    for rule in RULES:
        assert rule.code in {row[2] for row in ANSWER_TABLE}, rule.code
        for trigger in rule.triggers:
            assert (trigger, rule.code) in tested, (trigger, rule.code)


@pytest.mark.parametrize(
    ("question", "indications", "absent"),
    [
        # Collagenase label exempts aspirin 150 mg/day or less.
        ("aspirin_low_dose", ["cellulite"], "ANTITHROMBOTIC_COLLAGENASE"),
        # Lipolysis-only rules do not fire for hair mesotherapy.
        ("pregnant", ["hair_loss"], "PREGNANCY_LIPOLYSIS"),
        ("allergy_soy", ["hair_loss"], "ALLERGY_SOY_LIPOLYSIS"),
        # Submental questions matter only when deoxycholic acid is planned.
        ("dysphagia", ["cellulite"], "DYSPHAGIA"),
        ("neck_lumps", ["localized_fat"], "NECK_LUMPS"),
    ],
)
def test_it_does_not_flag_a_rule_outside_its_treatment(question, indications, absent):
    # given one yes answer that matters only to another treatment
    q = calm().with_answer(question, True)
    # when screened
    found = codes(screen(q, indications, []))
    # then that rule stays silent
    assert absent not in found


@pytest.mark.parametrize(
    ("age", "indications", "expected"),
    [
        (17, ["localized_fat"], "absolute"),
        (17, ["submental_fat"], "absolute"),
        (18, ["submental_fat"], None),
        (16, ["hair_loss"], None),
    ],
)
def test_it_contraindicates_lipolysis_and_deoxycholic_acid_under_18(age, indications, expected):
    q = calm(age_years=age)
    found = codes(screen(q, indications, []))
    assert found.get("UNDER_18", (None,))[0] == expected


@pytest.mark.parametrize(
    ("weight_kg", "height_cm", "fires"),
    [("90", "170", True), ("86.7", "170", False), ("87", "170", True), ("60", "170", False)],
)
def test_it_flags_bmi_over_30_as_relative_for_lipolysis(weight_kg, height_cm, fires):
    # given a BMI around the PC/DC threshold of 30 (86.7 kg / 1.70 m² = 30.0)
    q = calm(weight_kg=Decimal(weight_kg), height_cm=Decimal(height_cm))
    # when screened for localized fat
    found = codes(screen(q, ["localized_fat"], []))
    # then only a BMI above 30 fires, as a relative contraindication
    assert ("BMI_OVER_30" in found) is fires
    if fires:
        assert found["BMI_OVER_30"][0] == "relative"


@pytest.mark.parametrize(
    ("now_kg", "before_kg", "fires"),
    [("70", "70", False), ("73.5", "70", False), ("73.6", "70", True), ("66", "70", True)],
)
def test_it_flags_a_weight_change_over_5_percent(now_kg, before_kg, fires):
    # given the weight now and six months ago
    q = calm(weight_kg=Decimal(now_kg), weight_6_months_ago_kg=Decimal(before_kg))
    # when screened for a fat indication
    found = codes(screen(q, ["localized_fat"], []))
    # then a change beyond the trials' 5% is a caution citing NCT03510598
    assert ("WEIGHT_CHANGE_OVER_5_PERCENT" in found) is fires
    if fires:
        assert TRIAL in found["WEIGHT_CHANGE_OVER_5_PERCENT"][2]


def test_it_flags_unstable_weight_only_for_fat_indications():
    q = calm(weight_stable_6_months=False)
    assert "WEIGHT_NOT_STABLE" in codes(screen(q, ["cellulite"], []))
    assert "WEIGHT_NOT_STABLE" not in codes(screen(q, ["hair_loss"], []))


def test_it_flags_a_body_image_concern_as_relative():
    found = codes(screen(calm(body_image_concern=True), ["skin_rejuvenation"], []))
    assert found["BODY_IMAGE_CONCERN"][0] == "relative"


def test_it_notes_that_deoxycholic_acid_is_submental_only():
    # given submental fat planned together with an abdominal area
    found = codes(screen(calm(), ["submental_fat"], ["submental", "abdomen"]))
    # then the plan gets the label's "not established and not recommended" note
    assert found["DEOXYCHOLIC_SUBMENTAL_ONLY"][1] == "plan"
    assert "DEOXYCHOLIC_SUBMENTAL_ONLY" not in codes(
        screen(calm(), ["submental_fat"], ["submental"])
    )


def test_it_says_the_lists_vary_where_no_list_is_validated():
    found = {f.code: f for f in screen(calm().with_answer("autoimmune", True), ["cellulite"], [])}
    assert "none is a validated standard" in found["AUTOIMMUNE"].reason


def test_it_finds_nothing_for_a_reassuring_complete_questionnaire():
    # given every answer no, an adult of normal BMI, stable weight and no body-image concern
    # when screened for every indication
    for indication in ["localized_fat", "submental_fat", "cellulite", "hair_loss"]:
        # then nothing at all is reported
        assert (
            screen(calm(), [indication], ["submental"] if indication == "submental_fat" else [])
            == []
        )


def test_it_lists_unanswered_questions_as_a_missing_data_note():
    q = calm().with_answer("pregnant", None)
    found = {f.code: f for f in screen(q, ["hair_loss"], [])}
    assert found["MISSING_ANSWERS"].kind == "missing"
    assert found["MISSING_ANSWERS"].questions == ("pregnant",)


def test_it_screens_every_treatment_when_no_indication_is_chosen():
    assert set(planned_treatments([], [])) == {
        "mesotherapy",
        "pcdc_lipolysis",
        "deoxycholic_acid",
        "collagenase",
    }
    assert "deoxycholic_acid" in planned_treatments(["localized_fat"], ["submental"])


def test_it_stores_the_rules_version_with_the_findings():
    data = screening_json(calm().with_answer("pregnant", True), ["localized_fat"], [])
    assert data["rules_version"]
    first = data["findings"][0]
    assert first["code"] == "PREGNANCY_LIPOLYSIS"
    assert first["source"].startswith("http")


# --- properties ---------------------------------------------------------------------------

tri = st.sampled_from([True, False, None])
questionnaires = st.builds(
    Questionnaire,
    answers=st.fixed_dictionaries(dict.fromkeys(QUESTION_CODES, tri)),
    age_years=st.one_of(st.none(), st.integers(min_value=10, max_value=90)),
    weight_kg=st.one_of(st.none(), st.decimals(min_value=30, max_value=200, places=1)),
    height_cm=st.one_of(st.none(), st.decimals(min_value=140, max_value=210, places=1)),
    weight_6_months_ago_kg=st.one_of(st.none(), st.decimals(min_value=30, max_value=200, places=1)),
    weight_stable_6_months=tri,
    body_image_concern=tri,
)
indication_lists = st.lists(
    st.sampled_from(
        ["localized_fat", "submental_fat", "cellulite", "hair_loss", "skin_rejuvenation", "other"]
    ),
    max_size=3,
)
area_lists = st.lists(st.sampled_from(["submental", "abdomen", "face", "scalp"]), max_size=3)


def _non_missing(findings: list[Finding]) -> set[str]:
    return {f.code for f in findings if f.kind != "missing"}


@given(questionnaires, st.sampled_from([q.code for q in QUESTIONS]), indication_lists, area_lists)
def test_it_never_removes_a_finding_when_an_answer_becomes_yes(q, code, indications, areas):
    before = _non_missing(screen(q, indications, areas))
    after = _non_missing(screen(q.with_answer(code, True), indications, areas))
    assert before <= after


@given(indication_lists, area_lists)
def test_it_reports_only_missing_data_and_plan_notes_when_nothing_is_answered(indications, areas):
    findings = screen(Questionnaire(), indications, areas)
    assert {f.kind for f in findings} <= {"missing", "plan"}
    assert "MISSING_BODY_IMAGE_SCREEN" in {f.code for f in findings}


@given(questionnaires, indication_lists, area_lists)
def test_it_applies_findings_only_to_planned_treatments_and_cites_a_source(q, indications, areas):
    planned = set(planned_treatments(indications, areas))
    for f in screen(q, indications, areas):
        assert f.level in {"absolute", "relative", "caution"}
        assert f.sources
        assert all(s.startswith("http") for s in f.sources)
        if f.kind == "finding":
            assert set(f.treatments) <= planned
