"""Which language a page speaks: the member's own choice, else their clinic's default, else
the browser's (Accept-Language, read by Django's LocaleMiddleware before this one).

Patients are not members: what they see (check-in pages, reminders, the consent to sign) is
in their own preferred language, falling back to the clinic's default
(``patient_language``), whatever the language of the member who sent it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

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


class StaffLanguageMiddleware:
    """Activate the signed-in member's language for the request (after the membership is
    known: ``clinics.middleware.ActiveMembershipMiddleware``). Not restored afterwards, so
    that LocaleMiddleware's response step names it in Content-Language."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        membership: Membership | None = getattr(request, "membership", None)
        language = member_language(membership) if membership is not None else ""
        if not language and request.user.is_authenticated:
            language = chosen_language(request.user)
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
