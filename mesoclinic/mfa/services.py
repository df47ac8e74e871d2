"""Setting up, using and removing second-step devices; every change and every wrong code is
audited, never with a code, a secret or a recovery code in the detail."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from mesoclinic.audit.choices import Action
from mesoclinic.audit.services import record
from mesoclinic.clinics.models import Clinic, Membership
from mesoclinic.mfa import policy, throttle
from mesoclinic.mfa.models import ClinicMfaPolicy, RecoveryCode, RecoveryCodeDevice, code_digest

RECOVERY_CODE_COUNT = 10
# Crockford-style base32 without look-alikes (no I, L, O, U): 16 characters are 80 bits.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CODE_LENGTH = 16
TOTP_NAME = "Authenticator app"
PENDING_KEY = "mfa_pending_totp_key"


class CannotReset(Exception):
    """An admin may not reset this person's second step; the message says why and who can."""


class Throttled(Exception):
    """Too many wrong codes: the message says when to try again."""


@dataclass(frozen=True)
class Outcome:
    """The result of checking a code: the device that accepted it, or why not."""

    device: Any = None
    message: str = ""


def _new_code() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(_CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, _CODE_LENGTH, 4))


def pending_totp(request: HttpRequest, user: Any) -> TOTPDevice:
    """The authenticator app being set up, not yet saved: its key waits in the (server-side)
    session, so a reload shows the same QR code and opening the page writes nothing."""
    key = request.session.get(PENDING_KEY)
    if not key:
        key = request.session[PENDING_KEY] = default_key()
    return TOTPDevice(user=user, name=TOTP_NAME, key=key, confirmed=False)


@transaction.atomic
def regenerate_recovery_codes(request: HttpRequest, user: Any) -> list[str]:
    """A new set of codes, replacing every earlier one; returned once, kept only hashed."""
    device, _ = RecoveryCodeDevice.objects.get_or_create(
        user=user, defaults={"name": "Recovery codes", "confirmed": True}
    )
    device.codes.all().delete()
    codes = [_new_code() for _ in range(RECOVERY_CODE_COUNT)]
    RecoveryCode.objects.bulk_create(
        RecoveryCode(
            device=device,
            salt=(salt := secrets.token_hex(16)),
            digest=code_digest(salt, c.replace("-", "")),
        )  # fmt: skip
        for c in codes
    )
    record(request, Action.UPDATE, obj=device, detail="second step: new recovery codes issued")
    return codes


def _check_throttle(user: Any) -> None:
    until = throttle.blocked_until(user)
    if until is not None:
        raise Throttled(throttle.refusal(until))


def wrong_code(request: HttpRequest, user: Any, what: str) -> str:
    """Count and audit a wrong code; the message to show."""
    count = throttle.note_wrong_code(user)
    record(
        request,
        Action.LOGIN_FAILED,
        user=user,
        detail=f"second step: {what} refused ({count} of {throttle.MAX_WRONG_CODES} in 15 minutes)",
    )
    until = throttle.blocked_until(user)
    if until is not None:
        return throttle.refusal(until)
    return gettext("That code is not right. Check the time on your phone and try the newest code.")


@transaction.atomic
def confirm_totp(request: HttpRequest, user: Any, code: str) -> Outcome:
    """Enrolment: the first code from the app proves it holds the secret."""
    _check_throttle(user)
    device = pending_totp(request, user)
    token = code.strip().replace(" ", "")
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, 0)
    totp.time = time.time()
    if not (token.isdigit() and totp.verify(int(token), device.tolerance)):
        return Outcome(message=wrong_code(request, user, "enrolment code"))
    # Saved only now, with the step just used, so that the same code cannot sign in again.
    device.last_t = totp.t()
    device.confirmed = True
    device.save()
    del request.session[PENDING_KEY]
    record(request, Action.CREATE, obj=device, detail="second step: authenticator app enrolled")
    otp_login(request, device)
    return Outcome(device=device)


