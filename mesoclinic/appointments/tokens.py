"""Signed, expiring, revocable tokens: the patient's reply link and the staff calendar feed.

As the aftercare check-in link: the URL carries a random public id and a random value signed
with ``TimestampSigner``; the database keeps only its SHA-256 hash, so a copy of the table
yields no working link. Nothing about the person is in the URL.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid

from django.core import signing
from django.utils import timezone

from mesoclinic.appointments.models import Appointment, CalendarFeed, ReplyLink
from mesoclinic.clinics.models import Membership

REPLY_SALT = "mesoclinic.appointments.reply-link"
FEED_SALT = "mesoclinic.appointments.calendar-feed"
# A reply link is worth nothing after the appointment; the signature's own limit is a backstop.
MAX_AGE = dt.timedelta(days=120)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new(salt: str) -> str:
    return signing.TimestampSigner(salt=salt).sign(secrets.token_urlsafe(24))


def issue_reply_link(appointment: Appointment) -> str:
    """A link for the patient to answer about ``appointment``; the token is returned once."""
    token = _new(REPLY_SALT)
    ReplyLink.objects.create(
        clinic_id=appointment.clinic_id,
        appointment=appointment,
        token_hash=token_hash(token),
        expires_at=min(appointment.ends_at, timezone.now() + MAX_AGE),
    )
    return token


def resolve_reply(public_id: uuid.UUID, token: str) -> ReplyLink | None:
    """The live link for this appointment and token, or None (never says why to the caller's
    visitor: the page says only that the link cannot be used)."""
    try:
        signing.TimestampSigner(salt=REPLY_SALT).unsign(token, max_age=MAX_AGE)
    except signing.BadSignature:
        return None
    link = (
        ReplyLink.objects.select_related("appointment__clinic", "appointment__patient__clinic")
        .filter(token_hash=token_hash(token), revoked_at__isnull=True)
        .first()
    )
    if link is None or link.appointment.public_id != public_id:
        return None
    if timezone.now() >= link.expires_at or not link.appointment.is_open:
        return None
    return link


def issue_feed(practitioner: Membership) -> str:
    """A new feed address for ``practitioner``; their earlier ones are revoked."""
    CalendarFeed.objects.filter(practitioner=practitioner, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    token = _new(FEED_SALT)
    CalendarFeed.objects.create(
        clinic_id=practitioner.clinic_id,
        practitioner=practitioner,
        token_hash=token_hash(token),
        created_by=practitioner.user,
    )
    return token


def resolve_feed(token: str) -> CalendarFeed | None:
    try:
        signing.TimestampSigner(salt=FEED_SALT).unsign(token)
    except signing.BadSignature:
        return None
    return (
        CalendarFeed.objects.select_related("practitioner__clinic", "practitioner__user")
        .filter(token_hash=token_hash(token), revoked_at__isnull=True, practitioner__is_active=True)
        .first()
    )
