"""The guard's "open without a second step" decision, remembered in the session for a short
while, so that a password-only session in a clinic that does not require the step does not
pay four queries (its devices and passkeys, its memberships, the clinics' rules) on every
request.

Only that decision is remembered: "verify" and "enrol" are checked on every request. It is
taken again
- at once, in this process, after any change to what it depends on: a device or passkey
  added, confirmed or removed, a clinic's rule, a membership (its role or whether it is
  active): the models' save and delete signals move ``_changed_at`` on;
- in any case after ``RECHECK_SECONDS``: a change made by another server process (gunicorn
  runs several) is seen within that bound, never later, and by every session alike.
"""

from __future__ import annotations

import time
from typing import Any

from django.contrib.sessions.backends.base import SessionBase
from django.db.models.signals import post_delete, post_save

SESSION_KEY = "mfa_open_checked"
# Short enough that an admin's "everyone" reaches sessions on other server processes before
# anyone could act much on it; long enough to spare the four queries on nearly every request.
RECHECK_SECONDS = 30.0

_changed_at = 0.0


def clock() -> float:
    """Seconds since the epoch; tests move it on."""
    return time.time()


def changed(**_: Any) -> None:
    """A signal receiver: something the decision depends on was written in this process."""
    global _changed_at
    _changed_at = clock()


def is_open(session: SessionBase, user_pk: object) -> bool:
    remembered = session.get(SESSION_KEY)
    if not isinstance(remembered, list) or len(remembered) != 2:
        return False
    for_user, checked_at = remembered
    now = clock()
    return (
        for_user == str(user_pk)
        and isinstance(checked_at, float)
        and checked_at > _changed_at
        and 0 <= now - checked_at < RECHECK_SECONDS
    )


def remember_open(session: SessionBase, user_pk: object) -> None:
    session[SESSION_KEY] = [str(user_pk), clock()]


def forget(session: SessionBase) -> None:
    session.pop(SESSION_KEY, None)


def connect() -> None:
    """Called from ``MfaConfig.ready``: every model the decision reads."""
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from django_otp_webauthn.models import WebAuthnCredential

    from mesoclinic.clinics.models import Membership
    from mesoclinic.mfa.models import ClinicMfaPolicy

    for model in (TOTPDevice, WebAuthnCredential, ClinicMfaPolicy, Membership):
        post_save.connect(changed, sender=model, dispatch_uid=f"mfa-open-{model.__name__}")
        post_delete.connect(changed, sender=model, dispatch_uid=f"mfa-open-del-{model.__name__}")
