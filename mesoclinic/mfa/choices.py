"""Codes for the second sign-in step."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RequiredFor(models.TextChoices):
    """Which members of a clinic must pass a second step after their password."""

    PRACTITIONERS_AND_ADMINS = "practitioners_admins", _("Practitioners and clinic admins")
    EVERYONE = "everyone", _("Every role")
    NOBODY = "nobody", _("Nobody (each person may still set one up)")
