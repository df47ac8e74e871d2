"""The evidence pages, sentences and PDF in French, Italian and Spanish: whole translated
sentences with the numbers written for the locale, and a PDF whose accented text a parser
reads back from glyphs the embedded font really has."""

from __future__ import annotations

import re
from typing import Any, cast
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import translation

from mesoclinic.evidence import wording
from mesoclinic.evidence.sentences import EVENT_RESOLVED, sentences
from mesoclinic.evidence.tests.pdf_reading import course, read
from tests.translated_pages import LANGUAGES, get_in, untranslated, visible_text

# Words of each language's report that carry an accent, and the accented letters themselves.
ACCENTED = {
    "fr": (["données probantes", "Méthodes", "séance", "Limites"], "éà"),
    "it": (["evidenze", "Metodi", "più", "variazione"], "èù"),
    "es": (["evidencia", "Métodos", "sesión", "Limitaciones"], "óé"),
}
PAGE_ENGLISH = [
    "Evidence: ",
    "What the records show",
    "Standard outcome set",
    "All areas",
    "Printable report",
    "courses with a baseline",
    "From baseline to the last follow-up",
    "Net of weight change",
    "Change from baseline by sessions",
    "Side effects",
    "Limitations",
    # Not "Circumference" alone: the engine's limitations (engine/*.py) are still English.
    "Circumference (cm)",
]


def _report() -> dict[str, Any]:
    """A report with a fractional change, a per-session reduction, responders and a side effect."""
    return {
        "outcome": "circumference_cm",
        "courses": 12,
        "naive_change": {"estimate": -1.25, "ci95": [-2.5, -0.13]},
        "per_session_effect": {"estimate": -0.375, "ci95": [-0.5, -0.25]},
        "decomposition": None,
        "control_difference_per_session": None,
        "responders": {
            "rate": 0.5,
            "ci95": [0.25, 0.75],
            "k": 6,
            "n": 12,
            "placebo_benchmarks": [
                {"trial": "REFINE-1", "placebo_rate": 0.186},
                {"trial": "REFINE-2", "placebo_rate": 0.222},
            ],
        },  # fmt: skip
        "adverse_events": [
            {
                "type": "bruising",
                "rate_per_session": 0.4,
                "ci95": [0.3, 0.5],
                "patients_with_event": 5,
                "patients": 12,
                "median_days_to_resolution": 4.5,
            }
        ],  # fmt: skip
    }


def test_it_writes_the_sentences_as_before_in_english():
    # given a report
    # when its sentences are written with no wording (English)
    text = " ".join(sentences(_report()))
    # then they read as they always did
    assert "changed by −1.25 cm on average (95% CI −2.5 to −0.13) over 12 courses" in text
    assert "each session was followed by a reduction of 0.375 cm (95% CI −0.5 to −0.25)." in text
    assert "50% (95% CI 25%–75%) improved enough to count as responders (6 of 12 courses); in the placebo arms of the pivotal trials (REFINE-1 and REFINE-2) 19–22% did." in text  # fmt: skip
    assert "Bruising followed 40% of sessions (95% CI 30%–50%; 5 of 12 patients) and resolved in a median of 4.5 days." in text  # fmt: skip


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "fr",
            [
                "la mesure « Circonférence » a varié en moyenne de −1,25 cm (IC à 95\u00a0% de −2,5 à −0,13) sur 12 cures",
                "une réduction de 0,375 cm",
                "50\u00a0% (IC à 95\u00a0% 25\u00a0%–75\u00a0%)",
                "(REFINE-1 et REFINE-2), c'était le cas de 19–22\u00a0%",
                "Ecchymose : après 40\u00a0% des séances",
                "médiane de 4,5 jours",
            ],
        ),  # fmt: skip
        (
            "it",
            [
                "la misura «Circonferenza» è variata in media di −1,25 cm (IC al 95% da −2,5 a −0,13) su 12 cicli",
                "una riduzione di 0,375 cm",
                "50% (IC al 95% 25%–75%)",
                "(REFINE-1 e REFINE-2) lo è stato il 19–22%",
                "Ecchimosi: dopo il 40% delle sedute",
                "mediana di 4,5 giorni",
            ],
        ),  # fmt: skip
        (
            "es",
            [
                "la medida «Perímetro» cambió de media −1,25 cm (IC del 95\u00a0% de −2,5 a −0,13) en 12 ciclos",
                "una reducción de 0,375 cm",
                "50\u00a0% (IC del 95\u00a0% 25\u00a0%–75\u00a0%)",
                "(REFINE-1 y REFINE-2) lo hizo el 19–22\u00a0%",
                "Hematoma: tras el 40\u00a0% de las sesiones",
                "mediana de 4,5 días",
            ],
        ),  # fmt: skip
    ],
)
def test_it_writes_whole_sentences_with_the_locales_numbers(language, expected):
    # given a report with fractional numbers
    # when its sentences are written in another language
    with translation.override(language):
        text = " ".join(sentences(_report(), wording.active_wording()))
    # then each sentence is the language's own, with its decimal comma and percent sign
    for part in expected:
        assert part in text
    assert not re.search(r"\d\.\d", text)
    assert "followed" not in text
    assert "courses" not in text


