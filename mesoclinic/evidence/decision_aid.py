"""The practice's own rates for the consent page's decision aid (issue 16, part 2).

Answers consent's ``practice_rates_wanted`` signal with figures taken from the evidence
report of the indication, all areas together (a consent covers the indication): side effects
per session with their cluster-aware 95% CI and median days to resolution (Kaplan–Meier), and
the responder rate with its CI where the indication's primary outcome has a validated
threshold. The numbers are the engine's own (``figures.evidence_report``), so the consent
page and the evidence page cannot disagree.

Shown only when at least ``MIN_COURSES_DESCRIPTIVE`` patients were treated for the indication:
the engine's own minimum for a descriptive figure; below it the page says there are too few.
Computing reads the whole clinic's record (about a second on the demo), so the answer is cached
under a fingerprint of the records it depends on (count and latest change of sessions, adverse
events, measurements and amendments): anything added or amended gives a new key, so the page
is never staler than the record, and an unchanged record is not read again.

The engine's heavy libraries are imported inside the receiver, not with this module, so that
the URLconf and the commands start without them (issue 11).
"""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db.models import Count, Max

from mesoclinic.clinics.models import Clinic
from mesoclinic.outcomes.models import Measurement
from mesoclinic.records.models import Amendment
from mesoclinic.safety.models import AdverseEvent
from mesoclinic.treatments.models import TreatmentSession

# evidence/engine/estimates.py: MIN_COURSES_DESCRIPTIVE (kept equal by a test; not imported
# here because the engine package imports numpy and pandas).
MIN_PATIENTS = 10


CACHE_SECONDS = 24 * 3600


def _fingerprint(clinic: Clinic) -> str:
    parts = []
    for model, changed in ((TreatmentSession, "updated_at"), (AdverseEvent, "updated_at"), (Measurement, "updated_at"), (Amendment, "at")):  # fmt: skip
        found = model.objects.filter(clinic=clinic).aggregate(n=Count("pk"), last=Max(changed))
        parts.append(f"{found['n']}:{found['last'].isoformat() if found['last'] else '-'}")
    return "/".join(parts)


def practice_figures(sender: object, *, clinic: Clinic, indication: str, **_: Any) -> dict[str, Any]:  # fmt: skip
    """The figures for ``indication`` in ``clinic`` (aggregates only: no patient identity)."""
    key = f"practice-rates:{clinic.pk}:{indication}:{_fingerprint(clinic)}:{clinic.today()}"
    found = cache.get(key)
    if found is None:
        found = _compute(clinic, indication)
        cache.set(key, found, CACHE_SECONDS)
    return dict(found)


def _compute(clinic: Clinic, indication: str) -> dict[str, Any]:
    from mesoclinic.evidence.figures import evidence_report
    from mesoclinic.evidence.services import clinic_tables
    from mesoclinic.outcomes.outcome_sets import primary_outcome

    tables = clinic_tables(clinic)
    sessions = tables.normalised().sessions
    scope = sessions[sessions["indication"].to_numpy() == indication]
    distinct = scope.drop_duplicates(["patient", "session_id"])
    patients = int(distinct["patient"].nunique())
    figures: dict[str, Any] = {
        "indication": indication,
        "computed_on": clinic.today().isoformat(),
        "patients": patients,
        "sessions": len(distinct),
        "minimum_patients": MIN_PATIENTS,
        "enough": patients >= MIN_PATIENTS,
        "side_effects": [],
        "responders": None,
        "outcome": None,
    }
    if not figures["enough"]:
        return figures
    outcome = primary_outcome(indication)
    report = evidence_report(tables, indication=indication, area=None, outcome=outcome)
    figures["outcome"] = outcome
    figures["side_effects"] = [
        {
            key: row[key]
            for key in (
                "type",
                "sessions_with_event",
                "sessions",
                "rate_per_session",
                "ci95",
                "median_days_to_resolution",
                "median_days_to_resolution_ci95",
            )
        }
        for row in sorted(report["adverse_events"], key=lambda r: -float(r["rate_per_session"]))
    ]
    found = report.get("responders")
    if found:
        figures["responders"] = {
            "k": found["k"],
            "n": found["n"],
            "rate": found["rate"],
            "ci95": found["ci95"],
            "rater": found.get("rater"),
            "placebo_rates": [b["placebo_rate"] for b in found.get("placebo_benchmarks", [])],
        }
    return figures
