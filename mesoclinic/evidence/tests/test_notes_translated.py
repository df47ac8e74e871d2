"""The report's sentences written with its numbers (``engine.notes``) read in the reader's
language on the pages and in the PDF, while the report's JSON keeps them in English."""

from __future__ import annotations

import pytest
from django.utils import translation

from mesoclinic.evidence.engine import notes
from mesoclinic.evidence.wording import translated_note


def test_it_finds_the_pattern_and_values_a_note_was_written_from():
    # given a note the engine wrote with its numbers
    text = notes.NAIVE_NOT_COMPUTED % {"count": 5, "needed": 10}
    # when it is parsed
    found = notes.parse(text)
    # then its pattern and values come back
    assert found == (notes.NAIVE_NOT_COMPUTED, {"count": "5", "needed": "10"})


def test_it_writes_a_numbered_note_in_french_with_its_values_and_label():
    # given the engine's English note naming a side effect
    text = notes.MEDIAN_NOT_REACHED % {"event": "Nodule"}
    # when a French reader sees it
    with translation.override("fr"):
        shown = translated_note(text)
    # then the sentence is French, the label too
    assert shown.startswith("Nodule : délai médian de résolution non atteint")


def test_it_translates_a_site_note_and_the_note_inside_it():
    # given a pooled report's line of one site, holding that site's own attrition note
    inner = notes.ATTRITION % {"missing": 3, "courses": 10, "percent": "30"}
    text = notes.SITE_LINE % {"site": "Lyon", "line": inner}
    # when a Spanish reader sees it
    with translation.override("es"):
        shown = translated_note(text)
    # then both the site's line and its note are Spanish, with the numbers kept
    assert shown.startswith("Lyon: pérdidas: 3 de 10 ciclos (30 %)")


@pytest.mark.parametrize("language", ["fr", "it", "es"])
def test_it_leaves_no_note_pattern_in_english(language):
    # given every pattern of a numbered note
    for pattern in notes.PATTERNS:
        if pattern == notes.SITE_LINE:
            continue
        # when it is read in the language
        with translation.override(language):
            shown = translation.gettext(pattern)
        # then it is translated
        assert shown != pattern, pattern


def test_it_translates_a_fixed_sentence_with_a_colon_whole_not_as_a_site_line():
    # given a fixed limitation that starts with a word and a colon, like a site's line
    text = (
        "multiplicity: this is one of many indication × area × outcome reports; its intervals "
        "(95%) are not adjusted for multiple comparisons, so treat it as exploratory unless "
        "this outcome was pre-specified as primary"
    )
    # when an Italian reader sees it
    with translation.override("it"):
        shown = translated_note(text)
    # then the whole sentence is the catalogue's Italian
    assert shown.startswith("molteplicità: questo è uno dei molti report")
