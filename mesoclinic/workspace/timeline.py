"""The patient chart: every clinical record of one patient, newest first, that the role may see.

The timeline shows the recent history, ``years`` back from today (one by default) and at
least the newest ``RECENT_ENTRIES`` entries; older years are added on demand (the chart's "show the year before" link). The measurement plots
and the derived site roles still use the whole history, read in a fixed number of queries:
the queries of the timeline read only the window's sessions and their lines, so a patient with
years of sessions costs little more than a new one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, Model, OuterRef, Q

from mesoclinic.appointments.models import PatientMessage
from mesoclinic.clinics.models import Clinic, Membership
from mesoclinic.clinics.roles import Perm
from mesoclinic.outcomes.services import TreatedSites, annotate_measurements, record_treated_site
from mesoclinic.patients.models import Patient
from mesoclinic.plans.models import PlanArea, TreatmentPlan
from mesoclinic.records.models import AMENDMENT_LIST, Amendment, SignableRecord
from mesoclinic.safety.models import AdverseEvent
from mesoclinic.treatments.injection_map_models import InjectionMapPoint
from mesoclinic.treatments.models import (
    LINES_IN_EFFECT,
    Injection,
    SessionArea,
    TreatmentSession,
)

DEFAULT_YEARS = 1
# However old, a short history is shown whole: at least this many of the newest entries.
RECENT_ENTRIES = 20
# A bound on ``?years=``: more than any clinic's history, and no huge date arithmetic.
MAX_YEARS = 100


@dataclass
class ChartEntry:
    """One item on the timeline; ``kind`` picks the template partial that draws it."""

    when: dt.datetime | dt.date
    kind: str
    record: Any
    day: dt.date = dt.date.min
    # A session's: it has points on the injection map (the chart loads the map when opened).
    has_map: bool = False

    @property
    def sort_key(self) -> dt.date:
        return self.day


@dataclass
class Chart:
    entries: list[ChartEntry] = field(default_factory=list)
    clinical: bool = False
    measurements: list[Any] = field(default_factory=list)
    # The window: entries on or after ``since`` are shown, ``since`` being ``years`` back from
    # ``today``, or earlier to show at least the newest ``RECENT_ENTRIES`` (``floor``: the day
    # of the last of them). ``older``: some record is older than ``since``.
    years: int = DEFAULT_YEARS
    today: dt.date = dt.date.max
    floor: dt.date = dt.date.max
    older: bool = False

    def since_for(self, years: int) -> dt.date:
        return min(years_back(self.today, years), self.floor)

    @property
    def since(self) -> dt.date:
        return self.since_for(self.years)


def years_back(today: dt.date, years: int) -> dt.date:
    """The same day ``years`` earlier (28 February for a 29th in a common year)."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def window_years(raw: str | None) -> int:
    """``?years=`` as given by the "older" link; anything else is the default."""
    try:
        years = int(raw or DEFAULT_YEARS)
    except ValueError:
        return DEFAULT_YEARS
    return min(max(years, DEFAULT_YEARS), MAX_YEARS)


def _session_days(
    sessions: Any, clinic: Clinic
) -> tuple[TreatedSites, list[dt.date], dict[int, list[tuple[int, str, str]]]]:
    """Over the whole history, in one lean query (tuples, no model instances): the first day
    each area and side was treated, each session's day, and each session's (id, area, side)
    rows, from which the sessions shown draw their areas without a query of their own."""
    sites: TreatedSites = {}
    days: dict[int, dt.date] = {}
    areas: dict[int, list[tuple[int, str, str]]] = {}
    for pk, performed_at, area_id, area, side in sessions.order_by().values_list(
        "pk", "performed_at", "areas__id", "areas__area", "areas__side"
    ):
        day = days.get(pk) or clinic.day_of(performed_at)
        days[pk] = day
        if area is not None:
            record_treated_site(sites, area, side, day)
            areas.setdefault(pk, []).append((area_id, area, side))
    return sites, list(days.values()), areas


def own_fields(model: type[Model]) -> list[str]:
    """Every column of ``model`` itself, for an ``only()`` that narrows its related rows."""
    return [f.name for f in model._meta.concrete_fields]


