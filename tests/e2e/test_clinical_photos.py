"""A nurse takes the five submental baseline views on a tablet; at a later visit the capture
page shows the baseline as a ghost, and the comparison shows baseline against latest."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from PIL import Image, ImageDraw

from mesoclinic.consent.models import Consent
from mesoclinic.consent.services import install_default_templates
from mesoclinic.outcomes.models import Measurement
from mesoclinic.photos.models import ClinicalPhoto
from mesoclinic.records.services import sign_record
from mesoclinic.treatments.models import SessionArea, TreatmentSession
from tests.e2e.browser_actions import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "rules": {"label-content-name-mismatch": {"enabled": True}},
}
VIEWS = ["Frontal", "Left oblique", "Right oblique", "Left profile", "Right profile"]


def drawn(view: str, chin: int) -> dict[str, Any]:
    """A generated picture of a head and neck for ``view`` (no real person), as a file."""
    image = Image.new("RGB", (300, 400), (230, 234, 238))
    draw = ImageDraw.Draw(image)
    draw.ellipse((90, 50, 210, 250), fill=(220, 178, 150))
    draw.ellipse((120, 240 - chin, 180, 240 + chin), fill=(220, 178, 150))
    draw.text((10, 10), view, fill=(20, 20, 20))
    out = io.BytesIO()
    image.save(out, format="JPEG")
    return {"name": "IMG_1234.jpg", "mimeType": "image/jpeg", "buffer": out.getvalue()}


def _visit(patient, alice, days_ago: int, signed: bool) -> TreatmentSession:
    session = TreatmentSession.objects.create(
        clinic=patient.clinic,
        patient=patient,
        performed_at=timezone.now() - dt.timedelta(days=days_ago),
        indication="submental_fat",
        practitioner=alice.user,
        created_by=alice.user,
    )
    SessionArea.objects.create(session=session, area="submental", side="midline")
    if signed:
        sign_record(session, alice)
    return session


@pytest.fixture
def visits(patient, alice, nina):
    """Maria: a signed photo consent, a first submental visit 6 weeks ago, one today, and
    her weight at both."""
    template = {t.code: t for t in install_default_templates(None, patient.clinic, alice.user)}[
        "deoxycholic-submental"
    ]
    consent = Consent.objects.create(
        clinic=patient.clinic,
        patient=patient,
        template=template,
        body_snapshot=template.body,
        discussed="Risks discussed.",
        photo_consent=True,
        patient_typed_name="Maria Lopez",
        patient_signed_at=timezone.now() - dt.timedelta(days=43),
        created_by=alice.user,
    )
    sign_record(consent, alice)
    first = _visit(patient, alice, 42, signed=True)
    later = _visit(patient, alice, 0, signed=False)
    for days, kg in ((42, "70"), (0, "69.5")):
        Measurement.objects.create(
            clinic=patient.clinic,
            patient=patient,
            measured_on=timezone.localdate() - dt.timedelta(days=days),
            kind="weight_kg",
            value=Decimal(kg),
            created_by=alice.user,
        )
    return first, later


def _violations(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page, options=AXE_OPTIONS).response
    return [
        f"{page.url}: {v['id']} {node['target']} {node['failureSummary']}"
        for v in result["violations"]
        for node in v["nodes"]
    ]


def _take(page: Any, view: str, chin: int) -> None:
    page.get_by_label(f"Photo: {view}").set_input_files(drawn(view, chin))
    page.get_by_role("button", name=f"Save photo {view}").click()
    page.get_by_text(f"{view} photo saved.").wait_for()


def test_it_takes_a_baseline_series_then_compares_it_with_a_later_visit(
    tablet_page, patient, visits
):
    page = tablet_page
    first, later = visits
    # given the nurse signed in on a tablet, on Maria's chart
    sign_in(page, "nina")
    page.goto(f"/patients/{patient.public_id}/")
    page.get_by_role("link", name="Photos", exact=True).click()
    page.get_by_role("heading", name="Clinical photos · Maria Lopez RV000001").wait_for()
    # when she takes the five submental views at the first visit
    page.goto(f"/photos/sessions/{first.public_id}/")
    for view in VIEWS:
        camera = page.get_by_label(f"Photo: {view}")
        assert camera.get_attribute("capture") == "environment"
        _take(page, view, chin=40)
    # then the five are stored
    assert ClinicalPhoto.objects.filter(session=first).count() == 5
    # when she opens the capture page of today's visit
    page.goto(f"/photos/sessions/{later.public_id}/")
    # then each view shows its baseline as a ghost, with a labelled toggle
    for view in VIEWS:
        ghost = page.get_by_role("img", name=f"{view} baseline of")
        ghost.wait_for()
        assert float(ghost.evaluate("e => getComputedStyle(e).opacity")) == pytest.approx(0.5)
    violations = _violations(page)
    toggle = page.get_by_label("Show the Frontal baseline as a ghost")
    toggle.uncheck()
    assert page.get_by_role("img", name="Frontal baseline of").is_hidden()
    toggle.check()
    # and a chosen photo appears under the ghost before it is saved
    page.get_by_label("Photo: Frontal").set_input_files(drawn("Frontal", 15))
    page.get_by_role("img", name="Frontal: the new photo").wait_for()
    page.get_by_role("button", name="Save photo Frontal").click()
    page.get_by_text("Frontal photo saved.").wait_for()
    # when she opens the comparison
    page.goto(f"/photos/patients/{patient.public_id}/compare/")
    # then the baseline and today's photo are shown side by side, with what lies between
    before = page.get_by_role("img", name="(before)").first
    after = page.get_by_role("img", name="(after)").first
    for img in (before, after):
        img.wait_for()
        assert img.evaluate("e => e.complete && e.naturalWidth > 0")
    page.get_by_text("1 signed session between the two photos").wait_for()
    page.get_by_text("70 kg at the first photo, 69.5 kg at the second").wait_for()
    page.get_by_text("A change of weight can by itself explain a slimmer outline").wait_for()
    violations += _violations(page)
    # and the slider moves by keyboard
    slider = page.get_by_label("Slide between before (left) and after (right)")
    slider.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert slider.input_value() == "52"
    clip = page.locator("[data-compare-slider-after]").evaluate("e => e.style.clipPath")
    assert "52%" in clip
    # and the pages with photos on them meet WCAG 2.1 AA at tablet width
    page.goto(f"/photos/patients/{patient.public_id}/")
    violations += _violations(page)
    assert violations == []
