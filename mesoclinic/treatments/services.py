"""Session workflows: drafting, injection lines, signing (with the lot checks and the stock
decrease in the same transaction) and amending."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.forms import BaseInlineFormSet, ModelForm
from django.utils import timezone
from django.utils.translation import gettext

from mesoclinic.clinics.models import Membership
from mesoclinic.clinics.roles import Perm
from mesoclinic.dosing.services import DoseCheck
from mesoclinic.formulary.choices import LotStatus
from mesoclinic.formulary.models import Lot, Product
from mesoclinic.patients.models import Patient
from mesoclinic.records.models import Amendment
from mesoclinic.records.services import SigningError, amend_record, save_versioned, sign_record
from mesoclinic.treatments import readiness
from mesoclinic.treatments.dose_input import check_session_dose
from mesoclinic.treatments.gates import Readiness, signing_problems
from mesoclinic.treatments.models import Injection, SessionArea, TreatmentSession
from mesoclinic.treatments.signals import session_signed


class SessionSignError(SigningError):
    """Signing refused because of the session's content; ``problems`` lists every reason."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(" ".join(problems))
        self.problems = problems


def session_day(session: TreatmentSession) -> dt.date:
    """The session's date in the clinic's zone: a lot expiring today may be used today."""
    return session.clinic.day_of(session.performed_at)


def _refuse_if_signed(session: TreatmentSession) -> None:
    if TreatmentSession.objects.filter(pk=session.pk, signed_at__isnull=False).exists():
        raise ValidationError("The session is signed; correct it with an amendment.")


def _check_lines_match_areas(session: TreatmentSession) -> None:
    sites = set(session.areas.values_list("area", "side"))
    for line in session.injections.in_effect():
        if (line.area, line.side) not in sites:
            raise ValidationError(
                gettext(
                    "Areas: %(area)s (%(side)s) has injection lines; remove them before "
                    "removing the area."
                )
                % {"area": line.get_area_display(), "side": line.get_side_display()}
            )


def create_session(
    patient: Patient,
    user: Any,
    fields: dict[str, Any],
    areas: BaseInlineFormSet[SessionArea, TreatmentSession, ModelForm[SessionArea]],
) -> TreatmentSession:
    """A draft session and its areas, in one transaction."""
    with transaction.atomic():
        session = TreatmentSession(
            clinic=patient.clinic, patient=patient, created_by=user, **fields
        )
        session.save()
        areas.instance = session
        areas.save()
    return session


def update_session(
    session: TreatmentSession,
    expected_version: int,
    fields: dict[str, Any],
    areas: BaseInlineFormSet[SessionArea, TreatmentSession, ModelForm[SessionArea]],
) -> TreatmentSession:
    """Edit a draft made at ``expected_version``; refused if signed or changed since."""
    with transaction.atomic():
        _refuse_if_signed(session)
        session = save_versioned(session, expected_version, fields)
        areas.instance = session
        areas.save()
        _check_lines_match_areas(session)
    return session


def add_injection(session: TreatmentSession, fields: dict[str, Any]) -> Injection:
    """Add one line to a draft. Refused, naming the field, when the area is not one of the
    session's, the lot is not this product's or this clinic's, or the lot cannot be used on
    the session's date (expired, quarantined, recalled, used up) or holds too little."""
    product: Product = fields["product"]
    lot: Lot = fields["lot"]
    volume_ml: Decimal = fields["volume_ml"]
    with transaction.atomic():
        _refuse_if_signed(session)
        if product.clinic_id != session.clinic_id:
            raise ValidationError(
                {"product": gettext("This product is not in this clinic's formulary.")}
            )
        if lot.clinic_id != session.clinic_id or lot.product_id != product.pk:
            raise ValidationError(
                {
                    "lot": gettext("Lot %(lot)s is not a lot of %(product)s.")
                    % {"lot": lot.lot_number, "product": product}
                }
            )
        reason = lot.unusable_reason(session_day(session))
        if reason:
            raise ValidationError({"lot": reason})
        if not session.areas.filter(area=fields["area"], side=fields["side"]).exists():
            raise ValidationError({"site": gettext("Choose one of the session's areas.")})
        if volume_ml <= 0:
            raise ValidationError({"volume_ml": gettext("The volume must be more than 0 mL.")})
        if lot.remaining_ml is not None:
            drafted = sum(
                (i.volume_ml for i in session.injections.in_effect().filter(lot=lot)), Decimal(0)
            )
            if drafted + volume_ml > lot.remaining_ml:
                raise ValidationError(
                    {
                        "volume_ml": gettext(
                            "Lot %(lot)s has %(left)s mL left and this session already uses "
                            "%(drafted)s mL of it."
                        )
                        % {"lot": lot.lot_number, "left": lot.remaining_ml, "drafted": drafted}
                    }
                )
        line = Injection(
            clinic=session.clinic,
            session=session,
            area=fields["area"],
            side=fields["side"],
            product=product,
            lot=lot,
            volume_ml=volume_ml,
            points=fields.get("points"),
            depth_mm=fields.get("depth_mm")
            if fields.get("depth_mm") is not None
            else session.depth_mm,
            technique=fields.get("technique") or session.technique,
        )
        line.full_clean(exclude=["clinic", "session", "product", "lot"])
        line.save()
    return line


