"""Is the patient ready for this session? The signing gates (``treatments.gates``) evaluated
from the patient's consents and consultations, for a session or for the next session of a
plan, and the links that fix what is missing.

One function per question, used by ``sign_session`` (which enforces the verdict) and by the
plan, new-session and session pages (which show it before any work starts), so every path
sees the same findings.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import QuerySet, prefetch_related_objects
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from mesoclinic.clinical_codes import INDICATIONS
from mesoclinic.clinics.models import Clinic
from mesoclinic.consent.models import Consent
from mesoclinic.consultations.display import reason_text
from mesoclinic.consultations.models import Consultation
from mesoclinic.patients.models import Patient
from mesoclinic.treatments import gates
from mesoclinic.treatments.models import Injection, TreatmentSession, prefetch_lines_in_effect


def _consents(clinic: Clinic) -> QuerySet[Consent]:
    return (
        Consent.objects.for_clinic(clinic)
        .select_related("template")
        .prefetch_related("template__products", "amendments")
    )


def _consultations(clinic: Clinic) -> QuerySet[Consultation]:
    return Consultation.objects.for_clinic(clinic).prefetch_related("amendments")


def _consent_fact(c: Consent, patient: Patient) -> gates.ConsentFacts:
    withdrawn = c.withdrawn_on
    products = sorted(c.template.products.all(), key=lambda p: p.name)
    return gates.ConsentFacts(
        ref=str(c.public_id),
        title=str(c.template),
        indication=c.template.indication,
        patient_signed_at=c.patient_signed_at,
        patient_signed_on=patient.clinic.day_of(c.patient_signed_at),
        signed=c.is_signed,
        withdrawn_at=withdrawn,
        withdrawn_on=patient.clinic.day_of(withdrawn) if withdrawn else None,
        product_ids=frozenset(p.pk for p in products),
        product_names=tuple(p.name for p in products),
    )


def _screening_fact(c: Consultation, patient: Patient) -> gates.ScreeningFacts:
    return gates.ScreeningFacts(
        ref=str(c.public_id),
        consulted_at=c.consulted_at,
        consulted_on=patient.clinic.day_of(c.consulted_at),
        signed=c.is_signed,
        indications=tuple(c.effective("indications") or ()),
        findings=tuple(c.effective_findings),
    )


def consent_facts(patient: Patient) -> list[gates.ConsentFacts]:
    """The patient's consents as the gates read them (withdrawal by amendment included)."""
    return [_consent_fact(c, patient) for c in _consents(patient.clinic).filter(patient=patient)]


def screening_facts(patient: Patient) -> list[gates.ScreeningFacts]:
    """The patient's consultations with their effective (amended) indications and findings."""
    consultations = _consultations(patient.clinic).filter(patient=patient)
    return [_screening_fact(c, patient) for c in consultations]


def evaluate(patient: Patient, planned: gates.Planned) -> gates.Readiness:
    if planned.imported:
        return gates.evaluate(planned, (), ())
    return gates.evaluate(
        planned,
        consent_facts(patient),
        screening_facts(patient),
        patient.clinic.screening_valid_months,
    )


def _planned(
    session: TreatmentSession, lines: Iterable[Injection], areas: Iterable[str]
) -> gates.Planned:
    products = {line.product_id: line.product.name for line in lines}
    return gates.Planned(
        indication=session.indication,
        at=session.performed_at,
        on=session.patient.clinic.day_of(session.performed_at),
        areas=tuple(areas),
        products=products or None,
        imported=session.imported,
    )


def for_session(
    session: TreatmentSession, lines: Iterable[Injection] | None = None
) -> gates.Readiness:
    """The gates of a (draft) session: its time, indication, areas and the products of its lines
    (pass ``lines`` with their products loaded to save the query)."""
    if lines is None:
        lines = session.injections.in_effect().select_related("product")
    areas = session.areas.values_list("area", flat=True)
    return evaluate(session.patient, _planned(session, lines, areas))


def for_sessions(
    clinic: Clinic, sessions: Sequence[TreatmentSession]
) -> dict[int, gates.Readiness]:
    """``for_session`` of each of ``sessions`` of ``clinic`` (their patients loaded), by
    primary key, in the same few queries however many sessions there are (Today's list)."""
    prefetch_related_objects(list(sessions), "areas", prefetch_lines_in_effect())
    patient_ids = {s.patient_id for s in sessions if not s.imported}
    consents: dict[int, list[Consent]] = defaultdict(list)
    consultations: dict[int, list[Consultation]] = defaultdict(list)
    if patient_ids:
        for consent in _consents(clinic).filter(patient_id__in=patient_ids):
            consents[consent.patient_id].append(consent)
        for consultation in _consultations(clinic).filter(patient_id__in=patient_ids):
            consultations[consultation.patient_id].append(consultation)
    found = {}
    for session in sessions:
        planned = _planned(
            session, session.lines_in_effect(), [a.area for a in session.areas.all()]
        )
        patient = session.patient
        found[session.pk] = (
            gates.evaluate(planned, (), ())
            if planned.imported
            else gates.evaluate(
                planned,
                [_consent_fact(c, patient) for c in consents[patient.pk]],
                [_screening_fact(c, patient) for c in consultations[patient.pk]],
                clinic.screening_valid_months,
            )
        )
    return found


def for_next_session(
    patient: Patient, indication: str, areas: Sequence[str] = (), at: dt.datetime | None = None
) -> gates.Readiness:
    """The gates a session of ``indication`` would meet now (the plan and new-session pages)."""
    when = at or timezone.now()
    planned = gates.Planned(
        indication=indication, at=when, on=patient.clinic.day_of(when), areas=tuple(areas)
    )
    return evaluate(patient, planned)


@dataclass(frozen=True)
class ShownGate:
    """A gate with the link that fixes it (or opens the record it rests on)."""

    gate: gates.Gate
    url: str
    link_label: str

    @property
    def reasons(self) -> list[str]:
        """The gate's screening findings, each in the reader's language."""
        return [reason_text(dict(f)) for f in self.gate.findings]


_LINKS = {
    gates.RECORD_CONSENT: ("consent:capture", "patient", gettext_noop("Record a consent")),
    gates.SIGN_CONSENT: ("consent:detail", "ref", gettext_noop("Open the consent to sign it")),
    gates.VIEW_CONSENT: ("consent:detail", "ref", gettext_noop("Open the consent")),
    gates.NEW_CONSULTATION: (
        "consultations:create",
        "patient",
        gettext_noop("Record a consultation"),
    ),
    gates.SIGN_CONSULTATION: (
        "consultations:detail",
        "ref",
        gettext_noop("Open the consultation to sign it"),
    ),
    gates.VIEW_CONSULTATION: ("consultations:detail", "ref", gettext_noop("Open the screening")),
}


def shown(readiness: gates.Readiness, patient: Patient) -> list[ShownGate]:
    out = []
    for gate in readiness.gates:
        url = label = ""
        if gate.fix in _LINKS:
            name, arg, label = _LINKS[gate.fix]
            value = str(patient.public_id) if arg == "patient" else gate.ref
            url = reverse(name, args=[value]) if value else ""
        out.append(ShownGate(gate, url, label if url else ""))
    return out


def checks_for(
    patient: Patient, indications: Iterable[str], areas: Sequence[str] = ()
) -> list[tuple[str, list[ShownGate]]]:
    """For each indication, the gates a session would meet now, with their links."""
    return [
        (INDICATIONS.get(code, code), shown(for_next_session(patient, code, areas), patient))
        for code in dict.fromkeys(indications)
    ]
