"""The injection map in a real browser at tablet size: the practitioner places a line's points
on the submental diagram by tapping and with the keyboard grid, removes one with Delete,
signs the session, and the patient's chart shows the map."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
from django.utils import timezone

from mesoclinic.formulary.models import Lot, Product
from mesoclinic.outcomes.models import Measurement
from mesoclinic.treatments import services
from mesoclinic.treatments.injection_map_models import InjectionMapPoint
from mesoclinic.treatments.models import SessionArea, TreatmentSession
from tests.e2e.browser_actions import sign_in
from tests.treatment_readiness import make_ready

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def draft(riverside, alice, patient):
    # given the patient screened and consented for submental fat a day ago (signing gates)
    make_ready(patient, alice, "submental_fat", areas=["submental"])
    performed_at = timezone.now() - dt.timedelta(hours=1)
    Measurement.objects.create(
        clinic=riverside,
        patient=patient,
        kind="weight_kg",
        value=Decimal(64),
        measured_on=timezone.localtime(performed_at, zoneinfo.ZoneInfo(riverside.time_zone)).date(),
    )
    product = Product.objects.create(clinic=riverside, name="Saline")
    lot = Lot.objects.create(
        clinic=riverside,
        product=product,
        lot_number="SAL-1",
        expiry_date=timezone.localdate() + dt.timedelta(days=200),
        quantity_received=10,
        vial_volume_ml=Decimal(10),
        remaining_ml=Decimal(100),
    )
    session = TreatmentSession.objects.create(
        clinic=riverside,
        patient=patient,
        performed_at=performed_at,
        indication="submental_fat",
        practitioner=alice.user,
        created_by=alice.user,
    )
    SessionArea.objects.create(session=session, area="submental", side="midline")
    # and one line of 3 points at the submental area
    services.add_injection(
        session,
        {
            "area": "submental",
            "side": "midline",
            "product": product,
            "lot": lot,
            "volume_ml": Decimal(1),
            "points": 3,
            "depth_mm": Decimal(6),
            "technique": "point",
        },
    )
    return session


def test_it_places_points_on_the_submental_diagram_signs_and_shows_them_on_the_chart(
    tablet_page, draft
):
    page = tablet_page
    # given alice is signed in on a tablet and opens the draft's map
    sign_in(page, "alice")
    page.goto(f"/sessions/{draft.public_id}/")
    page.get_by_role("link", name="Place points on the map").click()
    diagram = page.locator("[data-map-editor] svg")
    assert diagram.get_attribute("data-diagram") == "submental"

    # when she taps the diagram twice
    box = diagram.bounding_box()
    # (inside grid squares, not on a line between two: the grid has 20 squares a side, and a
    # tap on a line could fall in either square after rounding to whole pixels)
    for fraction_x in (0.42, 0.62):
        with page.expect_navigation():
            page.touchscreen.tap(
                box["x"] + box["width"] * fraction_x, box["y"] + box["height"] * 0.43
            )
    # and places a third with the keyboard grid: focus (the cursor is on the square last
    # tapped), one square down, Enter
    page.locator("[data-map-editor] svg").focus()
    page.keyboard.press("ArrowDown")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.get_by_text("3 points placed, as recorded").first.wait_for()
    # then the three are stored on the submental diagram where they were placed
    points = list(InjectionMapPoint.objects.filter(session=draft).order_by("id"))
    assert [p.diagram for p in points] == ["submental"] * 3
    assert abs(float(points[0].x) - 0.42) < 0.02
    assert abs(float(points[1].x) - 0.62) < 0.02
    # the keyboard mark is the middle of the square below the one tapped last
    column, row = int(points[1].x * 20), int(points[1].y * 20)
    assert (points[2].x, points[2].y) == (
        Decimal(column * 2 + 1) / 40,
        Decimal((row + 1) * 2 + 1) / 40,
    )

    # when she presses Delete on that square (the cursor comes back where it was), one fewer
    page.locator("[data-map-editor] svg").focus()
    with page.expect_navigation():
        page.keyboard.press("Delete")
    page.get_by_text("2 placed, 3 recorded: 1 fewer than recorded").first.wait_for()
    # and Enter puts it back
    page.locator("[data-map-editor] svg").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.get_by_text("3 points placed, as recorded").first.wait_for()

    # when she signs the session
    page.get_by_role("link", name="Back to the session").click()
    page.get_by_role("button", name="Sign session").click()
    page.get_by_text("Signed by").first.wait_for()
    draft.refresh_from_db()
    assert draft.is_signed
    # then the session page no longer offers placing points, and the map is frozen
    assert page.get_by_role("link", name="Place points on the map").count() == 0

    # and the chart shows the map of the session, three marks on the submental diagram
    page.goto(f"/patients/{draft.patient.public_id}/")
    page.locator("details.chart-map summary").first.click()
    chart_map = page.locator("details.chart-map svg.map-svg").first
    chart_map.wait_for()
    assert chart_map.get_attribute("data-diagram") == "submental"
    assert chart_map.locator("circle").count() == 3