def remove_injection(line: Injection) -> None:
    with transaction.atomic():
        _refuse_if_signed(line.session)
        line.delete()


class DoseOverrideRequired(SessionSignError):
    """Signing refused by the dose check; ``check`` holds the violations found."""

    def __init__(self, problems: list[str], check: DoseCheck) -> None:
        super().__init__(problems)
        self.check = check


def _dose_problems(
    check: DoseCheck, override_reason: str, seen_digest: str
) -> tuple[list[str], bool]:
    """(problems that block signing, whether an override applies). An override must carry
    the digest of the violations it answers, and they must be the ones found now."""
    if not override_reason.strip():
        if not check.violations:
            return [], False
        return [
            gettext("Dose check: %(problem)s") % {"problem": v.message} for v in check.violations
        ] + [
            gettext(
                "Dose check: to sign anyway, tick “Override the dose check” and write the "
                "clinical reason."
            )
        ], False
    if not seen_digest:
        return [
            "Dose check: the override does not say which dose check it answers (the page's "
            "check is missing from what was sent); reload the session, review the violations "
            "and confirm the override again."
        ], False
    if seen_digest != check.digest:
        return [
            "Dose check: the violations changed since the page was shown (a line was added or "
            "removed, or a weight or limit changed); review them and confirm the override again."
        ], False
    if not check.violations:
        return [
            "Dose check: there is no violation to override; untick “Override the dose check” "
            "and sign again."
        ], False
    return [], True


