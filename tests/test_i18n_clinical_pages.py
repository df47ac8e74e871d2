"""The clinical apps' pages speak French, Italian and Spanish (issue 12).

Every page of the route walk (tests/route_walk.py) that belongs to patients, consultations,
plans, treatments, dosing or formulary is opened by the demo's practitioner in each language;
no sentence of those apps' English catalogues may be left in the visible text (text, option
labels, titles, aria-labels, placeholders). Single words are not looked for: a word such as
"Save" is also a string of the base templates, whose catalogue is not these apps'.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from mesoclinic.clinics.language import set_language
from mesoclinic.clinics.models import Clinic, Membership
from mesoclinic.demo.services import load_demo
from tests.route_walk import NOT_IN_DEMO, record_ids, routes, urls
from tests.second_step import sign_in

APPS = ("patients", "consultations", "plans", "treatments", "dosing", "formulary")
LANGUAGES = ("fr", "it", "es")
# Visible attributes: what a screen reader or a tooltip says.
SPOKEN_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt"}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\{.*?\}\}")
# Known gaps, named so that nothing else hides behind them: the signing gates' sentences are
# built in the pure treatments.gates module and are still English ("“Consent to …”, signed by
# the patient on …" shows the consultations' fragment "signed by").
KNOWN_GAPS = {"signed by"}


class _VisibleText(HTMLParser):
    """The text a person sees or hears: text outside scripts and styles, spoken attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._hidden += 1
        self.parts.extend(v for k, v in attrs if k in SPOKEN_ATTRIBUTES and v)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    return re.sub(r"\s+", " ", " ".join(parser.parts))


def _catalogue_entries(app: str, language: str) -> list[tuple[str, str]]:
    """(English, translation) of every message of the app's catalogue, plural forms included."""
    path = Path(settings.BASE_DIR) / "mesoclinic" / app / "locale" / language / "LC_MESSAGES"
    entries: list[tuple[str, str]] = []
    if not (path / "django.po").exists():
        return entries
    text = (path / "django.po").read_text(encoding="utf-8")
    for block in text.split("\n\n"):
        ids = re.findall(r'^msgid(?:_plural)? ((?:".*"\n?)+)', block + "\n", re.M)
        strs = re.findall(r"^msgstr(?:\[\d\])? ((?:\".*\"\n?)+)", block + "\n", re.M)
        english = [_unquote(s) for s in ids]
        translated = [_unquote(s) for s in strs]
        entries.extend((e, t) for e in english if e for t in translated[:1])
    return entries


def _unquote(quoted: str) -> str:
    joined = "".join(re.findall(r'"(.*)"', quoted))
    return joined.encode("utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8")


def english_sentences(language: str) -> set[str]:
    """The fragments of the apps' English messages that a page in ``language`` must not show:
    the text between placeholders, of two words or more, that the translation does not keep."""
    found = set()
    for app in APPS:
        for english, translated in _catalogue_entries(app, language):
            for fragment in PLACEHOLDER.split(english):
                fragment = re.sub(r"\s+", " ", fragment).strip(" .,:;()·—-")
                if (
                    len(fragment.split()) >= 2
                    and fragment not in translated
                    and fragment not in KNOWN_GAPS
                ):
                    found.add(fragment)
    return found


def _pages() -> list[tuple[Client, str]]:
    riverside = Clinic.objects.get(slug="riverside")
    alice = Client(raise_request_exception=False)
    sign_in(alice, _alice())
    ids = record_ids(riverside, per_kind=1)
    pages = []
    for route in routes():
        if route.name.split(":")[0] not in APPS or route.name in NOT_IN_DEMO:
            continue
        pages.extend((alice, url) for url in urls(route, riverside, ids))
    return pages


def _alice() -> Any:
    return Membership.objects.get(user__username="alice", clinic__slug="riverside").user


@pytest.mark.django_db
def test_it_shows_the_clinical_pages_in_french_italian_and_spanish():
    # given the demo practice and its practitioner
    load_demo(patients=12, hilltop_patients=2)
    pages = _pages()
    left: dict[str, set[str]] = {}
    opened = 0
    for language in LANGUAGES:
        english = english_sentences(language)
        # the practitioner chose the language in her profile (clinics.language)
        set_language(_alice(), language)
        for client, url in pages:
            # when each page of the clinical apps is opened in the language
            response = client.get(url)
            if response.status_code != 200 or "text/html" not in response["Content-Type"]:
                continue
            opened += 1
            text = visible_text(response.content.decode())
            # then no English sentence of the apps' catalogues is left on it
            for sentence in english:
                if sentence in text:
                    left.setdefault(f"{language} {url.split('/')[1]}", set()).add(sentence)
    assert opened > 3 * 15
    assert left == {}, "\n".join(f"{k}: {sorted(v)}" for k, v in sorted(left.items()))


def test_it_finds_an_english_sentence_left_on_a_page():
    # given an English sentence of the patients' catalogue
    sentence = "No patients are registered yet"
    assert sentence in english_sentences("fr")
    # when a page still shows it
    text = visible_text(f"<main><p class='muted'>{sentence}.</p><script>x</script></main>")
    # then the check sees it
    assert sentence in text


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("app", APPS)
def test_it_has_a_complete_catalogue_for_each_clinical_app(app, language):
    # given the app's catalogue for the language
    path = Path(settings.BASE_DIR) / "mesoclinic" / app / "locale" / language / "LC_MESSAGES"
    text = (path / "django.po").read_text(encoding="utf-8")
    entries = _catalogue_entries(app, language)
    # when its messages are read
    untranslated = [english for english, translated in entries if not translated]
    # then there are some, none is left untranslated and none is marked fuzzy
    assert len(entries) > 20
    assert untranslated == []
    assert "#, fuzzy" not in text
