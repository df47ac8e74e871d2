"""The catalogue check refuses a message translated one way in one app and another way in a
second: Django merges the catalogues and takes the first app's translation, so one of the
two pages would show a word it did not choose (issue 12)."""

from __future__ import annotations

from pathlib import Path

from mesoclinic.operations.catalogues import conflicts

HEADER = (
    'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
    '"Plural-Forms: nplurals=2; plural=(n > 1);\\n"\n\n'
)


def _catalogue(root: Path, owner: str, body: str, language: str = "fr") -> Path:
    folder = (root if owner == "project" else root / owner) / "locale" / language / "LC_MESSAGES"
    folder.mkdir(parents=True)
    po = folder / "django.po"
    po.write_text(HEADER + body, encoding="utf-8")
    return po


def test_it_names_a_message_two_apps_translate_differently(tmp_path):
    # given two apps that translate "signed" differently in French
    a = _catalogue(tmp_path, "consent", 'msgid "signed"\nmsgstr "signé"\n')
    b = _catalogue(tmp_path, "consultations", 'msgid "signed"\nmsgstr "signée"\n')
    # when the catalogues are compared
    found = conflicts([a, b], root=tmp_path)
    # then the message is named with each wording and where it is
    assert len(found) == 1
    assert "fr: 'signed'" in found[0]
    assert "'signé' in consent" in found[0]
    assert "'signée' in consultations" in found[0]


def test_it_accepts_the_same_wording_or_different_contexts_or_languages(tmp_path):
    # given the same wording in two apps, a word with a context in one, and another language
    a = _catalogue(
        tmp_path,
        "consent",
        'msgid "Save"\nmsgstr "Enregistrer"\n\nmsgctxt "consent"\nmsgid "signed"\nmsgstr "signé"\n',
    )
    b = _catalogue(
        tmp_path,
        "consultations",
        'msgid "Save"\nmsgstr "Enregistrer"\n\nmsgid "signed"\nmsgstr "signée"\n',
    )
    c = _catalogue(tmp_path, "consent", 'msgid "Save"\nmsgstr "Guardar"\n', language="es")
    # when the catalogues are compared
    # then nothing conflicts
    assert conflicts([a, b, c], root=tmp_path) == []