def sign_session(
    session: TreatmentSession,
    membership: Membership,
    *,
    dose_override_reason: str = "",
    dose_check_seen: str = "",
    contraindication_override_reason: str = "",
    relative_acknowledged: bool = False,
    contraindications_seen: str | None = None,
) -> TreatmentSession:
    """Sign a draft: check the signing gates (consent, a recent signed screening, its
    contraindications; treatments.gates), re-check every line's lot on the session's date (it
    may have been recalled or quarantined since drafting), run the dose check, take the volumes
    out of stock and sign, all in one transaction. Nothing is changed when any check fails, and
    the refusal lists every problem.

    An absolute contraindication blocks signing unless ``contraindication_override_reason``
    says why the practitioner proceeds, and a relative one until ``relative_acknowledged``;
    ``contraindications_seen`` is the digest of the findings the page showed (required with
    either). A dose-check violation blocks signing unless ``dose_override_reason`` says why;
    ``dose_check_seen`` is the digest of the violations the form showed and is required with an
    override, so an override never covers violations nobody saw. The dose check itself
    (dosing.snapshot), the gates as evaluated and any override (reason, who, when, what) are
    stored on the session before it is signed."""
    if not membership.has(Perm.SIGN):
        raise SigningError(
            gettext("A %(role)s cannot sign; a practitioner must.")
            % {"role": str(membership.get_role_display()).lower()}
        )
    with transaction.atomic():
        session = TreatmentSession.objects.select_for_update().get(pk=session.pk)
        if session.is_signed:
            raise SigningError(gettext("This session is already signed."))
        lines = list(
            session.injections.in_effect()
            .select_related("product")
            .prefetch_related("product__ingredients")
        )
        ready = readiness.for_session(session, lines)
        gate_problems = signing_problems(
            ready,
            override_reason=contraindication_override_reason,
            acknowledged=relative_acknowledged,
            seen=contraindications_seen,
        )
        if session.performed_at > timezone.now():
            gate_problems.insert(0, gettext("Date and time: the session has not taken place yet."))
        if not lines:
            gate_problems.append(gettext("Injections: add the lines given before signing."))
        if session.performed_at > timezone.now() or not lines:
            raise SessionSignError(gate_problems)
        lot_ids = {line.lot_id for line in lines if line.lot_id is not None}
        # The lots' rows only, in key order: a lot's default ordering joins its product, and
        # FOR UPDATE would also lock the product, queueing every signing that uses it.
        locked = Lot.objects.select_for_update(of=("self",)).filter(pk__in=lot_ids).order_by("pk")
        lots = {lot.pk: lot for lot in locked}
        day = session_day(session)
        problems: list[str] = []
        used_ml: dict[int, Decimal] = defaultdict(Decimal)
        for number, line in enumerate(lines, start=1):
            if line.lot_id is None:
                problems.append(
                    gettext("Line %(number)s (%(product)s): Lot: choose the lot used.")
                    % {"number": number, "product": line.product}
                )
                continue
            lot = lots[line.lot_id]
            reason = lot.unusable_reason(day)
            if reason:
                problems.append(
                    gettext("Line %(number)s (%(product)s): Lot: %(reason)s")
                    % {"number": number, "product": line.product, "reason": reason}
                )
            used_ml[lot.pk] += line.volume_ml
        for lot_id, volume_ml in used_ml.items():
            lot = lots[lot_id]
            if lot.remaining_ml is not None and volume_ml > lot.remaining_ml:
                problems.append(
                    gettext(
                        "Lot: lot %(lot)s has %(left)s mL left; this session uses %(used)s mL of it."
                    )
                    % {"lot": lot.lot_number, "left": lot.remaining_ml, "used": volume_ml}
                )
        problems = gate_problems + problems
        check = check_session_dose(session, lines)
        dose_problems, overridden = _dose_problems(check, dose_override_reason, dose_check_seen)
        if dose_problems:
            raise DoseOverrideRequired(problems + dose_problems, check)
        if problems:
            raise SessionSignError(problems)
        # The verdict and the gates are part of what is signed: kept in the same UPDATE as
        # any override, before sign_record makes the row immutable.
        dose_fields: dict[str, Any] = {
            "dose_check_at_signing": check.snapshot(),
            **_gate_fields(membership, ready, contraindication_override_reason),
        }
        if overridden:
            dose_fields.update(
                dose_override_reason=dose_override_reason.strip(),
                dose_override_by=membership.user,
                dose_override_by_name=membership.display_name,
                dose_override_at=timezone.now(),
                dose_override_violations=check.violations_json(),
            )
        TreatmentSession.objects.filter(pk=session.pk, signed_at__isnull=True).update(**dose_fields)
        session.refresh_from_db()
        for lot_id, volume_ml in used_ml.items():
            if lots[lot_id].remaining_ml is None:
                continue  # an imported lot with no stock count
            Lot.objects.filter(pk=lot_id).update(
                remaining_ml=F("remaining_ml") - volume_ml, version=F("version") + 1
            )
        Lot.objects.filter(pk__in=used_ml, remaining_ml__lte=0, status=LotStatus.AVAILABLE).update(
            status=LotStatus.USED_UP
        )
        sign_record(session, membership)
        # Aftercare contacts (48-72 h, 2 w, 4-6 w, 12 w) start with the signature: its
        # receiver writes them in this transaction, so a signed session never lacks its
        # follow-up, and a failure to schedule un-signs it.
        session_signed.send(sender=TreatmentSession, session=session)
    session.refresh_from_db()
    return session


def _gate_fields(membership: Membership, ready: Readiness, override_reason: str) -> dict[str, Any]:
    """What the signing gates store on the session: the gates as evaluated, the acknowledged
    relative contraindications and the override of the absolute ones (reason, who, when)."""
    fields: dict[str, Any] = {
        "gates_at_signing": [g.as_json() for g in ready.gates],
        "relative_contraindications_acknowledged": [dict(f) for f in ready.relative],
    }
    if ready.absolute:
        fields.update(
            contraindication_override_reason=override_reason.strip(),
            contraindication_override_by=membership.user,
            contraindication_override_by_name=membership.display_name,
            contraindication_override_at=timezone.now(),
            contraindication_override_findings=[dict(f) for f in ready.absolute],
        )
    return fields


def amend_session(
    session: TreatmentSession, membership: Membership, reason: str, changes: dict[str, Any]
) -> Amendment:
    with transaction.atomic():
        return amend_record(session, membership, reason, changes)