def _attach_amendments(*groups: list[Any]) -> None:
    """The amendments of every consultation, consent and session shown, in one query (a
    prefetch per kind of record would be three), each record's as ``amendment_rows()`` reads
    them: oldest first."""
    records: dict[tuple[int, int], SignableRecord] = {}
    wanted = Q()
    for group in groups:
        if not group:
            continue
        content_type = ContentType.objects.get_for_model(group[0])  # cached per process
        for r in group:
            setattr(r, AMENDMENT_LIST, [])
            records[(content_type.pk, r.pk)] = r
        wanted |= Q(content_type_id=content_type.pk, object_id__in=[r.pk for r in group])
    if not records:
        return
    for amendment in Amendment.objects.filter(wanted).order_by("at", "id"):
        getattr(records[(amendment.content_type_id, amendment.object_id)], AMENDMENT_LIST).append(
            amendment
        )


# What a consultation's and a consent's timeline entries read of them
# (``_entry_consultation.html``, ``_entry_consent.html``; ``screening`` and ``indications``
# through their amendments).
CONSULTATION_SHOWN = (
    "public_id",
    "clinic",
    "patient",
    "consulted_at",
    "signed_at",
    "clinician_name",
    "indications",
    "screening",
)
CONSENT_SHOWN = (
    "public_id",
    "clinic",
    "patient",
    "template",
    "patient_signed_at",
    "signed_at",
    "withdrawn_at",
    "photo_consent",
)
# What the plots, the site roles and the measurements' rows read of a measurement
# (``outcome_plots``, ``annotate_measurements``, ``chart_rows.measurement_rows``): not its
# registry columns (``extra``), rater's user or scale version.
MEASUREMENT_SHOWN = (
    "public_id",
    "clinic",
    "patient",
    "measured_on",
    "kind",
    "value",
    "area",
    "side",
    "site_role",
    "rater",
    "imported",
)
# What a session's timeline entry reads of it (``chart_rows.session_entry``).
SESSION_SHOWN = (
    "public_id",
    "clinic",
    "patient",
    "performed_at",
    "signed_at",
    "indication",
    "protocol",
    "imported",
    "dose_override_at",
    "dose_override_by_name",
    "dose_override_reason",
    "contraindication_override_at",
    "contraindication_override_by_name",
    "contraindication_override_reason",
    "relative_contraindications_acknowledged",
)
# What it reads of a line: its volume, whether it corrects another, the product's name and the
# lot's number (not the lot's stock count and counters, which every signing changes and the
# history's cache does not watch: chart_triggers.UNSHOWN).
LINE_SHOWN = ("session", "volume_ml", "replaces", "product__name", "lot__lot_number")


def _attach_lines(sessions: Sequence[TreatmentSession]) -> None:
    """Each session's lines in effect, as ``lines_in_effect()`` reads them (``LINES_IN_EFFECT``,
    in id order as the prefetch gave them), in one query of the columns shown: a
    ``prefetch_related`` of whole lines, products and lots cost about 2 ms a chart."""
    by_session: dict[int, list[Injection]] = {s.pk: [] for s in sessions}
    if sessions:
        for line in (
            Injection.objects.in_effect()
            .filter(session_id__in=list(by_session))
            .select_related("product", "lot")
            .only(*LINE_SHOWN)
            .order_by("id")
        ):
            by_session[line.session_id].append(line)
    for s in sessions:
        setattr(s, LINES_IN_EFFECT, by_session[s.pk])


def _attach_plan_areas(plans: Sequence[TreatmentPlan]) -> None:
    """Each plan's areas as ``plan.areas.all()`` lists them (by area and side), as
    ``chart_areas``, in one lean query: a ``prefetch_related`` cost about twice as much."""
    by_plan: dict[int, list[PlanArea]] = {p.pk: [] for p in plans}
    if plans:
        for pk, plan_id, area, side in (
            PlanArea.objects.filter(plan_id__in=list(by_plan))
            .order_by("area", "side")
            .values_list("pk", "plan_id", "area", "side")
        ):
            by_plan[plan_id].append(PlanArea(id=pk, plan_id=plan_id, area=area, side=side))
    for p in plans:
        p.chart_areas = by_plan[p.pk]  # type: ignore[attr-defined]