@transaction.atomic
def verify(request: HttpRequest, user: Any, code: str) -> Outcome:
    """The second step at sign-in: a code from an authenticator app, or a recovery code."""
    _check_throttle(user)
    token = code.strip().replace(" ", "")
    if token.isdigit() and len(token) <= 8:
        devices: list[Any] = list(TOTPDevice.objects.filter(user=user, confirmed=True))
        kind = "authenticator app"
    else:
        devices = list(RecoveryCodeDevice.objects.filter(user=user, confirmed=True))
        kind = "recovery code"
    for device in devices:
        if device.verify_token(token):
            # A new session key for the now fully signed-in session, as at the password.
            request.session.cycle_key()
            otp_login(request, device)
            record(request, Action.LOGIN, user=user, detail=f"second step passed ({kind})")
            return Outcome(device=device)
    return Outcome(message=wrong_code(request, user, kind))


def reauthenticate(request: HttpRequest, user: Any, password: str) -> str:
    """A change to one's devices asks for the password again: a session left open is not
    enough. Wrong passwords count towards the same throttle. Returns an error, or ""."""
    _check_throttle(user)
    if user.check_password(password):
        return ""
    return wrong_code(request, user, "password to change the second step")


@transaction.atomic
def remove_device(request: HttpRequest, user: Any, device: Any) -> None:
    """Remove an authenticator app or passkey; with the last one go the recovery codes."""
    kind = "passkey" if device._meta.model_name == "webauthncredential" else "authenticator app"
    record(request, Action.UPDATE, obj=device, detail=f"second step: {kind} removed")
    was_current = getattr(request.user, "otp_device", None) == device
    device.delete()
    remaining = policy.authenticators(user)
    if not remaining:
        RecoveryCodeDevice.objects.filter(user=user).delete()
    elif was_current:
        # The person just proved their password again; the session stays verified.
        otp_login(request, remaining[0])


@transaction.atomic
def set_required_for(request: HttpRequest, clinic: Clinic, required_for: str) -> bool:
    """The clinic admin's choice of who must pass the second step; audited. True if changed."""
    row, _ = ClinicMfaPolicy.objects.get_or_create(clinic=clinic)
    if row.required_for == required_for:
        return False
    row.required_for = required_for
    row.save(update_fields=["required_for", "updated_at"])
    record(
        request,
        Action.UPDATE,
        obj=clinic,
        clinic=clinic,
        detail=f"clinic settings: second sign-in step required for {row.get_required_for_display()}",
    )
    return True


@transaction.atomic
def reset_by_admin(request: HttpRequest, acting: Membership, member: Membership) -> int:
    """A clinic admin removes a staff member's authenticator apps, passkeys and recovery codes
    (a lost phone, a lost set of codes): at their next request they must enrol again, with
    their password, before anything opens. Returns how many devices were removed; audited.

    The devices belong to the person, not the clinic: someone who also works at another
    clinic is reset only by an operator (docs/mfa.md), so that one clinic's admin cannot
    weaken another clinic's sign-in."""
    if member.user_id == acting.user_id:
        raise CannotReset(
            gettext(
                "This is your own sign-in: change your devices on your second sign-in step page."
            )
        )
    if (
        Membership.objects.filter(user_id=member.user_id)
        .exclude(clinic_id=member.clinic_id)
        .exists()
    ):
        raise CannotReset(
            f"{member.display_name} also works at another clinic, so their second step can be "
            "reset only by the operator of this installation (docs/mfa.md)."
        )
    devices = policy.authenticators(member.user)
    for device in devices:
        device.delete()
    RecoveryCodeDevice.objects.filter(user_id=member.user_id).delete()
    # Anything half set up goes too: the next enrolment starts from nothing.
    TOTPDevice.objects.filter(user_id=member.user_id).delete()
    record(
        request,
        Action.UPDATE,
        obj=member,
        detail=f"second sign-in step reset by an admin ({len(devices)} devices removed)",
    )
    return len(devices)
