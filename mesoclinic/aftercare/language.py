"""The language a patient reads their aftercare in: their preferred language, else their
clinic's default, else the site's (the check-in link, its message and the check-in pages)."""

from __future__ import annotations

from typing import Any

from django.conf import settings


def _supported(code: object) -> str:
    codes = {c for c, _name in settings.LANGUAGES}
    text = str(code or "")
    return text if text in codes else ""


def patient_language(patient: Any, fallback: str | None = None) -> str:
    """``patient.preferred_language`` when set and offered, else the clinic's default, else
    ``fallback`` (the browser's language on the check-in page), else the site's.

    Read with ``getattr`` because the fields belong to the patients and clinics apps (issue 12
    adds them); a database without them falls back to the site's language.
    """
    clinic = getattr(patient, "clinic", None)
    return (
        _supported(getattr(patient, "preferred_language", ""))
        or _supported(getattr(clinic, "default_language", ""))
        or fallback
        or settings.LANGUAGE_CODE
    )


def clinic_language(clinic: Any) -> str:
    """The clinic's default language (staff e-mails sent by ``run-due``, outside a request)."""
    return _supported(getattr(clinic, "default_language", "")) or settings.LANGUAGE_CODE
