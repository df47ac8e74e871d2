"""The registry app's one table: each clinic's secret for de-identified exports."""

from __future__ import annotations

import secrets

from django.db import models

from mesoclinic.clinics.access import ClinicScopedManager


def new_salt() -> str:
    return secrets.token_hex(32)


class DeidentificationKey(models.Model):
    """A clinic's secret salt for the pseudonyms and date shifts of de-identified exports.

    Not clinical data. Generated at random on the clinic's first de-identified export and
    never shown or exported, so pseudonyms stay stable across exports but cannot be
    recomputed from an MRN by anyone who has only the extract. Deleting it would make the
    next extract unlinkable to earlier ones, so it is protected like clinical data.
    """

    clinic = models.OneToOneField("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    salt_hex = models.CharField(max_length=64, default=new_salt, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ClinicScopedManager()

    def __str__(self) -> str:
        return f"De-identification key of clinic {self.clinic_id}"

    @property
    def salt(self) -> bytes:
        return bytes.fromhex(self.salt_hex)
