"""The dose check's words in the reader's language on the pages, while ``dose-check`` JSON and
the snapshot kept at signing stay English (docs/dose-rules.md)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from mesoclinic.dosing import phrases
from mesoclinic.dosing.rules import RuleSet, cap_text
from mesoclinic.dosing.wording import dose_words


def test_it_writes_the_engine_words_in_english_for_the_json():
    # given the default rules with a practice limit
    rules = RuleSet.defaults()
    # when the engine names them and a cap
    # then the words are the English ones the JSON has always had
    assert rules.description == "default rules"
    assert cap_text(Decimal("300"), Decimal("3")) == "3 mg/kg and at most 300 mg per session"


def test_it_shows_a_nested_finding_in_french():
    # given a violation whose basis holds a lidocaine limit and the toxicity warning
    basis = phrases.PLAIN_LIDOCAINE % {
        "limit": phrases.CAPPED % {"mg_per_kg": "4.5", "mg": "315", "cap_mg": "300"},
        "weight": phrases.ACTUAL_WEIGHT % {"kg": "70"},
    }
    text = phrases.ABOVE_LIMIT_TOXIC % {
        "substance": "lidocaine",
        "mg": "400",
        "limit_mg": "300",
        "basis": basis,
        "toxicity": phrases.TOXICITY_SIGNS % {"source": "https://example.org"},
    }
    # when a French reader sees it
    with translation.override("fr"):
        shown = dose_words(text)
    # then every part is French and the numbers are kept
    assert "au-dessus de 300 mg" in shown
    assert "plafonnés à 300 mg" in shown
    assert "poids réel 70 kg" in shown
    assert "surveiller une toxicité" in shown
    assert "is above" not in shown


@pytest.mark.parametrize("language", ["fr", "it", "es"])
def test_it_translates_the_rule_set_name_with_practice_limits(language):
    # given the rule set's name with practice limits
    text = phrases.RULES_WITH_PRACTICE_LIMITS % {"rules": phrases.DEFAULT_RULES}
    # when it is read in the language
    with translation.override(language):
        shown = dose_words(text)
    # then no English word of it is left
    assert "default rules" not in shown
    assert "practice limits" not in shown


def test_it_shows_what_changed_since_signing_in_french_with_the_substance_named():
    # given the differences a signed session's check shows today (snapshot.compare's words)
    limit = phrases.LIMIT_MG % {"substance": "procaine", "max_mg": "100"}
    added = phrases.LIMIT_ADDED % {"limit": limit}
    new = phrases.NEW_VIOLATION % {
        "message": phrases.ABOVE_LIMIT
        % {"substance": "lidocaine", "mg": "400", "limit_mg": "300", "basis": "x"}
    }
    weight = phrases.WEIGHT_CHANGED % {
        "then": phrases.WEIGHT_ON % {"weight": "60", "origin": "measurement", "date": "2026-11-20"},
        "now": phrases.WEIGHT_ON % {"weight": "58", "origin": "measurement", "date": "2026-12-01"},
    }
    # when a French reader sees them
    with translation.override("fr"):
        shown = [dose_words(text) for text in (added, new, weight)]
    # then each is French, the substances named in French, the numbers kept
    assert shown[0] == "limite du cabinet ajoutée depuis la signature : procaïne 100 mg"
    assert shown[1].startswith("nouveau dépassement aujourd’hui : lidocaïne")
    assert "400" in shown[1]
    assert shown[2].startswith("poids à la signature : 60 kg")
    assert "since signing" not in " ".join(shown)
    assert "today" not in " ".join(shown)
