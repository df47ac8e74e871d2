"""Whether a signed-in person must pass a second step, and whether they have set one up."""

from __future__ import annotations

from typing import Any

from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from mesoclinic.clinics.choices import Role
from mesoclinic.clinics.models import Clinic, Membership
from mesoclinic.mfa.choices import RequiredFor
from mesoclinic.mfa.models import DEFAULT_REQUIRED_FOR, ClinicMfaPolicy

# Practitioners sign clinical records and admins grant access: a stolen password alone must
# not be enough for either (reference/security-reliability.md, S10).
PRIVILEGED_ROLES = frozenset({Role.PRACTITIONER, Role.ADMIN})


def required_for(clinic: Clinic) -> str:
    policy = ClinicMfaPolicy.objects.filter(clinic=clinic).first()
    return policy.required_for if policy is not None else DEFAULT_REQUIRED_FOR


def role_requires(rule: str, role: str) -> bool:
    if rule == RequiredFor.EVERYONE:
        return True
    return rule == RequiredFor.PRACTITIONERS_AND_ADMINS and role in PRIVILEGED_ROLES


def is_required(user: Any) -> bool:
    """Required when any clinic the person is an active member of requires it of their role
    there: the strictest clinic wins, since one session can switch between them."""
    memberships = list(
        Membership.objects.filter(user=user, is_active=True).values_list("clinic_id", "role")
    )
    rules = dict(
        ClinicMfaPolicy.objects.filter(clinic_id__in=[c for c, _ in memberships]).values_list(
            "clinic_id", "required_for"
        )
    )
    return any(
        role_requires(rules.get(clinic_id, DEFAULT_REQUIRED_FOR), role)
        for clinic_id, role in memberships
    )


def authenticators(user: Any) -> list[Any]:
    """The person's confirmed authenticator apps and passkeys (recovery codes are not one)."""
    found: list[Any] = list(TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk"))
    found += list(WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("pk"))
    return found


def has_authenticator(user: Any) -> bool:
    return bool(
        TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        or WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()
    )
