"""Signing, amending and versioned saves: the workflows every signed record shares."""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any, TypeVar, cast

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from mesoclinic.clinics.models import Membership
from mesoclinic.clinics.roles import Perm
from mesoclinic.records.immutability import refusals_as_errors
from mesoclinic.records.models import (
    INCOMPLETE_EDIT,
    STALE_EDIT,
    Amendment,
    ClinicalRecord,
    ImmutableRecordError,
    IncompleteEditError,
    SignableRecord,
    StaleRecordError,
)

_R = TypeVar("_R", bound=ClinicalRecord)


class SigningError(Exception):
    """The record cannot be signed or amended by this person or in this state; the message says why."""


def check_read_version(expected_version: object) -> int:
    """The version an edit was read at; an edit without one is refused, never applied to
    whatever the row holds now (that would overwrite someone else's change unseen)."""
    if isinstance(expected_version, bool) or not isinstance(expected_version, int):
        raise IncompleteEditError(INCOMPLETE_EDIT)
    return expected_version


def save_versioned(record: _R, expected_version: int, fields: dict[str, Any]) -> _R:
    """Apply ``fields`` to ``record`` only if nobody changed it since ``expected_version`` was
    read. The version is mandatory: pass the one the form carried, never the row's own."""
    expected_version = check_read_version(expected_version)
    model = type(record)
    # A record signed meanwhile is refused by the database (records.immutability) at the
    # version bump; the caller gets the guard's ImmutableRecordError, not an IntegrityError.
    with refusals_as_errors(), transaction.atomic():
        bumped = model._default_manager.filter(pk=record.pk, version=expected_version).update(
            version=F("version") + 1
        )
        if bumped == 0:
            raise StaleRecordError(STALE_EDIT)
        fresh = cast(_R, model._default_manager.get(pk=record.pk))
        for name, value in fields.items():
            setattr(fresh, name, value)
        fresh.save()
    return fresh


def sign_record(record: SignableRecord, membership: Membership) -> SignableRecord:
    """Mark a draft as signed by a practitioner. After this the row is immutable."""
    if not membership.has(Perm.SIGN):
        raise SigningError(
            _("A %(role)s cannot sign; a practitioner must.")
            % {"role": membership.get_role_display().lower()}
        )
    if record.clinic_id != membership.clinic_id:
        raise SigningError(_("This record belongs to another clinic."))
    if record.is_signed:
        raise SigningError(_("This record is already signed."))
    model = type(record)
    now = timezone.now()
    name = membership.display_name
    with transaction.atomic():
        # A conditional UPDATE so that two people signing at once cannot both succeed.
        done = model._default_manager.filter(pk=record.pk, signed_at__isnull=True).update(
            signed_at=now, signed_by=membership.user, signed_by_name=name, version=F("version") + 1
        )
        if done == 0:
            raise SigningError(_("This record was signed by someone else a moment ago."))
    record.refresh_from_db()
    return record


def jsonable(value: Any) -> Any:
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(getattr(value, "public_id", value.pk))
    return value


def amendable_reason(record: SignableRecord, membership: Membership, reason: str) -> str:
    """The checks every amendment shares (a practitioner of the record's clinic, a signed
    record, a written reason); returns the reason stripped."""
    if not membership.has(Perm.SIGN):
        raise SigningError(_("Only a practitioner can amend a signed record."))
    if record.clinic_id != membership.clinic_id:
        raise SigningError(_("This record belongs to another clinic."))
    if not record.is_signed:
        raise ImmutableRecordError(
            _("A draft is edited directly; amendments are for signed records.")
        )
    reason = reason.strip()
    if not reason:
        raise SigningError(_("An amendment needs a reason."))
    return reason


def add_amendment(
    record: SignableRecord, membership: Membership, reason: str, diff: dict[str, Any]
) -> Amendment:
    """Write the amendment row: ``diff`` is ``{"field": {"from": old, "to": new}}``."""
    return Amendment.objects.create(
        clinic=record.clinic,
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        author=membership.user,
        author_name=membership.display_name,
        reason=reason,
        changes=diff,
    )


def amend_record(
    record: SignableRecord, membership: Membership, reason: str, changes: dict[str, Any]
) -> Amendment:
    """Record a correction to a signed record; the original stays as it was signed."""
    reason = amendable_reason(record, membership, reason)
    diff = {}
    for name, new in changes.items():
        old = record.effective(name)
        if jsonable(old) != jsonable(new):
            diff[name] = {"from": jsonable(old), "to": jsonable(new)}
    if not diff:
        raise SigningError(_("Nothing was changed, so there is nothing to amend."))
    return add_amendment(record, membership, reason, diff)
