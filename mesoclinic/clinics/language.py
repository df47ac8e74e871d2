"""Which language a page speaks: the member's own choice, else their clinic's default, else
the browser's (Accept-Language, read by Django's LocaleMiddleware before this one).

Patients are not members: what they see (check-in pages, reminders, the consent to sign) is
in their own preferred language, falling back to the clinic's default
(``patient_language``), whatever the language of the member who sent it.
"""

from __future__ import annotations

import gettext as gettext_module
import weakref
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import trans_real

from mesoclinic.clinics.models import Clinic, LanguagePreference, Membership

SUPPORTED = frozenset(code for code, _name in settings.LANGUAGES)


def chosen_language(user: Any) -> str:
    """The language the user chose for themselves, or "" if they never chose."""
    try:
        preference = user.language_preference
    except LanguagePreference.DoesNotExist:
        return ""
    return str(preference.language) if preference.language in SUPPORTED else ""


def member_language(membership: Membership) -> str:
    """The member's own language, else their clinic's default; "" leaves the browser's."""
    own = chosen_language(membership.user)
    if own:
        return own
    default = membership.clinic.default_language
    return default if default in SUPPORTED else ""


def reader_language(user: Any) -> str:
    """The language to write to a member in outside a page (an e-mail): their own, else that
    of their first clinic; "" when neither says (the caller keeps the current language)."""
    own = chosen_language(user)
    if own:
        return own
    membership = (
        Membership.objects.filter(user=user, is_active=True)
        .select_related("clinic")
        .order_by("clinic_id")
        .first()
    )
    default = membership.clinic.default_language if membership is not None else ""
    return default if default in SUPPORTED else ""


def set_language(user: Any, language: str) -> None:
    """Record the user's own choice ("" forgets it: the clinic's default applies again)."""
    if not language:
        LanguagePreference.objects.filter(user=user).delete()
    elif language in SUPPORTED:
        LanguagePreference.objects.update_or_create(user=user, defaults={"language": language})
    else:
        raise ValueError(f"not a supported language: {language!r}")
    # The user object may already carry the old choice (select_related); forget it.
    user._state.fields_cache.pop("language_preference", None)


def patient_language(preferred: str, clinic: Clinic) -> str:
    """The language of everything a patient sees: theirs, else the clinic's, else the site's."""
    for code in (preferred, clinic.default_language):
        if code in SUPPORTED:
            return code
    return str(settings.LANGUAGE_CODE)


def _translates_nothing(catalog: gettext_module.NullTranslations) -> bool:
    """A plain gettext catalogue with no message but its header (Django's and its apps' empty
    ``en`` catalogues): asking it changes no answer, as a miss falls through to the next."""
    if type(catalog) is not gettext_module.GNUTranslations:
        return False
    messages = getattr(catalog, "_catalog", None)
    return isinstance(messages, dict) and all(key == "" for key in messages)


# Each translation object is pruned once per process (weakly held: Django rebuilds them when
# the settings of a test change).
_PRUNED: weakref.WeakSet[gettext_module.NullTranslations] = weakref.WeakSet()


def prune_empty_fallbacks(catalog: gettext_module.NullTranslations) -> None:
    """Drop, from the chain of fallbacks behind ``catalog``, the catalogues that translate
    nothing. With LANGUAGE_CODE "en-gb", gettext reads each app's en_GB and en catalogues, and
    Django chains every app's empty ``en`` one behind the language's: five empty catalogues
    that each look-up of an English (or untranslated) message walked, about 17,000 wasted
    calls on one chart (issue 11). The answers are the same: a miss in every catalogue returns
    the message itself (or msgid1/msgid2 by n == 1 for plurals) whichever catalogue is last."""
    if catalog in _PRUNED:
        return
    node = catalog
    while node is not None:
        following = node._fallback  # type: ignore[attr-defined]
        while following is not None and _translates_nothing(following):
            following = following._fallback
        node._fallback = following  # type: ignore[attr-defined]
        _PRUNED.add(node)
        node = following


# A bound on the answers kept per language: messages are the code's and templates' own (a
# few thousand), but a code looked up as a message (an area or kind read from a record) could
# be anything a record holds.
REMEMBERED_ANSWERS = 20_000
_REMEMBERING: weakref.WeakSet[gettext_module.NullTranslations] = weakref.WeakSet()


def remember_answers(catalog: gettext_module.NullTranslations) -> None:
    """Keep each message's answer from ``catalog`` (the active language's) for the process.

    A look-up walked each of the language's catalogues (Django keeps every app's as a dict of
    its own) twice, for the message and for its plural form: about 3 µs, and a chart asks
    about 300 (issue 11). A catalogue never changes once loaded (Django builds new ones when
    the settings of a test change), so an answer is the same every time. Only plain ``str``
    messages are kept: a ``SafeString`` message comes back as itself when untranslated, and
    must not become the answer to the same text given as a plain (escaped) string."""
    if catalog in _REMEMBERING:
        return
    lookup = catalog.gettext
    answers: dict[str, str] = {}

    def gettext(message: str) -> str:
        if type(message) is not str:
            return lookup(message)
        answer = answers.get(message)
        if answer is None:
            answer = lookup(message)
            if type(answer) is str and len(answers) < REMEMBERED_ANSWERS:
                answers[message] = answer
        return answer

    catalog.gettext = gettext  # type: ignore[method-assign]
    _REMEMBERING.add(catalog)


class StaffLanguageMiddleware:
    """Activate the signed-in member's language for the request (after the membership is
    known: ``clinics.middleware.ActiveMembershipMiddleware``). Not restored afterwards, so
    that LocaleMiddleware's response step names it in Content-Language."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        membership: Membership | None = getattr(request, "membership", None)
        if membership is not None:
            # membership.user is request.user, read with its language choice (the membership
            # middleware's select_related): asking request.user again was one more query.
            language = member_language(membership)
        elif request.user.is_authenticated:
            language = chosen_language(request.user)
        else:
            language = ""
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        catalog = trans_real.catalog()
        prune_empty_fallbacks(catalog)
        remember_answers(catalog)
        return self.get_response(request)
