"""Issue 15 end to end on a tablet: at the baseline visit the nurse captures the five submental
views, the practitioner places the injection points on the submental diagram and signs; at the
later visit the capture page shows the baseline as a ghost to line up with, and the compare page
shows baseline against latest with the sessions and the weight change between them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from mesoclinic.consent.models import Consent
from mesoclinic.formulary.models import Lot, Product
from mesoclinic.outcomes.models import Measurement
from mesoclinic.photos.models import ClinicalPhoto
from mesoclinic.records.services import sign_record
from mesoclinic.treatments import services
from mesoclinic.treatments.injection_map_models import InjectionMapPoint
from mesoclinic.treatments.models import SessionArea, TreatmentSession
from tests.e2e.browser_actions import sign_in
from tests.e2e.test_clinical_photos import VIEWS, _take, drawn
from tests.treatment_readiness import consent_template, make_ready

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _draft(patient, alice, days_ago: int) -> TreatmentSession:
    session = TreatmentSession.objects.create(
        clinic=patient.clinic, patient=patient, indication="submental_fat",
        performed_at=timezone.now() - dt.timedelta(days=days_ago, hours=1),
        practitioner=alice.user, created_by=alice.user,
    )  # fmt: skip
    SessionArea.objects.create(session=session, area="submental", side="midline")
    return session


@pytest.fixture
def visits(riverside, patient, alice, nina):
    """Maria screened and consented for submental fat 43 days ago, with a separate signed photo
    consent; a baseline draft 42 days ago with one line of 3 points, a visit today, and her
    weight at both."""
    make_ready(patient, alice, "submental_fat", areas=["submental"], at=timezone.now() - dt.timedelta(days=43))  # fmt: skip
    template = consent_template(alice, "submental_fat")
    photos_ok = Consent.objects.create(
        clinic=riverside, patient=patient, template=template, body_snapshot=template.body,
        discussed="Photographs discussed.", photo_consent=True, patient_typed_name=patient.display_name,
        patient_signed_at=timezone.now() - dt.timedelta(days=43), created_by=alice.user,
    )  # fmt: skip
    sign_record(photos_ok, alice)
    product = Product.objects.create(clinic=riverside, name="Saline")
    lot = Lot.objects.create(
        clinic=riverside, product=product, lot_number="SAL-1",
        expiry_date=timezone.localdate() + dt.timedelta(days=200), quantity_received=10,
        vial_volume_ml=Decimal(10), remaining_ml=Decimal(100),
    )  # fmt: skip
    baseline = _draft(patient, alice, 42)
    services.add_injection(baseline, {"area": "submental", "side": "midline", "product": product, "lot": lot, "volume_ml": Decimal(1), "points": 3, "depth_mm": Decimal(6), "technique": "point"})  # fmt: skip
    later = _draft(patient, alice, 0)
    for days, kg in ((42, "70"), (0, "69.5")):
        Measurement.objects.create(
            clinic=riverside, patient=patient, kind="weight_kg", value=Decimal(kg),
            measured_on=riverside.day_of(timezone.now() - dt.timedelta(days=days, hours=1)), created_by=alice.user,
        )  # fmt: skip
    return baseline, later


def test_it_captures_maps_signs_and_compares_a_course_on_a_tablet(tablet_page, visits, patient):
    page = tablet_page
    baseline, later = visits
    # given the nurse on a tablet at the baseline visit
    sign_in(page, "nina")
    # when she captures the five submental views
    page.goto(f"/photos/sessions/{baseline.public_id}/")
    for view in VIEWS:
        _take(page, view, chin=40)
    # then the baseline series is stored
    assert ClinicalPhoto.objects.filter(session=baseline).count() == 5
    page.get_by_role("button", name="Sign out").click()

    # when the practitioner places the line's three points on the submental diagram and signs
    sign_in(page, "alice")
    page.goto(f"/sessions/{baseline.public_id}/")
    page.get_by_role("link", name="Place points on the map").click()
    diagram = page.locator("[data-map-editor] svg")
    assert diagram.get_attribute("data-diagram") == "submental"
    box = diagram.bounding_box()
    for fraction_x in (0.37, 0.52, 0.67):
        with page.expect_navigation():
            page.touchscreen.tap(box["x"] + box["width"] * fraction_x, box["y"] + box["height"] * 0.47)  # fmt: skip
    page.get_by_text("3 points placed, as recorded").first.wait_for()
    page.get_by_role("link", name="Back to the session").click()
    page.get_by_role("button", name="Sign session").click()
    page.get_by_text("Signed by").first.wait_for()
    baseline.refresh_from_db()
    # then the session is signed with its map of three points
    assert baseline.is_signed
    assert InjectionMapPoint.objects.filter(session=baseline, diagram="submental").count() == 3
    page.get_by_role("button", name="Sign out").click()

    # when the nurse opens today's capture page
    sign_in(page, "nina")
    page.goto(f"/photos/sessions/{later.public_id}/")
    # then each view shows its baseline as a ghost to line the new photo up with
    for view in VIEWS:
        page.get_by_role("img", name=f"{view} baseline of").wait_for()
    # when she takes today's frontal view under the ghost
    page.get_by_label("Photo: Frontal").set_input_files(drawn("Frontal", 15))
    page.get_by_role("img", name="Frontal: the new photo").wait_for()
    page.get_by_role("button", name="Save photo Frontal").click()
    page.get_by_text("Frontal photo saved.").wait_for()
    # then the comparison shows baseline against latest, with what lies between them
    page.goto(f"/photos/patients/{patient.public_id}/compare/")
    for label in ("(before)", "(after)"):
        image = page.get_by_role("img", name=label).first
        image.wait_for()
        assert image.evaluate("e => e.complete && e.naturalWidth > 0")
    page.get_by_text("1 signed session between the two photos").wait_for()
    page.get_by_text("70 kg at the first photo, 69.5 kg at the second").wait_for()
    page.get_by_text("A change of weight can by itself explain a slimmer outline").wait_for()
