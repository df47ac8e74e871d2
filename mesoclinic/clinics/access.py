"""Clinic scoping: the one mechanism that decides which rows a user may see.

Every model that holds clinic data uses ``ClinicScopedQuerySet`` as its manager, and every
view, export and command reaches those rows only through ``.restrict(membership, perm)``
or, for commands run by an operator for a named clinic, ``.for_clinic(clinic)``. A
membership without the permission gets an empty queryset, so a forgotten role check shows
nothing rather than everything (after NetBox's RestrictedQuerySet).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Self, TypeVar

from django.db import models

from mesoclinic.clinics.roles import Perm

if TYPE_CHECKING:
    from mesoclinic.clinics.models import Clinic, Membership

_M = TypeVar("_M", bound=models.Model)


class ClinicScopedQuerySet(models.QuerySet[_M]):
    def for_clinic(self, clinic: Clinic) -> Self:
        return self.filter(clinic=clinic)

    def restrict(self, membership: Membership | None, perm: Perm) -> Self:
        if membership is None or not membership.has(perm):
            return self.none()
        return self.filter(clinic_id=membership.clinic_id)


ClinicScopedManager = models.Manager.from_queryset(ClinicScopedQuerySet)
