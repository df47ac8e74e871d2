"""Builds one synthetic practice: staff, formulary and lots, consent templates, and the
patients with their consultations, consents, plans, sessions, injections, measurements and
adverse events.

Seeded and deterministic: the same seed gives the same practice (dates are relative to the
day it is built). Fast: every table is written with ``bulk_create`` in batches; the caller
(``services.load_demo``) wraps the whole build in one transaction.
"""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo
from collections.abc import Callable, Mapping
from decimal import Decimal

from django.contrib.auth.models import User
from django.utils import timezone

from mesoclinic.aftercare.services import schedule_follow_up
from mesoclinic.clinics.choices import Role
from mesoclinic.clinics.models import Clinic, Membership, PractitionerProfile
from mesoclinic.consent.models import ConsentTemplate
from mesoclinic.demo.billing import write_billing
from mesoclinic.demo.calendar_week import write_calendar
from mesoclinic.demo.catalogue import INDICATION_WEIGHTS, PRODUCTS, ClinicSpec
from mesoclinic.demo.consent_texts import TEMPLATES
from mesoclinic.demo.consent_translations import TRANSLATIONS
from mesoclinic.demo.courses import CourseDraft, CourseOptions, simulate_course
from mesoclinic.demo.lots import LotBook, LotDraft, seed_special_lots
from mesoclinic.demo.people import make_person
from mesoclinic.demo.photos import write_photos
from mesoclinic.demo.screenings import write_follow_up_screenings
from mesoclinic.demo.writer import (
    Staff,
    write_consents,
    write_consultations,
    write_lots,
    write_patients,
    write_plans,
    write_sessions,
)
from mesoclinic.dosing.models import DoseLimit
from mesoclinic.dosing.rules import PHOSPHATIDYLCHOLINE, SOURCE_PC_NETWORK_LIPOLYSIS
from mesoclinic.formulary.models import Ingredient, Product
from mesoclinic.mfa.choices import RequiredFor
from mesoclinic.mfa.models import ClinicMfaPolicy
from mesoclinic.patients.models import Patient
from mesoclinic.plans.models import TreatmentPlan
from mesoclinic.safety import signal_state
from mesoclinic.treatments.models import TreatmentSession

Report = Callable[[str], None]
# Riverside's planted cases need five localized-fat patients (a late-nodule cluster of two,
# an ulceration, a blocked first session and one spare) and a submental one (nerve injury),
# and every other indication once: nine. Hilltop plants nothing and needs one.
MIN_PATIENTS = 9


def allocate_indications(
    rng: random.Random, patients: int, at_least: Mapping[str, int] | None = None
) -> list[str]:
    """Exactly ``patients`` indications in the demo's proportions: each indication at least
    ``at_least`` times (the patients its planted cases need), then each at least once while
    there is room (the most frequent first), the rounding left over going to localized fat."""
    needed = dict.fromkeys(INDICATION_WEIGHTS, 0) | dict(at_least or {})
    if sum(needed.values()) > patients:
        raise ValueError(f"{patients} patients cannot hold the planted cases {needed}")
    room = patients - sum(needed.values())
    for k in sorted(INDICATION_WEIGHTS, key=lambda k: -INDICATION_WEIGHTS[k]):
        if needed[k] == 0 and room > 0:
            needed[k], room = 1, room - 1
    total = sum(INDICATION_WEIGHTS.values())
    counts = {k: max(needed[k], round(patients * w / total)) for k, w in INDICATION_WEIGHTS.items()}
    counts["localized_fat"] += patients - sum(counts.values())
    # Few patients: the rounding up of the others may have left localized fat short.
    while counts["localized_fat"] < needed["localized_fat"]:
        spare = max(counts, key=lambda k: counts[k] - needed[k])
        counts[spare] -= 1
        counts["localized_fat"] += 1
    out = [k for k, n in counts.items() for _ in range(n)]
    rng.shuffle(out)
    return out


