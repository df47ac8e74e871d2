"""Where on the body each injection line went: points and zones placed on a diagram.

Imported by ``treatments.models`` so that Django finds the model; the services are in
``treatments.injection_map``.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from mesoclinic.clinics.access import ClinicScopedQuerySet
from mesoclinic.records.models import ImmutableRecordError


class Diagram(models.TextChoices):
    """The outline drawings (static/treatments/diagrams/<code>.svg), each 0..1 on both axes."""

    FACE_FRONT = "face_front", _("Face, front")
    FACE_PROFILE = "face_profile", _("Face, profile")
    SUBMENTAL = "submental", _("Submental")
    BODY_FRONT = "body_front", _("Body, front")
    BODY_BACK = "body_back", _("Body, back")
    THIGHS = "thighs", _("Thighs")
    ABDOMEN = "abdomen", _("Abdomen")
    SCALP = "scalp", _("Scalp")


class MapMarkKind(models.TextChoices):
    POINT = "point", _("Injection point")
    ZONE = "zone", _("Zone (area infiltrated)")


# x and y are fractions of the diagram's width and height, from its top left corner.
_UNIT = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))]


class InjectionMapPoint(models.Model):
    """One injection point (or a zone infiltrated) of an injection line, placed on a diagram.

    The map is part of the session and is signed with it: once the session is signed a point
    is never changed or removed. An amendment of the map inserts the line's whole new map as
    new points that name the ``amendment``; the points as signed stay readable.
    """

    public_id = models.UUIDField(unique=True, editable=False, default=uuid.uuid4)
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    # The session is the line's; kept on the point so a session's map is one query.
    session = models.ForeignKey(
        "treatments.TreatmentSession", on_delete=models.PROTECT, related_name="map_points"
    )
    line = models.ForeignKey(
        "treatments.Injection", on_delete=models.PROTECT, related_name="map_points"
    )
    diagram = models.CharField(max_length=20, choices=Diagram.choices)
    x = models.DecimalField(max_digits=4, decimal_places=3, validators=_UNIT)
    y = models.DecimalField(max_digits=4, decimal_places=3, validators=_UNIT)
    kind = models.CharField(max_length=10, choices=MapMarkKind.choices, default=MapMarkKind.POINT)
    # Set on the points of an amended map: the amendment that says who changed it and why.
    amendment = models.ForeignKey(
        "records.Amendment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="map_points",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = models.Manager.from_queryset(ClinicScopedQuerySet)()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(x__gte=0, x__lte=1, y__gte=0, y__lte=1),
                name="map_point_within_diagram",
            )
        ]
        indexes = [models.Index(fields=["clinic", "session"], name="map_point_clinic_session")]

    def __str__(self) -> str:
        return f"{self.diagram} {self.x},{self.y} ({self.kind})"

    def _session_signed(self) -> bool:
        # Read the database, not the in-memory session, which may predate the signature.
        from mesoclinic.treatments.models import TreatmentSession

        return TreatmentSession.objects.filter(pk=self.session_id, signed_at__isnull=False).exists()

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The one write a signed session accepts: inserting the points of a map amendment.
        inserting_amendment = self._state.adding and self.amendment_id is not None
        if not inserting_amendment and self._session_signed():
            raise ImmutableRecordError("The session is signed; its injection map cannot change.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self._session_signed():
            raise ImmutableRecordError(
                "The session is signed; its injection map points cannot be removed."
            )
        return super().delete(*args, **kwargs)
