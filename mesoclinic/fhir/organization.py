"""Organization (the clinic), Practitioner and PractitionerRole (a membership)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from mesoclinic.clinics.models import Membership, PractitionerProfile
from mesoclinic.fhir.codes import concept, local
from mesoclinic.fhir.context import ExportContext, meta, ref


def to_organization(ctx: ExportContext) -> dict[str, Any]:
    clinic = ctx.clinic
    return {
        "resourceType": "Organization",
        "id": str(clinic.public_id),
        "meta": meta(clinic.version, None),
        "active": True,
        "name": clinic.name,
        "alias": [clinic.slug],
    }


def organizations(ctx: ExportContext) -> Iterator[dict[str, Any]]:
    yield to_organization(ctx)


def membership_rows(ctx: ExportContext) -> QuerySet[Membership]:
    return Membership.objects.filter(clinic=ctx.clinic).select_related("user", "profile")


def _memberships(ctx: ExportContext) -> Iterator[Membership]:
    return membership_rows(ctx).order_by("id").iterator(chunk_size=500)


def _profile(membership: Membership) -> PractitionerProfile | None:
    try:
        return membership.profile
    except PractitionerProfile.DoesNotExist:
        return None


def to_practitioner(membership: Membership) -> dict[str, Any]:
    """One Practitioner per membership: a person as known to this clinic (a user of two
    clinics is two Practitioners, so one clinic's export names nothing of the other)."""
    user = membership.user
    resource: dict[str, Any] = {
        "resourceType": "Practitioner",
        "id": str(membership.public_id),
        "meta": meta(membership.version, None),
        "active": membership.is_active,
        "name": [
            {
                "text": membership.display_name,
                **({"family": user.last_name} if user.last_name else {}),
                **({"given": [user.first_name]} if user.first_name else {}),
            }
        ],
    }
    profile = _profile(membership)
    if profile is not None and profile.registration_number:
        resource["identifier"] = [
            {
                "value": profile.registration_number,
                **(
                    {"assigner": {"display": profile.registration_body}}
                    if profile.registration_body
                    else {}
                ),
            }
        ]
    if profile is not None:
        resource["qualification"] = [{"code": concept(text=profile.get_profession_display())}]
    return resource


def practitioners(ctx: ExportContext) -> Iterator[dict[str, Any]]:
    for membership in _memberships(ctx):
        yield to_practitioner(membership)


def to_practitioner_role(ctx: ExportContext, membership: Membership) -> dict[str, Any]:
    return {
        "resourceType": "PractitionerRole",
        "id": str(membership.public_id),
        "meta": meta(membership.version, None),
        "active": membership.is_active,
        "practitioner": ref("Practitioner", membership.public_id, membership.display_name),
        "organization": ctx.organization(),
        "code": [concept(local("role", membership.role), text=membership.get_role_display())],
    }


def practitioner_roles(ctx: ExportContext) -> Iterator[dict[str, Any]]:
    for membership in _memberships(ctx):
        yield to_practitioner_role(ctx, membership)
