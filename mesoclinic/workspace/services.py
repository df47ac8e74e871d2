"""Staff workflows (adding people to a clinic and changing their role) and the clinic's
settings."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from mesoclinic.clinics.choices import Role
from mesoclinic.clinics.models import Clinic, Membership, PractitionerProfile
from mesoclinic.records.models import StaleRecordError
from mesoclinic.records.services import check_read_version


class StaffError(Exception):
    """The change would leave the clinic in a bad state; the message says why."""


class StaleSettingsError(Exception):
    """The settings changed since the page was read (or it did not say when); nothing saved."""


def _apply_profile(membership: Membership, data: dict[str, Any]) -> None:
    if data.get("profession"):
        PractitionerProfile.objects.update_or_create(
            membership=membership,
            defaults={
                "profession": data["profession"],
                "registration_number": data.get("registration_number", ""),
                "registration_body": data.get("registration_body", ""),
            },
        )
    else:
        PractitionerProfile.objects.filter(membership=membership).delete()


def add_staff(clinic: Clinic, data: dict[str, Any]) -> Membership:
    with transaction.atomic():
        user = User.objects.create_user(
            data["username"],
            email=data.get("email", ""),
            password=data["password"],
            first_name=data["first_name"],
            last_name=data["last_name"],
        )
        membership = Membership.objects.create(user=user, clinic=clinic, role=data["role"])
        _apply_profile(membership, data)
    return membership


def change_staff(
    membership: Membership, acting: Membership, data: dict[str, Any], expected_version: int
) -> Membership:
    """Change a member's role, activity and profile as read at ``expected_version``."""
    expected_version = check_read_version(expected_version)
    with transaction.atomic():
        locked = Membership.objects.select_for_update().get(pk=membership.pk)
        if locked.version != expected_version:
            raise StaleRecordError(
                f"{locked.display_name}'s role or details were changed by someone else while "
                "you were editing them. Nothing was saved: reload, then apply your change again."
            )
        losing_admin = locked.role == Role.ADMIN and (
            data["role"] != Role.ADMIN or not data["is_active"]
        )
        if losing_admin:
            if locked.pk == acting.pk:
                raise StaffError(_("You cannot remove your own admin role; ask another admin."))
            others = Membership.objects.filter(
                clinic_id=locked.clinic_id, role=Role.ADMIN, is_active=True
            ).exclude(pk=locked.pk)
            if not others.exists():
                raise StaffError(_("The clinic must keep at least one active admin."))
        locked.role = data["role"]
        locked.is_active = data["is_active"]
        locked.version = F("version") + 1
        locked.save(update_fields=["role", "is_active", "version"])
        locked.refresh_from_db()
        _apply_profile(locked, data)
    return locked


SETTINGS_FIELDS = (
    "name",
    "time_zone",
    "currency",
    "screening_valid_months",
    "idle_timeout_seconds",
    "default_language",
)


def update_settings(
    clinic: Clinic, expected_version: int | None, fields: dict[str, Any]
) -> tuple[Clinic, list[str]]:
    """Save the clinic's settings read at ``expected_version``; returns the clinic and the names
    of the settings changed. Refused when the version is missing or someone saved since."""
    if expected_version is None:
        raise StaleSettingsError(
            _(
                "The page did not say which version of the settings it showed; reload it and "
                "apply your changes again."
            )
        )
    values = {k: v for k, v in fields.items() if k in SETTINGS_FIELDS}
    with transaction.atomic():
        locked = Clinic.objects.select_for_update().get(pk=clinic.pk)
        changed = [k for k, v in values.items() if getattr(locked, k) != v]
        bumped = Clinic.objects.filter(pk=clinic.pk, version=expected_version).update(
            version=F("version") + 1, **values
        )
        if bumped == 0:
            raise StaleSettingsError(
                _(
                    "Someone else changed these settings while you were editing them. Your "
                    "changes were not saved: reload to see theirs, then apply yours again."
                )
            )
    return Clinic.objects.get(pk=clinic.pk), changed
