"""The patient's check-in link: an expiring, single-check-in, revocable signed token.

The URL carries the check-in's random public id and the token, nothing about the person.
The token is a random value signed with ``TimestampSigner`` (so tampering and age are caught
before the database is asked); the database keeps only its SHA-256 hash, with the expiry and
any revocation, so a stolen copy of the table yields no working link.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import secrets
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext_noop

from mesoclinic.aftercare.choices import CheckInStatus
from mesoclinic.aftercare.models import CheckIn, CheckInLink

SALT = "mesoclinic.aftercare.check-in-link"
# The signature's own age limit is a backstop: each link's real expiry is its row's
# ``expires_at`` (the end of the check-in's window), always shorter than this.
DEFAULT_MAX_AGE = dt.timedelta(days=120)


def _max_age() -> dt.timedelta:
    return dt.timedelta(days=getattr(settings, "AFTERCARE_LINK_MAX_AGE_DAYS", DEFAULT_MAX_AGE.days))


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_link(check_in: CheckIn, expires_at: dt.datetime) -> tuple[CheckInLink, str]:
    """Create a link for ``check_in``; the token is returned once and never stored."""
    token = signing.TimestampSigner(salt=SALT).sign(secrets.token_urlsafe(24))
    link = CheckInLink.objects.create(
        clinic_id=check_in.clinic_id,
        check_in=check_in,
        patient_id=check_in.patient_id,
        token_hash=token_hash(token),
        expires_at=min(expires_at, timezone.now() + _max_age()),
    )
    return link, token


@dataclass(frozen=True)
class Refusal:
    """Why a link was refused, in words for the patient, with the HTTP status to answer.

    ``title`` and ``message`` are English catalogue ids: the page translates them into the
    patient's language (``link_refused.html``)."""

    status: int
    title: str
    message: str
    reason: str  # short code for the audit trail (no patient data)
    link: CheckInLink | None = None


TAMPERED = Refusal(
    403,
    gettext_noop("This link is not valid"),
    gettext_noop(
        "The link is incomplete or has been changed. Please use the link exactly as you "
        "received it, or contact your clinic for a new one."
    ),
    "tampered",
)
NO_SESSION = Refusal(
    403,
    gettext_noop("Please open the link from your message"),
    gettext_noop(
        "This page opens from the link in the message your clinic sent you. Please open that "
        "link again, or contact your clinic for a new one."
    ),
    "no link in session",
)
WRONG_CHECK_IN = Refusal(
    403,
    gettext_noop("This link is not valid here"),
    gettext_noop(
        "This link belongs to a different check-in. Please use the link exactly as you "
        "received it, or contact your clinic for a new one."
    ),
    "wrong check-in",
)


def _gone(reason: str, message: str, link: CheckInLink | None) -> Refusal:
    return Refusal(410, gettext_noop("This link can no longer be used"), message, reason, link)


def resolve(check_in_public_id: uuid.UUID, token: str) -> CheckInLink | Refusal:
    """The link a patient may use, or why not. Never says whose link it was."""
    signer = signing.TimestampSigner(salt=SALT)
    try:
        signer.unsign(token, max_age=_max_age())
    except signing.SignatureExpired:
        return _gone(
            "expired",
            gettext_noop("This link has expired. Please contact your clinic if you need help."),
            None,
        )
    except signing.BadSignature:
        return TAMPERED
    link = (
        CheckInLink.objects.select_related("check_in__session", "check_in__clinic", "clinic")
        .filter(token_hash=token_hash(token))
        .first()
    )
    if link is None:
        return TAMPERED
    if link.check_in.public_id != check_in_public_id or link.patient_id != link.check_in.patient_id:
        return dataclasses.replace(WRONG_CHECK_IN, link=link)
    if link.revoked_at is not None:
        return _gone(
            "revoked",
            gettext_noop(
                "Your clinic has withdrawn this link. Please contact them if you need a new one."
            ),
            link,
        )
    if timezone.now() >= link.expires_at:
        return _gone(
            "expired",
            gettext_noop("This link has expired. Please contact your clinic if you need help."),
            link,
        )
    if link.check_in.status not in (
        CheckInStatus.SCHEDULED,
        CheckInStatus.SENT,
        CheckInStatus.OVERDUE,
    ):
        return _gone(
            "already answered",
            gettext_noop(
                "Thank you: this check-in has already been answered. If anything changes, please "
                "contact your clinic."
            ),
            link,
        )
    return link