def _create_staff(clinic: Clinic, spec: ClinicSpec, password_hash: str) -> Staff:
    users = User.objects.bulk_create(
        [
            User(
                username=s.username,
                first_name=s.first_name,
                last_name=s.last_name,
                email=f"{s.username}@{clinic.slug}.example.org",
                password=password_hash,
            )
            for s in spec.staff
        ]
    )
    memberships = Membership.objects.bulk_create(
        [
            Membership(user=u, clinic=clinic, role=s.role)
            for u, s in zip(users, spec.staff, strict=True)
        ]
    )
    PractitionerProfile.objects.bulk_create(
        [
            PractitionerProfile(
                membership=m,
                profession=s.profession,
                registration_number=s.registration_number,
                registration_body=s.registration_body,
            )
            for m, s in zip(memberships, spec.staff, strict=True)
            if s.profession
        ]
    )
    practitioners = [m for m in memberships if m.role == Role.PRACTITIONER]
    nurses = [m for m in memberships if m.role == Role.NURSE]
    admins = [m for m in memberships if m.role == Role.ADMIN] or practitioners
    return Staff(practitioners, nurses[0] if nurses else None, admins[0].user)


def _create_formulary(clinic: Clinic, admin: User) -> dict[str, Product]:
    products = Product.objects.bulk_create(
        [
            Product(
                clinic=clinic,
                name=p.name,
                manufacturer=p.manufacturer,
                procedure_type=p.procedure_type,
                notes=p.notes,
                created_by=admin,
            )
            for p in PRODUCTS
        ]
    )
    Ingredient.objects.bulk_create(
        [
            Ingredient(product=row, substance=substance, mg_per_ml=mg)
            for row, spec in zip(products, PRODUCTS, strict=True)
            for substance, mg in spec.ingredients
        ]
    )
    # One practice dose limit, so the demo shows the Dose limits page filled: the
    # Network-Lipolysis phosphatidylcholine figure (reference §2.2) for sessions under that
    # protocol name.
    DoseLimit.objects.create(
        clinic=clinic,
        substance=PHOSPHATIDYLCHOLINE,
        protocol="network_lipolysis",
        max_mg=Decimal(2500),
        source=f"Network-Lipolysis: maximum 2,500 mg phosphatidylcholine per session, "
        f"{SOURCE_PC_NETWORK_LIPOLYSIS}",
        created_by=admin,
    )
    return {spec.key: row for spec, row in zip(PRODUCTS, products, strict=True)}


def consent_template_fields() -> list[dict[str, object]]:
    """The consent app's default templates, plus the demo's own text for any demo indication
    they do not cover (cellulite)."""
    try:
        from mesoclinic.consent.services import default_templates
    except ImportError:  # a checkout whose consent app ships no defaults yet
        defaults: list[dict[str, object]] = []
    else:
        defaults = default_templates()
    covered = {d["indication"] for d in defaults}
    own = [
        {
            "code": t.code,
            "title": t.title,
            "indication": t.indication,
            "off_label": t.off_label,
            "body": t.body,
        }
        for t in TEMPLATES
        if t.indication not in covered
    ]
    return defaults + own


def _consent_templates(clinic: Clinic, admin: User) -> dict[str, ConsentTemplate]:
    english = consent_template_fields()
    rows = ConsentTemplate.objects.bulk_create(
        [ConsentTemplate(clinic=clinic, created_by=admin, **fields) for fields in english]
    )
    # The same texts in French, Italian and Spanish where translated (demo.consent_translations):
    # a patient who reads one of those languages signs the text in it.
    ConsentTemplate.objects.bulk_create(
        [
            ConsentTemplate(
                clinic=clinic,
                created_by=admin,
                **{**fields, "language": language, "title": title, "body": body},
            )
            for fields in english
            for (code, language), (title, body) in TRANSLATIONS.items()
            if code == fields["code"]
        ]
    )
    return {row.indication: row for row in rows}


