"""Correcting an injection line of a signed session, without changing anything signed.

A signed line is never updated or deleted (the database refuses it). A correction inserts a
new line that ``replaces`` the line in effect and points to an ``Amendment`` of the session
(who, when, why, and each field from what to what). ``Injection.objects.in_effect()`` then
gives the corrected lines to recall, safety signals, dose totals, the chart and the export,
while the replaced line stays readable on the session page.

Moving a line to another lot gives its volume back to the old lot and takes it from the new
one, in the same transaction as the amendment: signing took it from the lot named, so the
correction moves it to the lot that was actually used.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext

from mesoclinic.clinical_codes import AREAS, SIDES, TECHNIQUES
from mesoclinic.clinics.models import Membership
from mesoclinic.formulary.choices import LotStatus
from mesoclinic.formulary.models import Lot, Product
from mesoclinic.records.models import Amendment
from mesoclinic.records.services import SigningError, add_amendment, amendable_reason, jsonable
from mesoclinic.treatments.models import Injection, TreatmentSession
from mesoclinic.treatments.services import session_day

# The line fields a correction may change, in the order the form and the amendment list them.
CORRECTABLE = ("area", "side", "product", "lot", "volume_ml", "points", "depth_mm", "technique")
# Bounds of the Injection model's depth validators (0-20 mm).
DEPTH_MIN_MM, DEPTH_MAX_MM = Decimal(0), Decimal(20)


@dataclass(frozen=True)
class LineValues:
    """What a corrected line says: the same fields as an injection line."""

    area: str
    side: str
    product: Product
    lot: Lot | None  # only an imported line may have none; a correction always names one
    volume_ml: Decimal
    points: int | None
    depth_mm: Decimal | None
    technique: str

    @classmethod
    def of(cls, line: Injection) -> LineValues:
        return cls(
            area=line.area,
            side=line.side,
            product=line.product,
            lot=line.lot,
            volume_ml=line.volume_ml,
            points=line.points,
            depth_mm=line.depth_mm,
            technique=line.technique,
        )

    def shown(self, name: str) -> Any:
        """The value as the amendment records it: codes, names and numbers, never ids."""
        value = getattr(self, name)
        if name == "lot":
            return value.lot_number if value is not None else None
        if name == "product":
            return value.name
        if isinstance(value, Decimal):
            return f"{value.normalize():f}"  # 4.000 mL as stored and 4 as typed are equal
        return jsonable(value)

    def fingerprint(self) -> str:
        """Identifies these values, so a save can tell whether its dose check was shown."""
        text = "|".join(str(self.shown(name)) for name in CORRECTABLE)
        text += f"|{self.product.pk}|{self.lot.pk if self.lot else ''}"
        return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass
class LineRow:
    """One line of the session as it stands, numbered, with the versions it replaced."""

    number: int
    line: Injection
    earlier: list[Injection] = field(default_factory=list)  # newest first

    @property
    def corrected(self) -> bool:
        return bool(self.earlier)

    @property
    def history(self) -> list[tuple[Injection, Amendment | None]]:
        """Each replaced version, newest first, with the amendment that replaced it."""
        chain = [self.line, *self.earlier]
        return [(older, newer.amendment) for newer, older in zip(chain, chain[1:], strict=False)]


def line_rows(session: TreatmentSession) -> list[LineRow]:
    """The lines in effect in the order first recorded (a corrected line keeps its number),
    each with its replaced versions and their amendments. Two queries."""
    every = {
        line.pk: line
        for line in session.injections.select_related("product", "lot", "amendment").order_by("id")
    }
    current = session.injections.in_effect().values_list("pk", flat=True)
    rows: list[tuple[int, LineRow]] = []
    for pk in current:
        line = every[pk]
        earlier: list[Injection] = []
        step = line
        while step.replaces_id is not None:
            step = every[step.replaces_id]
            earlier.append(step)
        rows.append((step.pk, LineRow(0, line, earlier)))
    rows.sort(key=lambda item: item[0])
    for number, (_, row) in enumerate(rows, start=1):
        row.number = number
    return [row for _, row in rows]


def lot_warnings(session: TreatmentSession, lot: Lot | None) -> list[str]:
    """What was wrong with ``lot`` on the session's date (recalled, quarantined, expired):
    shown before a correction is saved, never a refusal: a correction records what was
    injected, and a recalled lot is exactly when that matters."""
    if lot is None:
        return []
    day = session_day(session)
    if lot.status in (LotStatus.RECALLED, LotStatus.QUARANTINED) or lot.is_expired(day):
        reason = lot.unusable_reason(day)
        if reason:
            return [reason]
    return []


def corrected_lines(
    session: TreatmentSession, line: Injection, values: LineValues
) -> list[Injection]:
    """The session's lines in effect with ``line`` as ``values`` would make it (unsaved), for
    the dose check shown before the correction is saved."""
    out: list[Injection] = []
    for row in line_rows(session):
        if row.line.pk == line.pk:
            out.append(_new_line(line, values, amendment=None))
        else:
            out.append(row.line)
    return out


def _new_line(old: Injection, values: LineValues, amendment: Amendment | None) -> Injection:
    same_lot = values.lot is not None and values.lot.pk == old.lot_id
    return Injection(
        clinic_id=old.clinic_id,
        session_id=old.session_id,
        area=values.area,
        side=values.side,
        product=values.product,
        lot=values.lot,
        # The expiry written on an imported record belongs to its lot; another lot's own
        # expiry is authoritative.
        lot_expiry=old.lot_expiry if same_lot else None,
        used_after_expiry=old.used_after_expiry
        if same_lot
        else bool(
            values.lot is not None
            and values.lot.expiry_date is not None
            and _day_of(old) > values.lot.expiry_date
        ),
        volume_ml=values.volume_ml,
        points=values.points,
        depth_mm=values.depth_mm,
        technique=values.technique,
        extra=old.extra,
        replaces=old,
        amendment=amendment,
    )


def _day_of(line: Injection) -> dt.date:
    return session_day(line.session)


def _check_values(session: TreatmentSession, values: LineValues) -> None:
    """Refuse, naming the field, what no line of this session could say."""
    errors: dict[str, str] = {}
    if values.product.clinic_id != session.clinic_id:
        errors["product"] = gettext("This product is not in this clinic's formulary.")
    if values.lot is None:
        errors["lot"] = gettext("Choose the lot that was used.")
    elif values.lot.clinic_id != session.clinic_id or values.lot.product_id != values.product.pk:
        errors["lot"] = gettext("Lot %(lot)s is not a lot of %(product)s.") % {
            "lot": values.lot.lot_number,
            "product": values.product.name,
        }
    if not session.areas.filter(area=values.area, side=values.side).exists():
        errors["site"] = gettext("Choose one of the session's areas.")
    if values.volume_ml <= 0:
        errors["volume_ml"] = gettext("The volume must be more than 0 mL.")
    if values.points is not None and values.points < 1:
        errors["points"] = gettext("At least 1 point.")
    if values.depth_mm is not None and not DEPTH_MIN_MM <= values.depth_mm <= DEPTH_MAX_MM:
        errors["depth_mm"] = gettext("Between %(min)s and %(max)s mm.") % {
            "min": DEPTH_MIN_MM,
            "max": DEPTH_MAX_MM,
        }
    if values.technique and values.technique not in TECHNIQUES:
        errors["technique"] = gettext("Choose a technique from the list.")
    if errors:
        raise ValidationError(errors)


def _stock_moves(old: Injection, values: LineValues) -> dict[int, Decimal]:
    """mL to add to each lot's stock (negative: taken): the old line's volume back to its
    lot, the corrected volume out of the corrected lot."""
    moves: dict[int, Decimal] = defaultdict(Decimal)
    if old.lot_id is not None:
        moves[old.lot_id] += old.volume_ml
    if values.lot is not None:
        moves[values.lot.pk] -= values.volume_ml
    return {pk: ml for pk, ml in moves.items() if ml != 0}


def _apply_stock(old: Injection, values: LineValues) -> None:
    moves = _stock_moves(old, values)
    # The lots' rows only, in key order (a lot's default ordering joins its product).
    locked = Lot.objects.select_for_update(of=("self",)).filter(pk__in=moves).order_by("pk")
    lots = {lot.pk: lot for lot in locked}
    for pk, ml in moves.items():
        lot = lots[pk]
        if lot.remaining_ml is None or ml >= 0 or lot.remaining_ml + ml >= 0:
            continue
        name = "lot" if pk != old.lot_id else "volume_ml"
        raise ValidationError(
            {
                name: gettext(
                    "Lot %(lot)s has %(left)s mL left; this correction takes %(more)s mL more "
                    "from it."
                )
                % {
                    "lot": lot.lot_number,
                    "left": f"{lot.remaining_ml.normalize():f}",
                    "more": f"{(-ml).normalize():f}",
                }
            }
        )
    for pk, ml in moves.items():
        if lots[pk].remaining_ml is None:
            continue  # an imported lot with no stock count
        Lot.objects.filter(pk=pk).update(
            remaining_ml=F("remaining_ml") + ml, version=F("version") + 1
        )
    # The status follows the count as signing set it: used up at 0, available again when a
    # correction gives back what a wrong line had taken.
    Lot.objects.filter(pk__in=moves, remaining_ml__lte=0, status=LotStatus.AVAILABLE).update(
        status=LotStatus.USED_UP
    )
    Lot.objects.filter(pk__in=moves, remaining_ml__gt=0, status=LotStatus.USED_UP).update(
        status=LotStatus.AVAILABLE
    )


def _diff(number: int, old: LineValues, new: LineValues) -> dict[str, dict[str, Any]]:
    return {
        f"line {number} {name}": {"from": old.shown(name), "to": new.shown(name)}
        for name in CORRECTABLE
        if old.shown(name) != new.shown(name)
    }


def correct_line(
    line: Injection, membership: Membership, reason: str, values: LineValues
) -> Injection:
    """Correct a line of a signed session: a new line replacing ``line`` with ``values``, the
    amendment saying why, and the stock moved between lots, all in one transaction.

    Refused (SigningError) for anyone but a practitioner of the session's clinic, a draft
    (edited directly), an empty reason, or a line already corrected by someone else;
    refused (ValidationError naming the field) for a product or lot that is not this
    clinic's or does not match, an area the session did not treat, a lot that holds too
    little, or no change at all.
    """
    with transaction.atomic():
        # The session row is the lock: two corrections of one session run one after the other.
        # Its row only (of="self"): FOR UPDATE on the joined clinic row would hold every
        # write of the clinic that refers to it, and deadlock a signing's commit.
        session = (
            TreatmentSession.objects.select_for_update(of=("self",))
            .select_related("clinic")
            .get(pk=line.session_id)
        )
        if not session.is_signed:
            raise SigningError(
                "A draft's lines are edited directly; corrections are for signed sessions."
            )
        reason = amendable_reason(session, membership, reason)
        line = Injection.objects.select_related("product", "lot", "session__clinic").get(pk=line.pk)
        if not Injection.objects.in_effect().filter(pk=line.pk).exists():
            raise SigningError(
                "This line was corrected by someone else meanwhile; reload the session and "
                "correct the line as it now stands."
            )
        _check_values(session, values)
        row = next(r for r in line_rows(session) if r.line.pk == line.pk)
        diff = _diff(row.number, LineValues.of(line), values)
        if not diff:
            raise ValidationError("Nothing was changed, so there is nothing to correct.")
        _apply_stock(line, values)
        amendment = add_amendment(session, membership, reason, diff)
        new = _new_line(line, values, amendment)
        try:
            with transaction.atomic():
                new.save()
        except IntegrityError:
            raise SigningError(
                "This line was corrected by someone else meanwhile; reload the session."
            ) from None
    return new


def changed_fields(amendment: Amendment) -> list[str]:
    """The line fields an amendment changed, for the audit detail (no values)."""
    return sorted({key.split(" ", 2)[2] for key in amendment.changes if key.startswith("line ")})


def site_label(area: str, side: str) -> str:
    # Labels are translated in the project's catalogue (clinical_codes).
    area_text = gettext(AREAS[area]) if area in AREAS else area
    side_text = gettext(SIDES[side]) if side in SIDES else side
    return f"{area_text} ({side_text})"