def build_chart(patient: Patient, membership: Membership, years: int = DEFAULT_YEARS) -> Chart:
    clinic = membership.clinic
    chart = Chart(clinical=membership.has(Perm.VIEW_CLINICAL), years=years, today=clinic.today())
    if not chart.clinical:
        return chart
    candidates: list[ChartEntry] = []

    def add(when: dt.datetime | dt.date, kind: str, record: Any) -> None:
        day = clinic.day_of(when) if isinstance(when, dt.datetime) else when
        candidates.append(ChartEntry(when, kind, record, day))

    # Each related set is fetched once; no per-entry queries. Consultations, consents, plans,
    # adverse events and measurements are read whole (few per patient, and the plots need
    # every measurement); sessions, the long list, in full only within the window.
    # Of a consultation, what its entry shows: not its questionnaire, notes and assessment.
    consultations = list(
        patient.consultations.restrict(membership, Perm.VIEW_CLINICAL).only(*CONSULTATION_SHOWN)
    )
    for c in consultations:
        add(c.consulted_at, "consultation", c)
    # A consent's withdrawal is an amendment: read with the others below, not per consent.
    # Of its template the entry shows the title and version, not the consent's whole text.
    consents = list(
        patient.consents.restrict(membership, Perm.VIEW_CLINICAL)
        .select_related("template")
        .only(*CONSENT_SHOWN, "template__title", "template__template_version")
    )
    for consent in consents:
        add(consent.patient_signed_at, "consent", consent)
    # "n of m sessions done" counted by the database, not from every session of the course.
    plans = list(
        patient.plans.restrict(membership, Perm.VIEW_CLINICAL).annotate(
            signed_sessions=Count("sessions", filter=Q(sessions__signed_at__isnull=False))
        )
    )
    _attach_plan_areas(plans)
    for plan in plans:
        add(plan.created_at, "plan", plan)
    # Of its session and lot the entry shows only the day and the lot number: the session's
    # other thirty columns (its JSON among them) are not read.
    for ae in (
        patient.adverse_events.restrict(membership, Perm.VIEW_CLINICAL)
        .select_related("lot", "session")
        .only(*own_fields(AdverseEvent), "session__performed_at", "lot__lot_number")
    ):
        add(ae.onset_date, "adverse_event", ae)
    # Reminders, recalls and the patient's answers, in one query: what, when, how and about
    # which appointment (no message text). Front-desk data (view_demographics), drawn here only
    # for the clinical roles that see the timeline; reception reads the same log on the
    # patient's appointments page.
    for message in (
        PatientMessage.objects.restrict(membership, Perm.VIEW_DEMOGRAPHICS)
        .filter(patient=patient)
        .select_related("appointment__appointment_type")
        .only(
            *own_fields(PatientMessage),
            "appointment__public_id",
            "appointment__starts_at",
            "appointment__appointment_type__name",
        )
    ):
        add(message.at, "message", message)
    measurements = list(
        patient.measurements.restrict(membership, Perm.VIEW_CLINICAL).only(*MEASUREMENT_SHOWN)
    )
    by_day: dict[dt.date, list[Any]] = {}
    for m in measurements:
        by_day.setdefault(m.measured_on, []).append(m)
    for day, items in by_day.items():
        add(day, "measurements", items)
    sessions = TreatmentSession.objects.restrict(membership, Perm.VIEW_CLINICAL).filter(
        patient=patient
    )
    sites, session_days, session_areas = _session_days(sessions, clinic)
    # Derived site roles and weight-change flags over the whole history: no further queries.
    annotate_measurements(measurements, sites)
    chart.measurements = measurements

    days = sorted([e.day for e in candidates] + session_days, reverse=True)
    if days:
        chart.floor = days[min(len(days), RECENT_ENTRIES) - 1]
    since = chart.since
    chart.older = bool(days) and days[-1] < since
    # Whether a session has points on its map is read with it; the map itself is drawn only
    # when its "Injection map" is opened (treatments:map_fragment), not on every chart view.
    # Of a session, only the columns its entry shows (``chart_rows.session_entry``): not its
    # JSON of dose checks and gates.
    shown = list(
        sessions.filter(performed_at__gte=clinic.start_of_day(since))
        .only(*SESSION_SHOWN)
        .annotate(has_map=Exists(InjectionMapPoint.objects.filter(session=OuterRef("pk"))))
    )
    _attach_lines(shown)
    _attach_amendments(consultations, consents, shown)
    for s in shown:
        # Its areas as ``s.areas.all()`` lists them (SessionArea orders by id), from the rows
        # read above for the treated sites: no prefetch query.
        s.chart_areas = [  # type: ignore[attr-defined]
            SessionArea(id=area_id, session_id=s.pk, area=area, side=side)
            for area_id, area, side in sorted(session_areas.get(s.pk, []))
        ]
        add(s.performed_at, "session", s)
        candidates[-1].has_map = s.has_map
    chart.entries = [e for e in candidates if e.day >= since]
    chart.entries.sort(key=lambda e: (e.sort_key, e.kind), reverse=True)
    return chart
