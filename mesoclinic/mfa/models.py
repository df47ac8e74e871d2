"""Who must pass a second sign-in step, recovery codes, and the wrong codes counted for the
throttle. Authenticator apps are django-otp's TOTPDevice and passkeys django-otp-webauthn's
WebAuthnCredential (docs/mfa.md)."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_otp.models import Device

from mesoclinic.clinics.models import Clinic
from mesoclinic.mfa.choices import RequiredFor

DEFAULT_REQUIRED_FOR = RequiredFor.PRACTITIONERS_AND_ADMINS


class ClinicMfaPolicy(models.Model):
    """A clinic's rule for the second sign-in step. Not clinical data: it protects access to
    it. A clinic without a row requires it of practitioners and admins (who sign records and
    administer access); the admin may extend it to every role, or (the demo) switch it off."""

    clinic = models.OneToOneField(Clinic, on_delete=models.CASCADE, related_name="mfa_policy")
    required_for = models.CharField(
        max_length=30, choices=RequiredFor.choices, default=DEFAULT_REQUIRED_FOR
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.clinic}: {self.get_required_for_display()}"


def code_digest(salt: str, code: str) -> str:
    """SHA-256 of a recovery code with its own salt. A fast hash is enough: each code carries
    80 random bits (recovery.py), beyond any offline search, unlike a password."""
    return hashlib.sha256(f"{salt}:{code}".encode()).hexdigest()


class RecoveryCodeDevice(Device):  # type: ignore[misc]  # django-otp ships no type hints
    """A staff member's set of single-use recovery codes, as a django-otp device so that a
    session verified by one is marked like any other. Not a device of its own: it exists
    only beside an authenticator app or a passkey, and goes when the last of them goes."""

    def verify_token(self, token: str) -> bool:
        code = normalise_code(token)
        for row in self.codes.filter(used_at__isnull=True):
            if hmac.compare_digest(row.digest, code_digest(row.salt, code)):
                # Spent in one UPDATE that only an unused row matches: two requests racing
                # with the same code cannot both pass.
                spent = RecoveryCode.objects.filter(pk=row.pk, used_at__isnull=True).update(
                    used_at=timezone.now()
                )
                return spent == 1
        return False


def normalise_code(token: str) -> str:
    return "".join(ch for ch in token.upper() if ch.isalnum())


class RecoveryCode(models.Model):
    """One recovery code, kept only as a salted digest; shown once, usable once."""

    device = models.ForeignKey(RecoveryCodeDevice, on_delete=models.CASCADE, related_name="codes")
    salt = models.CharField(max_length=32)
    digest = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"recovery code {self.pk} ({'used' if self.used_at else 'unused'})"


class WrongCode(models.Model):
    """A wrong second-step code (or a refused passkey) at a moment, counted by the throttle in
    the database so that every server process sees the same count. Holds no code."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wrong_mfa_codes"
    )
    at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"wrong code for {self.user_id} at {self.at:%Y-%m-%d %H:%M}"
