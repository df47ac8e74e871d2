"""Reading a page as its reader sees it, in another language: the visible text without tags,
scripts or styles, fetched with the language both active (``translation.override``) and asked
for (``Accept-Language``, which the locale middleware honours)."""

from __future__ import annotations

import html
import re
from typing import Any

from django.utils import translation

LANGUAGES = ("fr", "it", "es")

_HIDDEN = re.compile(r"<(script|style|svg|title)\b.*?</\1>", re.S | re.I)
_TAG = re.compile(r"<[^>]+>")


def visible_text(body: str) -> str:
    """The page's text as a reader sees it, whitespace folded."""
    text = _TAG.sub(" ", _HIDDEN.sub(" ", body))
    return " ".join(html.unescape(text).split())


def get_in(client: Any, language: str, path: str, **extra: Any) -> Any:
    """GET ``path`` in ``language``."""
    with translation.override(language):
        return client.get(path, HTTP_ACCEPT_LANGUAGE=language, **extra)


def untranslated(text: str, english: list[str]) -> list[str]:
    """The English strings still found in ``text``."""
    return [s for s in english if s in text]