def simulate_practice(
    spec: ClinicSpec, rng: random.Random, patients: int, today: dt.date, practitioners: int
) -> list[CourseDraft]:
    """Every patient's course, with the special cases a demo needs placed deterministically:
    sessions today, a late-nodule cluster on one lot, a nerve injury, a severe ulceration, and
    a first session today whose screening found an absolute contraindication."""
    tz = zoneinfo.ZoneInfo(spec.time_zone)
    cluster_size = (3 if patients >= 60 else 2) if spec.special_lots else 0
    # Localized fat: the cluster, the ulceration, and two more so that one is left for the
    # blocked first session even when the other is booked today; submental: the nerve injury.
    planted = {"localized_fat": cluster_size + 3, "submental_fat": 1} if spec.special_lots else {}
    indications = allocate_indications(rng, patients, planted)
    fat = [i for i, ind in enumerate(indications) if ind == "localized_fat"]
    cluster = fat[:cluster_size]
    ulcer = fat[len(cluster)] if spec.special_lots else None
    submental = [i for i, ind in enumerate(indications) if ind == "submental_fat"]
    nerve = submental[0] if spec.special_lots and submental else None
    special = {*cluster, ulcer, nerve}
    ordinary = [i for i in range(patients) if i not in special]
    today_courses = set(rng.sample(ordinary, max(1, patients // 40)))
    # A localized-fat patient booked for a first session today whose signed screening shows
    # an absolute contraindication: signing that session is blocked until overridden.
    fat_ordinary = [i for i in ordinary if indications[i] == "localized_fat"]
    blocked = next((i for i in fat_ordinary if i not in today_courses), None)
    blocked = blocked if spec.special_lots else None
    courses = []
    for index, indication in enumerate(indications):
        person = make_person(rng, index + 1, indication, today)
        practitioner = rng.randrange(practitioners)
        start = today - dt.timedelta(days=rng.randint(20, 730))
        options = CourseOptions(start, practitioner)
        if index in cluster:
            first = today - dt.timedelta(days=63 + 4 * cluster.index(index))
            options = CourseOptions(first, practitioner, cluster=True)
        elif index in today_courses:
            after = rng.randint(1, 3)
            options = CourseOptions(start, practitioner, today_session_after=after)
        elif index in (ulcer, nerve):
            start = today - dt.timedelta(days=rng.randint(200, 500))
            event = "ulceration" if index == ulcer else "nerve_injury"
            options = CourseOptions(start, practitioner, force_events=(event,))
        elif index == blocked:
            options = CourseOptions(start, practitioner, today_session_after=0)
        course = simulate_course(rng, person, indication, options, today, tz, practitioners)
        if index == blocked:
            contraindicate(course, today)
        courses.append(course)
    return courses


def contraindicate(course: CourseDraft, today: dt.date) -> None:
    """Give the course's screening an absolute contraindication to PC/DC lipolysis (pregnancy,
    or for anyone who cannot be pregnant a soy allergy; reference §3) and an anticoagulant (a
    relative one): the case the signing gates exist for."""
    person = course.person
    age_years = (today - person.birth_date).days // 365
    if person.sex == "f" and age_years < 45:
        course.screen_answers = {
            "pregnant": "yes",
            "anticoagulant": "yes",
            "details": {
                "bleeding": "Enoxaparin 40 mg daily, started by her obstetrician; last dose "
                "this morning."
            },
        }
        found = "pregnant (about 10 weeks) and on enoxaparin"
    else:
        course.screen_answers = {
            "allergy_soy": "yes",
            "anticoagulant": "yes",
            "details": {
                "allergy": "Soy (urticaria and lip swelling)",
                "bleeding": "Apixaban 5 mg twice daily for atrial fibrillation; last dose "
                "this morning.",
            },
        }
        found = "soy allergy and on apixaban"
    course.assessment = (
        f"Screening raised concerns ({found}): the treating practitioner reviews it before "
        "any PC/DC session."
    )


def assign_lots(courses: list[CourseDraft], book: LotBook, cluster: LotDraft | None) -> None:
    """Hand out lots in one chronological pass, as the stock room would have."""
    visits = [(v.at, n, c, v) for n, c in enumerate(courses) for v in c.visits]
    visits.sort(key=lambda item: (item[0], item[1]))
    for _, _, course, visit in visits:
        for shot in visit.injections:
            hint = cluster if course.lot_hint == "cluster" and shot.product == "pcdc25" else None
            shot.lot = book.pick(shot.product, visit.day, shot.volume_ml, hint, signed=visit.signed)


def build_practice(
    spec: ClinicSpec,
    *,
    patients: int,
    seed: int,
    password_hash: str,
    report: Report,
    now: dt.datetime | None = None,
) -> dict[str, int]:
    """Create one clinic and everything in it; returns the row counts by kind."""
    now = now or timezone.now()
    tz = zoneinfo.ZoneInfo(spec.time_zone)
    today = now.astimezone(tz).date()
    rng = random.Random(f"mesoclinic-demo:{seed}:{spec.slug}")
    clinic = Clinic.objects.create(
        slug=spec.slug,
        name=spec.name,
        time_zone=spec.time_zone,
        currency=spec.currency,
        mrn_prefix=spec.mrn_prefix,
        next_mrn=patients + 1,
    )
    # The demo's printed logins must work with a password alone, so its clinics switch the
    # second sign-in step off (a real clinic requires it of practitioners and admins; the demo
    # prints how to turn it back on, docs/mfa.md).
    ClinicMfaPolicy.objects.create(clinic=clinic, required_for=RequiredFor.NOBODY)
    staff = _create_staff(clinic, spec, password_hash)
    products = _create_formulary(clinic, staff.admin)
    templates = _consent_templates(clinic, staff.admin)
    report(
        f"{spec.name}: {len(spec.staff)} staff, {len(products)} products, {len(templates)} consent templates"
    )
    courses = simulate_practice(spec, rng, patients, today, len(staff.practitioners))
    book = LotBook(rng, spec.lot_prefix)
    specials = seed_special_lots(book, today) if spec.special_lots else {}
    assign_lots(courses, book, specials.get("cluster"))
    book.close(today)
    write_lots(clinic, book.lots, products, staff.admin)
    report(f"{spec.name}: simulated {len(courses)} courses; {len(book.lots)} lots")
    patient_rows = write_patients(clinic, courses, staff, rng, spec.mrn_prefix)
    consultations = write_consultations(clinic, courses, patient_rows, staff, rng)
    screenings = write_follow_up_screenings(
        clinic, courses, patient_rows, consultations, staff, now
    )
    write_consents(clinic, courses, patient_rows, templates, staff, rng, now)
    plans = write_plans(clinic, courses, patient_rows, consultations, staff, spec.currency)
    report(f"{spec.name}: {len(patient_rows)} patients with consultations, consents and plans")
    counts = write_sessions(
        clinic, courses, patient_rows, plans, staff, products, rng, spec.currency
    )
    report(f"{spec.name}: " + ", ".join(f"{n} {kind}" for kind, n in counts.items()))
    _backdate(courses, patient_rows, plans)
    # Adverse events were bulk-written (no model signals): store the Today count of signals.
    signal_state.refresh(clinic)
    counts["aftercare check-ins"] = _schedule_aftercare(clinic, now)
    report(f"{spec.name}: {counts['aftercare check-ins']} aftercare check-ins still open")
    counts["appointments"] = write_calendar(clinic, staff, rng, now)
    report(f"{spec.name}: {counts['appointments']} appointments this week")
    counts["clinical photos"] = write_photos(clinic, staff.nurse or staff.practitioners[0])
    report(f"{spec.name}: {counts['clinical photos']} clinical photos")
    counts.update(write_billing(clinic))
    return {
        "staff": len(spec.staff),
        "products": len(products),
        "lots": len(book.lots),
        "patients": len(patient_rows),
        "consultations": len(consultations) + screenings,
        "plans": len(plans),
        **counts,
    }


def _schedule_aftercare(clinic: Clinic, now: dt.datetime) -> int:
    """Follow-ups of the recent signed sessions, as signing them in the app would have made
    (older sessions' check-in windows have closed, so they get none)."""
    recent = TreatmentSession.objects.for_clinic(clinic).filter(
        signed_at__isnull=False, performed_at__gte=now - dt.timedelta(days=120)
    )
    return sum(len(schedule_follow_up(s)) for s in recent.select_related("plan"))


def _backdate(
    courses: list[CourseDraft], patients: list[Patient], plans: list[TreatmentPlan]
) -> None:
    """Give patients and plans the creation times they would have had, so timelines read
    naturally. Consultations, consents and sessions are written with theirs
    (``writer._insert_as_written``): a signed row cannot be updated afterwards."""
    for course, patient, plan in zip(courses, patients, plans, strict=True):
        patient.created_at = patient.updated_at = course.consult_at
        plan.created_at = plan.updated_at = course.consult_at + dt.timedelta(minutes=50)
    type(patients[0]).objects.bulk_update(patients, ["created_at", "updated_at"], batch_size=500)
    type(plans[0]).objects.bulk_update(plans, ["created_at", "updated_at"], batch_size=500)