def test_it_marks_the_plural_sentence_as_the_writer_uses_it():
    # given the plural pair the pure writer uses and the one marked for the catalogue
    # when each is read in Spanish
    with translation.override("es"):
        marked = str(wording.EVENT_RESOLVED % {"event": "E", "rate": "r", "low": "l", "high": "h", "k": 1, "n": 2, "days": 3})  # fmt: skip
        used = translation.ngettext(*EVENT_RESOLVED, 2) % {"event": "E", "rate": "r", "low": "l", "high": "h", "k": 1, "n": 2, "days": 3}  # fmt: skip
    # then they are the same, translated, entry
    assert marked == used
    assert "días" in used


def _cellulite_courses(alice) -> None:
    course(alice.clinic, alice.user, "RV1", protocol="Série A", slope_cm=1)
    course(alice.clinic, alice.user, "RV2", protocol="Série A", slope_cm=1.5)


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_it_shows_the_evidence_pages_in_the_users_language(login, alice, rita, language):
    # given Riverside cellulite courses
    _cellulite_courses(alice)
    client = login(rita)
    # when rita reads the evidence index, the cellulite page and its printable report
    index = get_in(client, language, reverse("evidence:index"))
    page = get_in(client, language, reverse("evidence:indication", args=["cellulite"]) + "?outcome=circumference_cm")  # fmt: skip
    printable = get_in(client, language, reverse("evidence:print", args=["cellulite"]) + "?outcome=circumference_cm")  # fmt: skip
    # then no English heading, label, sentence or code label is left
    assert index.status_code == page.status_code == printable.status_code == 200
    assert untranslated(visible_text(index.content.decode()), ["Evidence: does it work here?", "Localized fat", "Submental fat"]) == []  # fmt: skip
    assert untranslated(visible_text(page.content.decode()), PAGE_ENGLISH) == []
    assert untranslated(visible_text(printable.content.decode()), [*PAGE_ENGLISH, "Methods", "Back to the evidence page"]) == []  # fmt: skip
    assert f'<html lang="{language}"' in printable.content.decode()


def _glyph_ids(reader, font) -> dict[str, int]:
    """Each character the font's ToUnicode map names, with the glyph its CID draws."""
    cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")
    cid_to_gid = font["/DescendantFonts"][0].get_object()["/CIDToGIDMap"].get_object().get_data()
    glyphs = {}
    for cid, code in re.findall(r"<([0-9A-F]{4})> <([0-9A-F]{4})>", cmap):
        cid_n = int(cid, 16)
        glyphs[chr(int(code, 16))] = int.from_bytes(cid_to_gid[2 * cid_n : 2 * cid_n + 2], "big")
    return glyphs


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_it_renders_the_pdf_with_its_accents_in_each_language(login, alice, rita, language):
    # given Riverside cellulite courses
    _cellulite_courses(alice)
    # when rita downloads the PDF report in another language
    url = reverse("evidence:pdf", args=["cellulite"]) + "?" + urlencode({"outcome": "circumference_cm"})  # fmt: skip
    response = get_in(login(rita), language, url)
    reader = read(response.content)
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    # then a PDF parser reads the translated words back with their accents
    assert response.status_code == 200
    words, letters = ACCENTED[language]
    for word in words:
        assert word in text
    for letter in letters:
        assert letter in text
    assert untranslated(text, ["Evidence report", "Findings", "Methods", "Limitations", "page 1 of"]) == []  # fmt: skip
    # and each accented letter is drawn by a real glyph of the embedded font, not its blank
    fonts: list[Any] = [ref.get_object() for page in reader.pages for ref in cast(Any, page["/Resources"])["/Font"].values()]  # fmt: skip
    assert all("/FontFile2" in f["/DescendantFonts"][0].get_object()["/FontDescriptor"] for f in fonts)  # fmt: skip
    glyphs: dict[str, int] = {}
    for font in fonts:
        for char, gid in _glyph_ids(reader, font).items():
            glyphs[char] = max(gid, glyphs.get(char, 0))
    for letter in letters:
        assert glyphs.get(letter, 0) > 0, f"{letter!r} has no glyph in the embedded font"
    assert reader.metadata is not None
