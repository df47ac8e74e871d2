"""What every signed-in page's layout repeats, worked out once per process (issue 11).

Each page reversed the same argument-free addresses (Today, sign out, the session's two
questions), asked the static files' storage for the same four addresses, and rendered the
same main navigation: thirteen included ``_nav.html`` files, a dozen reversals and as many
translations, whose only inputs are the role's permissions, the language and the URL map.
All three are kept here, keyed by everything they depend on, so a page pays a dictionary
look-up instead; the answer is the same string.

Nothing here holds clinic or patient data: addresses and link labels only. The keys name the
URL map (``get_urlconf``, the script prefix) and the language, and a changed setting (tests'
``override_settings``) empties every cache. The navigation is not kept with DEBUG on, where
the development server picks up an edited template without restarting.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.loader import get_template
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

# The main navigation's markup (its links come from each app's _nav.html, NAV_APPS).
NAV_TEMPLATE = "_main_nav.html"

_urls: dict[tuple[str, str, Any, str | None], str] = {}
_navs: dict[tuple[Any, ...], SafeString] = {}
_statics: dict[tuple[str, str], str] = {}


def fixed_url(name: str) -> str:
    """``reverse(name)`` for a route that takes no argument, reversed once per process."""
    key = (name, get_script_prefix(), get_urlconf(), get_language())
    url = _urls.get(key)
    if url is None:
        url = _urls[key] = reverse(name)
    return url


def static_url(path: str) -> str:
    """``{% static path %}``: the storage's address for a static file, asked once per process
    (the files and their names do not change while it runs)."""
    key = (path, get_script_prefix())
    url = _statics.get(key)
    if url is None:
        # Imported here: the sign-in clock imports this module at every command's start
        # (clinics.apps), and no command needs the static files.
        from django.contrib.staticfiles.storage import staticfiles_storage

        url = _statics[key] = staticfiles_storage.url(path)
    return url


def main_nav(can: Mapping[str, bool], nav_apps: tuple[str, ...]) -> SafeString:
    """The ``<nav>`` of the page's top bar for a role's permissions (``can``) in the active
    language. Its templates see ``can`` and ``nav_apps`` alone, so that what is kept cannot
    depend on anything else of the request."""
    granted = tuple(sorted(perm for perm, allowed in can.items() if allowed))
    key = (granted, tuple(nav_apps), get_script_prefix(), get_urlconf(), get_language())
    html = _navs.get(key)
    if html is None:
        html = mark_safe(get_template(NAV_TEMPLATE).render({"can": can, "nav_apps": nav_apps}))
        if not settings.DEBUG:
            _navs[key] = html
    return html


@receiver(setting_changed)
def _forget(**kwargs: object) -> None:
    _urls.clear()
    _navs.clear()
    _statics.clear()
