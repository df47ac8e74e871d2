"""What a clinic types is shown on the chart as text, never run as markup: the chart's
entries are written partly in Python for speed (issue 11), and each free-text field they
show must still be escaped there."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from mesoclinic.formulary.models import Lot, Product
from mesoclinic.safety.models import AdverseEvent
from mesoclinic.treatments.models import Injection, SessionArea, TreatmentSession

pytestmark = pytest.mark.django_db

# One payload per field, each naming its field, so a failure says which field was not escaped.
PAYLOADS = {
    "product": '<script>alert("product")</script>',
    "lot": "<img src=x onerror=alert('lot')>",
    "protocol": '<b onmouseover="alert(1)">protocol</b>',
    "override_reason": "<script>alert('reason')</script>",
    "override_name": "<svg onload=alert('name')>",
    "notes": "<iframe src=javascript:alert('notes')></iframe>",
}


def test_it_shows_what_the_clinic_typed_as_text_on_the_chart(login, alice, patient):
    # given a session, its line, its overridden dose check and an adverse event, each free-text
    # field holding markup
    clinic = patient.clinic
    product = Product.objects.create(clinic=clinic, name=PAYLOADS["product"])
    lot = Lot.objects.create(clinic=clinic, product=product, lot_number=PAYLOADS["lot"], expiry_date=dt.date(2030, 1, 1))  # fmt: skip
    session = TreatmentSession.objects.create(
        clinic=clinic,
        patient=patient,
        performed_at=timezone.now() - dt.timedelta(days=3),
        indication="localized_fat",
        protocol=PAYLOADS["protocol"],
        practitioner=alice.user,
        dose_override_at=timezone.now() - dt.timedelta(days=3),
        dose_override_by_name=PAYLOADS["override_name"],
        dose_override_reason=PAYLOADS["override_reason"],
    )
    SessionArea.objects.create(session=session, area="abdomen", side="midline")
    Injection.objects.create(clinic=clinic, session=session, area="abdomen", side="midline", product=product, lot=lot, volume_ml=Decimal("1.000"))  # fmt: skip
    AdverseEvent.objects.create(clinic=clinic, patient=patient, session=session, lot=lot, event_type="bruising", onset_date=clinic.today(), severity="mild", notes=PAYLOADS["notes"] + "\nsecond line")  # fmt: skip
    # when a practitioner opens the chart
    page = login(alice).get(reverse("patient_chart", args=[patient.public_id])).content.decode()
    # then each one is there as escaped text, and none as markup
    for field, payload in PAYLOADS.items():
        assert payload not in page, f"{field} was written into the page as markup"
        escaped = payload.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        escaped = escaped.replace('"', "&quot;").replace("'", "&#x27;")
        assert escaped in page, f"{field} is not on the chart as text"
    # and the notes keep their line break as a line break
    assert "&lt;/iframe&gt;<br>second line" in page
