"""The substances a practice dose limit may name (table tests; pure Python)."""

from __future__ import annotations

import pytest

from mesoclinic.dosing.vocabulary import SubstanceVocabulary, UnknownSubstance

# A clinic whose products list these ingredients (as typed in its formulary).
CLINIC = SubstanceVocabulary.of(["lidocaine", "Organic silicon", "hyaluronic_acid", "Xylocaine"])


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("lidocaine", "lidocaine"),
        ("  Lidocaine ", "lidocaine"),
        ("procaine", "procaine"),
        ("Deoxycholic acid", "deoxycholic_acid"),
        ("deoxycholic-acid", "deoxycholic_acid"),
        ("phosphatidylcholine", "phosphatidylcholine"),
        ("collagenase", "collagenase"),
        ("epinephrine", "epinephrine"),
        # aliases are accepted as the code they are counted under
        ("xylocaine", "lidocaine"),
        ("Lignocaine", "lidocaine"),
        ("lidocaine HCl", "lidocaine"),
        ("novocain", "procaine"),
        ("Sodium deoxycholate", "deoxycholic_acid"),
        ("kybella", "deoxycholic_acid"),
        ("lecithin", "phosphatidylcholine"),
        ("QWO", "collagenase"),
        ("adrenaline", "epinephrine"),
        # the clinic's own ingredients
        ("organic silicon", "organic_silicon"),
        ("Hyaluronic acid", "hyaluronic_acid"),
    ],
)
def test_it_accepts_a_known_substance_as_its_code(typed: str, code: str) -> None:
    assert CLINIC.resolve(typed) == code


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [
        ("lidocain", "lidocaine"),
        ("lidocaien", "lidocaine"),
        ("procain", "procaine"),
        ("phosphatidylcholin", "phosphatidylcholine"),
        ("deoxycolic acid", "deoxycholic_acid"),
        ("colagenase", "collagenase"),
        ("organic silicone", "organic_silicon"),
        ("xylocain", "lidocaine"),
    ],
)
def test_it_refuses_a_misspelling_naming_the_closest_known_substance(
    typed: str, suggested: str
) -> None:
    with pytest.raises(UnknownSubstance) as refused:
        CLINIC.resolve(typed)
    assert refused.value.suggestions[0] == suggested
    assert f"did you mean {suggested}" in str(refused.value)
    assert "would never apply" in str(refused.value)


def test_it_refuses_an_unrelated_name_without_a_suggestion() -> None:
    with pytest.raises(UnknownSubstance) as refused:
        CLINIC.resolve("botulinum toxin")
    assert refused.value.suggestions == []
    assert "choose one from the list" in str(refused.value)


def test_it_knows_only_this_clinics_ingredients() -> None:
    # given another clinic without organic silicon
    other = SubstanceVocabulary.of(["lidocaine"])
    # then the name is unknown there, and the engine's codes are known everywhere
    with pytest.raises(UnknownSubstance):
        other.resolve("organic silicon")
    assert other.resolve("collagenase") == "collagenase"


def test_it_offers_every_code_once_with_its_other_names() -> None:
    options = dict(CLINIC.options())
    assert set(options) == {
        "collagenase",
        "deoxycholic_acid",
        "epinephrine",
        "hyaluronic_acid",
        "lidocaine",
        "organic_silicon",
        "phosphatidylcholine",
        "procaine",
    }
    assert "xylocaine" in options["lidocaine"]
    assert "adrenaline" in options["epinephrine"]
