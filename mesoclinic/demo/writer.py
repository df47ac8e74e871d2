"""Turning simulated courses into rows: bulk inserts, every row in its clinic, all FKs set.

Rows are built from the drafts in dependency order (patients, consultations, consents,
plans, sessions, then what hangs off a session) and inserted with ``bulk_create`` in
batches; the caller holds the transaction, so a failure leaves nothing half-written.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType

from mesoclinic.clinics.models import Clinic, Membership
from mesoclinic.consent.models import Consent, ConsentTemplate
from mesoclinic.consultations.models import Consultation
from mesoclinic.demo.catalogue import COURSE_SESSION_PRICE, PRODUCT_BY_KEY
from mesoclinic.demo.courses import CourseDraft
from mesoclinic.demo.injection_maps import line_points
from mesoclinic.demo.lots import LotDraft
from mesoclinic.demo.outcome_model import MeasureDraft
from mesoclinic.demo.people import CONCERNS, questionnaire
from mesoclinic.demo.screen import screening_for
from mesoclinic.formulary.choices import LotStatus
from mesoclinic.formulary.models import Lot, Product
from mesoclinic.outcomes.models import Measurement
from mesoclinic.outcomes.services import measured_weights
from mesoclinic.patients.models import Patient, phone_key
from mesoclinic.plans.models import PlanArea, TreatmentPlan
from mesoclinic.records.models import Amendment
from mesoclinic.safety.models import AdverseEvent, Outcome
from mesoclinic.treatments.dose_batch import check_sessions_dose
from mesoclinic.treatments.models import Injection, InjectionMapPoint, SessionArea, TreatmentSession

BATCH = 500
MINUTES = dt.timedelta(minutes=1)


@dataclass
class Staff:
    practitioners: list[Membership]
    nurse: Membership | None
    admin: User


def _signature(member: Membership, at: dt.datetime) -> dict[str, Any]:
    return {
        "signed_at": at,
        "signed_by": member.user,
        "signed_by_name": member.display_name,
        "version": 2,
    }


# What _insert_as_written sets after the insert.
_WRITTEN = ("created_at", "updated_at", "signed_at", "signed_by_id", "signed_by_name")


def _insert_as_drafts(model: type[Any], rows: list[Any]) -> Callable[..., list[Any]]:
    """Insert rows as drafts; the returned function gives them the times and signatures they
    were built with, and the values of the ``also`` fields set on them meanwhile (what the app
    stores at signing, such as the dose check).

    ``bulk_create`` stamps ``created_at``/``updated_at`` with the build time, and a signed row
    can never be updated afterwards (the database refuses it: ``records.immutability``). So
    each row goes in as a draft and then takes its times and its signature in one UPDATE
    per batch: the same draft-to-signed step that signing in the app is. What belongs to a
    signed session (its areas and lines) must be written between the two, since nothing can
    be added to a signed session either.
    """
    final = [{name: getattr(row, name) for name in _WRITTEN} for row in rows]
    for row in rows:
        row.signed_at, row.signed_by_id, row.signed_by_name = None, None, ""
    model.objects.bulk_create(rows, batch_size=BATCH)

    def sign(also: tuple[str, ...] = ()) -> list[Any]:
        for row, values in zip(rows, final, strict=True):
            for name, value in values.items():
                setattr(row, name, value)
        model.objects.bulk_update(
            rows, [name.removesuffix("_id") for name in _WRITTEN] + list(also), batch_size=BATCH
        )
        return rows

    return sign


def _insert_as_written(model: type[Any], rows: list[Any]) -> list[Any]:
    """Insert rows with the times and signatures they were built with (``_insert_as_drafts``)."""
    return _insert_as_drafts(model, rows)()


def write_lots(
    clinic: Clinic, lots: list[LotDraft], products: dict[str, Product], admin: User
) -> None:
    rows = [
        Lot(
            clinic=clinic,
            product=products[d.product_key],
            lot_number=d.lot_number,
            expiry_date=d.expiry_date,
            received_on=d.received_on,
            quantity_received=d.quantity_received,
            vial_volume_ml=PRODUCT_BY_KEY[d.product_key].vial_volume_ml,
            remaining_ml=Decimal(0) if d.status == LotStatus.USED_UP else d.shelf_ml,
            vial_type=PRODUCT_BY_KEY[d.product_key].vial_type,
            status=d.status,
            status_reason=d.status_reason,
            created_by=admin,
        )
        for d in lots
    ]
    Lot.objects.bulk_create(rows, batch_size=BATCH)
    for draft, row in zip(lots, rows, strict=True):
        draft.pk = row.pk


def write_patients(
    clinic: Clinic, courses: list[CourseDraft], staff: Staff, rng: random.Random, prefix: str
) -> list[Patient]:
    rows = []
    for number, course in enumerate(courses, start=1):
        p = course.person
        rows.append(
            Patient(
                clinic=clinic,
                mrn=f"{prefix}{number:06d}",
                given_name=p.given_name,
                family_name=p.family_name,
                birth_date=p.birth_date,
                sex=p.sex,
                height_cm=p.height_cm,
                phone=p.phone,
                phone_normalised=phone_key(p.phone),  # bulk_create skips Patient.save()
                email=p.email,
                address=p.address,
                allergies=p.allergies,
                current_medications=p.current_medications,
                created_by=staff.practitioners[course.consultant].user,
            )
        )
    return Patient.objects.bulk_create(rows, batch_size=BATCH)


def write_consultations(
    clinic: Clinic,
    courses: list[CourseDraft],
    patients: list[Patient],
    staff: Staff,
    rng: random.Random,
) -> list[Consultation]:
    rows = []
    # Every course starts from a signed screening, as the signing gates require; the clinic
    # day's draft consultation is written apart (demo.screenings).
    for course, patient in zip(courses, patients, strict=True):
        member = staff.practitioners[course.consultant]
        person, indication = course.person, course.protocol.indication
        signature = _signature(member, course.consult_at + 30 * MINUTES)
        answers = questionnaire(rng, person, indication)
        if course.screen_answers:
            extra = dict(course.screen_answers)
            before = cast(dict[str, str], answers.get("details") or {})
            details = {**before, **cast(dict[str, str], extra.pop("details", {}))}
            answers = {**answers, **extra, "details": details}
        areas = sorted({a for a, _ in course.areas + ([course.control] if course.control else [])})
        day = course.consult_at.date()
        age = (
            day.year
            - person.birth_date.year
            - ((day.month, day.day) < (person.birth_date.month, person.birth_date.day))
        )
        weight = Decimal(str(person.weight_kg))
        rows.append(
            Consultation(
                clinic=clinic,
                patient=patient,
                consulted_at=course.consult_at,
                clinician=member.user,
                clinician_name=member.display_name,
                concerns=CONCERNS[indication],
                indications=[indication],
                areas=areas,
                questionnaire=answers,
                screening=screening_for(
                    answers,
                    indication,
                    areas,
                    age_years=age,
                    weight_kg=weight,
                    height_cm=person.height_cm,
                    weight_stable_6_months=not person.diet,
                    body_image_concern=False,
                ),
                body_image_concern=False,
                body_image_notes="Body-image screen: no concern raised; expectations discussed.",
                weight_kg=weight,
                height_cm=person.height_cm,
                weight_stable_6_months=not person.diet,
                assessment=course.assessment
                or f"Suitable for {course.protocol.name}. Risks, alternatives and aftercare discussed.",
                created_by=member.user,
                created_at=course.consult_at,
                updated_at=signature["signed_at"],
                **signature,
            )
        )
    return _insert_as_written(Consultation, rows)


def write_consents(
    clinic: Clinic,
    courses: list[CourseDraft],
    patients: list[Patient],
    templates: dict[str, ConsentTemplate],
    staff: Staff,
    rng: random.Random,
    now: dt.datetime,
) -> None:
    rows, withdrawals = [], []
    for course, patient in zip(courses, patients, strict=True):
        member = staff.practitioners[course.consultant]
        template = templates[course.protocol.indication]
        signed_at = course.consult_at + 40 * MINUTES
        rows.append(
            Consent(
                clinic=clinic,
                patient=patient,
                template=template,
                body_snapshot=template.body,
                discussed=(
                    "Procedure, expected reactions and their usual course, rare complications, "
                    "alternatives and aftercare discussed; written information given; questions answered."
                    + (" Off-label use explained." if template.off_label else "")
                ),
                # The draw is always made (the rest of the demo stays the same); submental
                # patients always consent, so that even the smallest demo has a photo series
                # (demo.photos) for the photo pages and the FHIR Media to show.
                photo_consent=(rng.random() < 0.8) or template.indication == "submental_fat",
                patient_typed_name=patient.display_name,
                patient_signed_at=signed_at,
                created_by=member.user,
                created_at=signed_at,
                updated_at=signed_at + 5 * MINUTES,
                **_signature(member, signed_at + 5 * MINUTES),
            )
        )
        if course.status == "stopped" and course.visits and rng.random() < 0.5:
            at = min(now, course.visits[-1].at + dt.timedelta(days=rng.randint(7, 21)))
            withdrawals.append((len(rows) - 1, member, at))
    _insert_as_written(Consent, rows)
    # A signed consent is withdrawn by an amendment, never changed in place.
    content_type = ContentType.objects.get_for_model(Consent)
    reason = "Consent withdrawn: patient decided not to continue the course (telephone call)."
    for index, member, at in withdrawals:
        # ``at`` would be stamped on insert and an amendment can never be updated, so each
        # (a handful) is saved raw, as fixtures are loaded: with the time it happened.
        Amendment(
            clinic=clinic,
            content_type=content_type,
            object_id=rows[index].pk,
            author=member.user,
            author_name=member.display_name,
            at=at,
            reason=reason,
            changes={"withdrawn_at": {"from": None, "to": at.isoformat()}},
        ).save_base(raw=True)


def write_plans(
    clinic: Clinic,
    courses: list[CourseDraft],
    patients: list[Patient],
    consultations: list[Consultation],
    staff: Staff,
    currency: str,
) -> list[TreatmentPlan]:
    rows = []
    for course, patient, consultation in zip(courses, patients, consultations, strict=True):
        protocol = course.protocol
        name = protocol.name
        if course.main_product == "minoxidil":
            name = name.replace("Dutasteride", "Minoxidil")
        rows.append(
            TreatmentPlan(
                clinic=clinic,
                patient=patient,
                consultation=consultation,
                indication=protocol.indication,
                protocol=name,
                planned_sessions=protocol.planned_sessions,
                interval_days=protocol.interval_days,
                estimated_price=COURSE_SESSION_PRICE * protocol.planned_sessions,
                currency=currency,
                lifestyle_advice=(
                    "Keep weight stable (within 5%) through the course and until the final "
                    "assessment; regular activity; no new diet without telling us."
                ),
                status=course.status,
                start_date=course.visits[0].day if course.visits else None,
                created_by=staff.practitioners[course.consultant].user,
            )
        )
    plans = TreatmentPlan.objects.bulk_create(rows, batch_size=BATCH)
    areas = [
        PlanArea(plan=plan, area=area, side=side)
        for course, plan in zip(courses, plans, strict=True)
        for area, side in course.areas
    ]
    PlanArea.objects.bulk_create(areas, batch_size=BATCH)
    return plans


def write_sessions(
    clinic: Clinic,
    courses: list[CourseDraft],
    patients: list[Patient],
    plans: list[TreatmentPlan],
    staff: Staff,
    products: dict[str, Product],
    rng: random.Random,
    currency: str,
) -> dict[str, int]:
    sessions: list[TreatmentSession] = []
    pairs = []
    for course, patient, plan in zip(courses, patients, plans, strict=True):
        protocol = course.protocol
        for visit in course.visits:
            member = staff.practitioners[visit.practitioner]
            author = staff.nurse.user if visit.drafted_by_nurse and staff.nurse else member.user
            signature = (
                _signature(member, visit.at + rng.randint(20, 90) * MINUTES) if visit.signed else {}
            )
            sessions.append(
                TreatmentSession(
                    clinic=clinic,
                    patient=patient,
                    plan=plan,
                    performed_at=visit.at,
                    indication=protocol.indication,
                    protocol=plan.protocol,
                    practitioner=member.user,
                    anaesthesia=protocol.anaesthesia,
                    technique=protocol.technique,
                    needle=protocol.needle,
                    depth_mm=protocol.depth_mm,
                    notes="Tolerated well. Aftercare leaflet given; review at 2 weeks.",
                    created_by=author,
                    created_at=visit.at,
                    updated_at=visit.at,
                    **signature,
                )
            )
            pairs.append((course, patient, visit))
    sign_sessions = _insert_as_drafts(TreatmentSession, sessions)
    areas, injections, measures, events = [], [], [], []
    for session, (_course, patient, visit) in zip(sessions, pairs, strict=True):
        visit.pk = session.pk
        member = staff.practitioners[visit.practitioner]
        price = (COURSE_SESSION_PRICE / len(visit.areas)).quantize(Decimal("0.01"))
        areas += [
            SessionArea(session=session, area=a, side=s, price=price, currency=currency)
            for a, s in visit.areas
        ]
        lots_by_product: dict[str, int | None] = {}
        for shot in visit.injections:
            lot_id = shot.lot.pk if shot.lot else None
            lots_by_product.setdefault(shot.product, lot_id)
            injections.append(
                Injection(
                    clinic=clinic,
                    session=session,
                    area=shot.area,
                    side=shot.side,
                    product=products[shot.product],
                    lot_id=lot_id,
                    volume_ml=shot.volume_ml,
                    points=shot.points,
                    depth_mm=shot.depth_mm,
                    technique=shot.technique,
                )
            )
        measures += _measurements(
            clinic, patient, session, visit.day, visit.measures, member, staff
        )
        for ae in visit.reactions:
            events.append(
                AdverseEvent(
                    clinic=clinic,
                    patient=patient,
                    session=session,
                    lot_id=lots_by_product.get(ae.product),
                    event_type=ae.event_type,
                    onset_date=ae.onset,
                    resolved_date=ae.resolved,
                    last_seen_unresolved=ae.last_seen_unresolved,
                    severity=ae.severity,
                    serious=ae.serious,
                    causality=ae.causality,
                    outcome=Outcome.RECOVERED if ae.resolved else Outcome.RECOVERING,
                    notes=ae.notes,
                    reported_by=member.user,
                    created_by=member.user,
                )
            )
    for course, patient in zip(courses, patients, strict=True):
        if course.follow_up is not None:
            day, drafts = course.follow_up
            member = staff.practitioners[course.consultant]
            measures += _measurements(clinic, patient, None, day, drafts, member, staff)
    SessionArea.objects.bulk_create(areas, batch_size=BATCH)
    Injection.objects.bulk_create(injections, batch_size=BATCH)
    # Every fourth course's sessions have their injection map, placed before signing.
    mapped = {pk for n, c in enumerate(courses) if n % 4 == 0 for pk in (v.pk for v in c.visits)}
    nth: dict[int, int] = {}
    map_points = []
    for line in injections:
        if line.session_id in mapped:
            map_points += line_points(line, nth.get(line.session_id, 0))
            nth[line.session_id] = nth.get(line.session_id, 0) + 1
    InjectionMapPoint.objects.bulk_create(map_points, batch_size=BATCH)
    # The weight taken at a visit is recorded before the session is signed, and the dose
    # check at signing reads it.
    Measurement.objects.bulk_create(measures, batch_size=BATCH)
    signing = [s for s, (_c, _p, v) in zip(sessions, pairs, strict=True) if v.signed]
    _store_dose_checks(clinic, signing)
    sign_sessions(also=("dose_check_at_signing",))
    AdverseEvent.objects.bulk_create(events, batch_size=BATCH)
    return {
        "sessions": len(sessions),
        "session areas": len(areas),
        "injections": len(injections),
        "injection map points": len(map_points),
        "measurements": len(measures),
        "adverse events": len(events),
    }


def _store_dose_checks(clinic: Clinic, signing: list[TreatmentSession]) -> None:
    """Set on each session about to be signed the dose check signing stores
    (treatments.services.sign_session), computed by the same engine from the same records, in
    a few queries for all of them (treatments.dose_batch)."""
    measured = measured_weights(clinic, {s.patient_id for s in signing})
    checks = check_sessions_dose(
        clinic, signing, measured=measured, signing={s.pk for s in signing}
    )
    for session in signing:
        session.dose_check_at_signing = checks[session.pk].snapshot()


def _measurements(
    clinic: Clinic,
    patient: Patient,
    session: TreatmentSession | None,
    day: dt.date,
    drafts: list[MeasureDraft],
    member: Membership,
    staff: Staff,
) -> list[Measurement]:
    # Weight and girths are taken by the nurse; clinician scores by the practitioner.
    measurer = staff.nurse.user if staff.nurse else member.user
    return [
        Measurement(
            clinic=clinic,
            patient=patient,
            session=session,
            measured_on=day,
            kind=m.kind,
            value=m.value,
            area=m.area,
            side=m.side,
            site_role=m.site_role,
            rater=m.rater,
            rated_by=member.user if m.rater == "clinician" else (measurer if not m.rater else None),
            scale_version=m.scale_version,
            created_by=measurer,
        )
        for m in drafts
    ]
