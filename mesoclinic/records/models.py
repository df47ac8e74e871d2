"""What every clinical record shares: public id, clinic, authorship, version, signature, amendments."""

from __future__ import annotations

import uuid
from typing import Any, cast

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from mesoclinic.clinics.access import ClinicScopedManager
from mesoclinic.records.choice_labels import ChoiceLabels


class ImmutableRecordError(Exception):
    """Raised when code tries to change a signed record in place instead of amending it."""


class StaleRecordError(Exception):
    """Raised when an edit was based on a version that someone else has since changed."""


# An edit must say which version of the record it was read at; one that does not (an old
# page, a hand-made request) could overwrite someone else's change unseen, so it is refused.
# Lazy: each reads in the language of whoever sees it; typed str because that is how every
# caller uses it (formatted, raised, shown).
INCOMPLETE_EDIT = cast(
    str,
    _(
        "This form is out of date or incomplete: reload it, then make your changes again. "
        "Nothing was saved."
    ),
)


STALE_EDIT = cast(
    str,
    _(
        "Someone else changed this record while you were editing it. "
        "Nothing was saved: reload to see their change, then apply yours again."
    ),
)


class IncompleteEditError(StaleRecordError):
    """Raised when an edit does not carry the version it was read at."""


class ClinicalRecord(ChoiceLabels, models.Model):
    """Abstract base of clinic-owned records (not a clinical entity itself)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Optimistic concurrency: a form carries the version it was read at, and the save
    # is refused when the row has moved on (see records.services.save_versioned).
    version = models.PositiveIntegerField(default=1)

    objects = ClinicScopedManager()

    class Meta:
        abstract = True


class Amendment(models.Model):
    """A correction to a signed record: which fields, from what to what, by whom, when and why.

    The signed row is never changed; its effective values are the original with its
    amendments applied in order, and both stay readable.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_name = models.CharField(max_length=200)
    at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField()
    changes = models.JSONField(help_text='{"field": {"from": old, "to": new}}')

    objects = ClinicScopedManager()

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="amendment_target")]

    def __str__(self) -> str:
        return f"Amendment by {self.author_name} at {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ImmutableRecordError("An amendment cannot be changed; add another.")
        super().save(*args, **kwargs)


# The attribute prefetch_amendments() fills and SignableRecord.amendment_rows() reads.
AMENDMENT_LIST = "prefetched_amendments"


def prefetch_amendments(path: str = "") -> models.Prefetch[Any, Any, Any]:
    """Prefetch the amendments of many signed records (at ``path``, e.g. ``session__``) as a
    plain list: cheaper per record than ``prefetch_related("amendments")``, which builds a
    filtered queryset for each record of a generic relation."""
    return models.Prefetch(
        f"{path}amendments", queryset=Amendment.objects.all(), to_attr=AMENDMENT_LIST
    )


class SignableRecord(ClinicalRecord):
    """Abstract base of records that a practitioner signs (consent, session, consultation)."""

    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_by_name = models.CharField(max_length=200, blank=True)
    amendments = GenericRelation(Amendment)

    class Meta:
        abstract = True

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None

    def _stored_is_signed(self) -> bool:
        if self.pk is None:
            return False
        return type(self)._default_manager.filter(pk=self.pk, signed_at__isnull=False).exists()

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._stored_is_signed():
            raise ImmutableRecordError(
                f"This {self._meta.verbose_name} is signed and cannot be changed; add an amendment."
            )
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self._stored_is_signed():
            raise ImmutableRecordError(f"A signed {self._meta.verbose_name} cannot be deleted.")
        return super().delete(*args, **kwargs)

    def amendment_rows(self) -> list[Amendment]:
        """The amendments, oldest first: from ``prefetch_amendments()`` when the caller
        prefetched them, else from ``amendments`` (prefetched or queried)."""
        prefetched: list[Amendment] | None = getattr(self, AMENDMENT_LIST, None)
        if prefetched is not None:
            return prefetched
        return list(self.amendments.all())

    def effective(self, field: str) -> Any:
        """The field's value with every amendment applied, newest last."""
        value = getattr(self, field)
        for amendment in self.amendment_rows():
            if field in amendment.changes:
                value = amendment.changes[field]["to"]
        return value

    def amended_fields(self) -> set[str]:
        return {name for a in self.amendment_rows() for name in a.changes}
