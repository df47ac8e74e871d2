"""Every page of the route walk, as each role, in French, Italian and Spanish: no message of
the English catalogue is left in the visible text.

The walk is the one the isolation and bad-input tests use (tests/route_walk.py). A page is
checked against the English messages (msgids) of the catalogues of ``TRANSLATED``: the
project's (templates, code lists) and each translated app's. A route is walked when its view
belongs to a translated app, so that an app whose catalogue is still to come does not fail
the test; when every app is translated, ``TRANSLATED`` names them all.

A message counts as left in English when it appears, as whole words, in the page's visible
text (text nodes and the alt, title, placeholder and aria-label attributes), and its
translation differs from it ("Patient" is French too). Messages with placeholders are
checked by their longest literal part of at least two words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.test import Client
from django.urls import resolve, reverse

from mesoclinic.clinics.language import set_language
from mesoclinic.clinics.models import Clinic, Membership
from mesoclinic.demo.services import load_demo
from mesoclinic.operations.catalogues import PACKAGE
from tests.route_walk import NOT_IN_DEMO, Route, record_ids, routes, urls
from tests.second_step import sign_in

pytestmark = pytest.mark.django_db

# The catalogues checked, and the apps whose pages are walked ("project": mesoclinic/locale,
# for the templates and modules outside apps; pages of Django's own views count as it).
TRANSLATED = (
    "project",
    "workspace",
    "clinics",
    "mfa",
    "records",
    "audit",
    "consent",
    "operations",
    "safety",
    "fhir",
    "registry",
    "photos",
    "aftercare",
    "appointments",
    "billing",
    "consultations",
    "dosing",
    "evidence",
    "formulary",
    "outcomes",
    "patients",
    "plans",
    "treatments",
)
LANGUAGES = ("fr", "it", "es")
ROLES = ("alice", "nina", "bob", "ada", "rita")

# Words that are the same in every language or are names: units, codes, proper names.
ALLOWED = {
    "mesoclinic",
    "MRN",
    "TOTP",
    "QR",
    "PC/DC",
    "E-mail",
    "Email",
    "Audit",
    "Plan",
}

# Words of the English catalogue that are also words of one language, where its pages use
# them: French "Face externe de la cuisse" (a side of the thigh, the area's name) and
# "Infection cutanée active" (the screening question); Spanish "Use las flechas…" (the formal
# imperative of "usar").
SHARED_WORDS = {"fr": {"Face", "active"}, "es": {"Use"}}
# Codes typed as they are in every language, which a translated help text quotes inside its
# sentence: a map mark's kind in the amend form's row format ("submental 0.400 0.550 point").
TYPED_CODES = {"point"}


def clinic_data(clinic: Clinic) -> list[str]:
    """What the clinic's staff typed, in the clinic's own language (the demo's is English),
    and a page shows as written: names of its appointment types, rooms and devices, prices and
    packages, a product's name, a lot's status reason, a session's notes, a practice dose limit's source. Such
    text is data, not a message left untranslated, even where it is also a message
    ("Treatment session", "Room 1", "Mesotherapy — Flank", "Expired: awaiting return…").
    Longest first, so that a name containing another is taken whole."""
    from mesoclinic.appointments.models import AppointmentType, Resource
    from mesoclinic.billing.models import Package, PriceItem
    from mesoclinic.dosing.models import DoseLimit
    from mesoclinic.formulary.models import Lot, Product
    from mesoclinic.treatments.models import TreatmentSession

    texts = {
        *AppointmentType.objects.for_clinic(clinic).values_list("name", flat=True),
        *Resource.objects.for_clinic(clinic).values_list("name", flat=True),
        *PriceItem.objects.filter(clinic=clinic).values_list("name", flat=True),
        *Package.objects.filter(clinic=clinic).values_list("name", flat=True),
        *Lot.objects.for_clinic(clinic).values_list("status_reason", flat=True),
        *Product.objects.for_clinic(clinic).values_list("name", flat=True),
        *TreatmentSession.objects.for_clinic(clinic).values_list("notes", flat=True),
        *DoseLimit.objects.for_clinic(clinic).values_list("source", flat=True),
    }
    return sorted((t.strip() for t in texts if t and t.strip()), key=len, reverse=True)


PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%%|\{[a-z_]+\}|<[^>]+>")


class _VisibleText(HTMLParser):
    """The text a person sees or hears: text nodes outside script and style, and the
    attributes read aloud or shown on hover."""

    # A textarea holds what was typed (data), not the page's words; a <code> is typed as it
    # is (a substance code such as "collagenase"), in every language.
    SKIP = {"script", "style", "template", "textarea", "code"}
    ATTRIBUTES = {"alt", "title", "placeholder", "aria-label"}

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skipping = 0
        self._skip_tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # Text marked lang="en…" is English on purpose: an audit entry's detail (data), the
        # English version of a consent text.
        if tag in self.SKIP or any(k == "lang" and (v or "").startswith("en") for k, v in attrs):
            self._skip_tags.append(tag)
            self._skipping += 1
        for name, value in attrs:
            if name in self.ATTRIBUTES and value:
                self.parts.append(value)
        if tag == "input":
            kind = dict(attrs).get("type")
            value = dict(attrs).get("value")
            if kind in ("submit", "button") and value:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if self._skip_tags and self._skip_tags[-1] == tag:
            self._skip_tags.pop()
            self._skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    return re.sub(r"\s+", " ", " ".join(parser.parts))


def _catalogue(owner: str, language: str) -> Path:
    folder = PACKAGE if owner == "project" else PACKAGE / owner
    return folder / "locale" / language / "LC_MESSAGES" / "django.po"


def _probe(message: str) -> str | None:
    """What to look for in a page: the message, or its longest literal part of two words
    or more when it has placeholders or markup; None when nothing specific enough."""
    if not PLACEHOLDER.search(message):
        return message.strip() or None
    parts = [p.strip(" .,:;()·") for p in PLACEHOLDER.split(message)]
    parts = [p for p in parts if len(p.split()) >= 2]
    return max(parts, key=len) if parts else None


# Whole words only. A word joined to the next by an apostrophe is an elision of the page's
# language (Italian "all'indirizzo", French "l'adresse"), not the English word; a word just
# after a slash is part of a path or a code ("system/Patient.read", a FHIR resource type).
NOT_BEFORE = r"[\w/'’-]"
NOT_AFTER = r"[\w'’-]"


@cache
def translations(language: str) -> frozenset[str]:
    """Every translation in ``language`` of every catalogue: an English message that is also
    one of these (Italian "Note", the plural of "nota") is a word of the page's language."""
    words: set[str] = set()
    for po in PACKAGE.glob(f"**/locale/{language}/LC_MESSAGES/django.po"):
        with po.open("rb") as handle:
            catalog = read_po(handle)
        for message in catalog:
            strings = (
                (message.string,)
                if isinstance(message.string, str)
                else tuple(message.string or ())
            )
            words.update(s.strip() for s in strings if s)
    return frozenset(words)


@cache
def english_messages(language: str) -> dict[str, re.Pattern[str]]:
    """Each English message of the translated catalogues whose translation into
    ``language`` differs from it, with the pattern that finds it as whole words."""
    found: dict[str, re.Pattern[str]] = {}
    native = translations(language)
    for owner in TRANSLATED:
        path = _catalogue(owner, language)
        if not path.exists():
            continue
        with path.open("rb") as handle:
            catalog = read_po(handle)
        for message in catalog:
            if not message.id:
                continue
            ids = [str(i) for i in (message.id if isinstance(message.id, tuple) else (message.id,))]
            raw = message.string if isinstance(message.string, tuple) else (message.string,)
            strings = [str(s or "") for s in raw]
            for english in ids:
                probe = _probe(english)
                if probe is None or probe in ALLOWED:
                    continue
                if probe in strings:
                    continue
                if any(probe in s for s in strings):
                    continue  # the translation keeps it (a name, a unit)
                if probe in native:
                    continue  # a word of the language too (Italian "Note" for "Notes")
                found[probe] = re.compile(rf"(?<!{NOT_BEFORE}){re.escape(probe)}(?!{NOT_AFTER})")
    return found


# An address shown as text (a cited source) is not words of the page ("…topic_name=Products").
URL = re.compile(r"https?://\S+")


def untranslated(html: str, language: str, data: Iterable[str] = ()) -> list[str]:
    text = visible_text(html)
    for written in data:
        text = text.replace(re.sub(r"\s+", " ", written), " ")
    text = URL.sub(" ", text)
    shared = SHARED_WORDS.get(language, set()) | TYPED_CODES
    return sorted(
        m
        for m, pattern in english_messages(language).items()
        if m not in shared and pattern.search(text)
    )


def _app_of(url: str) -> str:
    """The app a page belongs to: the package of its view ("project" for Django's own)."""
    module = resolve(url.split("?")[0]).func.__module__
    parts = module.split(".")
    return parts[1] if parts[0] == "mesoclinic" and len(parts) > 2 else "project"


def _pages(clinic: Clinic, clients: dict[str, Client]) -> Iterator[tuple[Route, str]]:
    """Each walked route of a translated app, with the first of its addresses that opens."""
    ids = record_ids(clinic, per_kind=1)
    for route in routes():
        if route.name in NOT_IN_DEMO:
            continue
        for url in urls(route, clinic, ids):
            if _app_of(url) not in TRANSLATED:
                break
            if any(c.get(url).status_code == 200 for c in clients.values()):
                yield route, url
                break


@pytest.mark.parametrize("language", LANGUAGES)
def test_it_shows_no_english_message_on_any_translated_page_in_fr_it_es(language):
    # given the demo practice, each Riverside role signed in
    load_demo(patients=9, hilltop_patients=1)
    riverside = Clinic.objects.get(slug="riverside")
    members = {u: Membership.objects.get(user__username=u, clinic=riverside) for u in ROLES}
    clients = {u: sign_in(Client(), m.user) for u, m in members.items()}
    pages = list(_pages(riverside, clients))
    data = clinic_data(riverside)
    assert len(pages) >= 10, "too few pages walked to mean anything"
    problems = []
    # when each member reads in that language
    for member in members.values():
        set_language(member.user, language)
    for route, url in pages:
        for username, client in clients.items():
            response = client.get(url)
            if response.status_code != 200 or "text/html" not in response["Content-Type"]:
                continue
            # then no English message of the translated catalogues is left on the page
            left = untranslated(response.content.decode(), language, data)
            if left:
                problems.append(f"{language} {username} {route.name} {url}: {left}")
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_it_shows_the_sign_in_and_reset_pages_in_the_browser_language(client, language):
    # given a visitor whose browser asks for the language
    for name in ("login", "password_reset", "password_reset_done", "password_reset_complete"):
        # when they open the page
        response = client.get(reverse(name), HTTP_ACCEPT_LANGUAGE=language)
        # then nothing of the English catalogue is left on it
        assert response.status_code == 200
        assert untranslated(response.content.decode(), language) == [], name


def test_it_finds_an_english_message_left_on_a_page():
    # given a French page with one English sentence of the catalogue left in it
    html = "<main><h1>Paramètres</h1><p>Stay signed in</p><p title='Skip to content'></p></main>"
    # when the page is checked
    left = untranslated(html, "fr")
    # then both the text and the attribute are found, and the French word is not
    assert "Stay signed in" in left
    assert "Skip to content" in left
    assert "Paramètres" not in left


def test_it_does_not_take_an_italian_elision_or_a_code_for_english():
    # given Italian text with an elision and a FHIR scope, and a word Italian shares
    html = (
        "<main><p>Inviata all'indirizzo indicato.</p><p>system/Patient.read</p>"
        "<label>Note</label></main>"
    )
    # when the page is checked in Italian
    left = untranslated(html, "it")
    # then none of them counts as English
    assert "all" not in left
    assert "Patient" not in left
    assert "Note" not in left


def test_it_still_finds_an_english_word_before_a_full_stop_or_in_a_sentence():
    # given a Spanish page with the English word "Patient" at the end of a sentence
    html = "<main><p>Ver el historial. Patient.</p></main>"
    # when the page is checked
    # then it is found
    assert "Patient" in untranslated(html, "es")
