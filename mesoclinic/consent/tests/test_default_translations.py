"""The default consent texts in French, Italian and Spanish: the same facts as the English
(every source and every figure kept), installed with the English so that a patient signs the
text in their language (issue 12)."""

from __future__ import annotations

import re

import pytest

from mesoclinic.consent.default_translations import DEFAULT_TRANSLATIONS
from mesoclinic.consent.models import ConsentTemplate
from mesoclinic.consent.services import default_templates, install_default_templates

URL = re.compile(r"https?://[^\s)]+")
# A thousands separator (1,616 / 1 616 / 1.616) between digits, before exactly three digits.
THOUSANDS = re.compile(r"(?<=\d)[ ,.\u00a0\u202f](?=\d{3}(?!\d))")
NUMBER = re.compile(r"\d+(?:[.,]\d+)?")

ENGLISH = {t["code"]: t for t in default_templates()}


def _sources(text: str) -> set[str]:
    return set(URL.findall(text))


def _figures(text: str) -> set[str]:
    """The numbers of a text, written the same way whatever the language's separators."""
    plain = THOUSANDS.sub("", URL.sub(" ", text))
    return {n.replace(",", ".") for n in NUMBER.findall(plain)}


@pytest.mark.parametrize(("code", "language"), sorted(DEFAULT_TRANSLATIONS))
def test_it_keeps_every_source_and_figure_of_the_english_text(code, language):
    # given a default consent text and its translation
    english = str(ENGLISH[code]["body"])
    _title, body = DEFAULT_TRANSLATIONS[(code, language)]
    # then the translation cites the same sources and gives the same figures
    assert _sources(body) == _sources(english)
    assert _figures(body) == _figures(english)


def test_it_translates_each_default_template_into_french_italian_and_spanish():
    # given the default templates
    # then each has a version in every offered language other than English
    assert set(DEFAULT_TRANSLATIONS) == {
        (code, language) for code in ENGLISH for language in ("fr", "it", "es")
    }


def test_it_installs_the_translations_with_the_english_templates(riverside, ada):
    # when the admin adds the standard templates
    created = install_default_templates(None, riverside, ada.user)
    # then the four English templates are reported, and each also exists in fr, it and es
    assert {t.language for t in created} == {"en-gb"}
    languages = set(
        ConsentTemplate.objects.filter(clinic=riverside).values_list("code", "language")
    )
    assert languages >= set(DEFAULT_TRANSLATIONS)
    # and the Spanish text of the Kybella consent gives the trial's figures with a decimal comma
    spanish = ConsentTemplate.objects.get(
        clinic=riverside, code="deoxycholic-submental", language="es"
    )
    assert "70,0 %" in spanish.body
    assert spanish.body.endswith(DEFAULT_TRANSLATIONS[("deoxycholic-submental", "es")][1][-80:])
