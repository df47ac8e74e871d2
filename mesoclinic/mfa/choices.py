"""Codes for the second sign-in step."""

from __future__ import annotations

from django.db import models


class RequiredFor(models.TextChoices):
    """Which members of a clinic must pass a second step after their password."""

    PRACTITIONERS_AND_ADMINS = "practitioners_admins", "Practitioners and clinic admins"
    EVERYONE = "everyone", "Every role"
    NOBODY = "nobody", "Nobody (each person may still set one up)"
