"""Make a patient ready for treatment, as a clinic would before the first session: a signed
consultation whose questionnaire is fully answered, and a signed consent to the indication.

Plain functions for any test that signs a session (treatments.gates): ``make_ready`` does
both; ``screen`` and ``consent`` do one each (unsigned if asked), for tests of a gate. They
are written through the consultation and consent services, so they meet exactly the rules a
clinic meets, and take place ``at`` (a day ago by default), before any session the test
drafts. Nothing here changes a signed row, which the database refuses.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal

from django.utils import timezone

from mesoclinic.clinics.models import Membership
from mesoclinic.consent.models import Consent, ConsentTemplate
from mesoclinic.consent.services import sign_consent
from mesoclinic.consultations.models import Consultation
from mesoclinic.consultations.questions import QUESTIONS
from mesoclinic.consultations.services import create_consultation, sign_consultation
from mesoclinic.patients.models import Patient

CONSENT_BODY = (
    "You are consenting to a course of injections for the indication named above. The "
    "practitioner has explained how the treatment works, the expected reactions (swelling, "
    "bruising, tenderness for some days), the rare complications (infection, nodules, skin "
    "injury), the alternatives including no treatment, and the aftercare. You may withdraw "
    "your consent at any time."
)


def consent_template(practitioner: Membership, indication: str) -> ConsentTemplate:
    """The clinic's active template for ``indication``, created when there is none."""
    clinic = practitioner.clinic
    found = (
        ConsentTemplate.objects.for_clinic(clinic)
        .filter(indication=indication, is_active=True)
        .first()
    )
    if found is not None:
        return found
    return ConsentTemplate.objects.create(
        clinic=clinic,
        code=f"test-{indication.replace('_', '-')}",
        title=f"Consent to {indication.replace('_', ' ')} treatment",
        indication=indication,
        body=CONSENT_BODY,
        created_by=practitioner.user,
    )


def screen(
    patient: Patient,
    practitioner: Membership,
    indication: str = "localized_fat",
    *,
    at: dt.datetime | None = None,
    areas: Sequence[str] = ("abdomen",),
    answers: Mapping[str, str] | None = None,
    sign: bool = True,
) -> Consultation:
    """A consultation for ``indication`` at ``at`` (a day ago by default) with every question
    answered "no" (``answers`` overrides some, e.g. {"pregnant": "yes"}), signed by
    ``practitioner`` unless ``sign`` is False."""
    when = at or timezone.now() - dt.timedelta(days=1)
    questionnaire: dict[str, object] = {q.code: "no" for q in QUESTIONS}
    questionnaire.update(answers or {})
    consultation = create_consultation(
        None,
        practitioner,
        patient,
        {
            "consulted_at": when,
            "concerns": "Wants treatment for the indication planned.",
            "indications": [indication],
            "areas": list(areas),
            "questionnaire": questionnaire,
            "body_image_concern": False,
            "body_image_notes": "BDDQ-AS negative",
            "weight_kg": Decimal("68.0"),
            "height_cm": Decimal("168.0"),
            "weight_stable_6_months": True,
            "assessment": "Suitable; risks and alternatives discussed.",
        },
    )
    if sign:
        sign_consultation(None, practitioner, consultation)
    consultation.refresh_from_db()
    return consultation


def consent(
    patient: Patient,
    practitioner: Membership,
    indication: str = "localized_fat",
    *,
    at: dt.datetime | None = None,
    template: ConsentTemplate | None = None,
    sign: bool = True,
) -> Consent:
    """The patient's consent on ``template`` (the clinic's template for the indication by
    default), signed by the patient at ``at`` (a day ago by default) and then by
    ``practitioner`` unless ``sign`` is False."""
    when = at or timezone.now() - dt.timedelta(days=1)
    chosen = template or consent_template(practitioner, indication)
    taken = Consent.objects.create(
        clinic=patient.clinic,
        patient=patient,
        template=chosen,
        body_snapshot=chosen.body,
        discussed="Risks, alternatives and aftercare discussed; questions answered.",
        patient_typed_name=patient.display_name,
        patient_signed_at=when,
        created_by=practitioner.user,
    )
    if sign:
        sign_consent(None, practitioner, taken)
    taken.refresh_from_db()
    return taken


def make_ready(
    patient: Patient,
    practitioner: Membership,
    indication: str = "localized_fat",
    *,
    at: dt.datetime | None = None,
    areas: Sequence[str] = ("abdomen",),
    answers: Mapping[str, str] | None = None,
    template: ConsentTemplate | None = None,
) -> tuple[Consultation, Consent]:
    """A signed consultation for ``indication`` at ``at`` (a day ago by default) with every
    question answered "no" unless ``answers`` says otherwise, and a consent signed by the
    patient 40 minutes later and by ``practitioner``. Returns both."""
    when = at or timezone.now() - dt.timedelta(days=1)
    consultation = screen(patient, practitioner, indication, at=when, areas=areas, answers=answers)
    taken = consent(
        patient,
        practitioner,
        indication,
        at=when + dt.timedelta(minutes=40),
        template=template,
    )
    return consultation, taken
