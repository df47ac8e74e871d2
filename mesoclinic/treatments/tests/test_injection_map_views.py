"""The injection map pages for each persona: placing and removing by the plain forms, the
signed map on the session page and the printed summary, amending it, and who is refused."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from mesoclinic.audit.models import AuditEvent
from mesoclinic.formulary.models import Lot
from mesoclinic.treatments.injection_map import Mark, place_point
from mesoclinic.treatments.injection_map_models import InjectionMapPoint
from mesoclinic.treatments.models import Injection, SessionArea, TreatmentSession

from .correction_helpers import add_line, sign

pytestmark = pytest.mark.django_db


def _submental(session: TreatmentSession, lot: Lot, points: int = 2) -> Injection:
    SessionArea.objects.create(session=session, area="submental", side="midline")
    return add_line(session, lot, area="submental", side="midline", points=points)


def _place(
    client: Client,
    session: TreatmentSession,
    line: Injection,
    x: str = "0.5",
    y: str = "0.4",
    diagram: str = "submental",
    kind: str = "point",
) -> Any:
    return client.post(
        reverse("treatments:map_place", args=[session.public_id]),
        {"line": str(line.public_id), "diagram": diagram, "x": x, "y": y, "kind": kind},
    )


def test_it_lets_a_nurse_place_and_remove_points_without_javascript(login, nina, draft, pcdc_lot):
    # given a draft line at the submental area, and nina signed in
    line = _submental(draft, pcdc_lot, 2)
    client = login(nina)
    # when she opens the map and places a point by typing its position
    page = client.get(reverse("treatments:map", args=[draft.public_id]))
    response = _place(client, draft, line)
    # then the page offered the line and diagram, the point is stored and audited
    assert page.status_code == 200
    assert 'name="x"' in page.content.decode()
    assert response.status_code == 302
    point = InjectionMapPoint.objects.get()
    assert (point.diagram, point.x, point.y) == ("submental", Decimal("0.5"), Decimal("0.4"))
    assert AuditEvent.objects.filter(
        detail=f"injection map point placed {point.public_id}"
    ).exists()
    # and when she removes it, it is gone
    client.post(
        reverse("treatments:map_remove", args=[draft.public_id]), {"point": str(point.public_id)}
    )
    assert not InjectionMapPoint.objects.exists()


def test_it_keeps_what_was_typed_when_a_position_is_off_the_diagram(login, nina, draft, pcdc_lot):
    # given a draft line
    line = _submental(draft, pcdc_lot)
    client = login(nina)
    # when a position beyond the edge is posted
    response = _place(client, draft, line, x="1.7", y="0.25")
    # then the form is shown again with the message and the values typed, nothing stored
    html = response.content.decode()
    assert response.status_code == 200
    assert "1.7" in html
    assert "0.25" in html
    assert 'class="errorlist"' in html
    assert not InjectionMapPoint.objects.exists()


def test_it_shows_the_signed_map_and_the_point_count_on_the_session_page_and_summary(
    login, alice, draft, pcdc_lot
):
    # given a signed session whose line records 3 points, 2 placed
    line = _submental(draft, pcdc_lot, 3)
    place_point(draft, line, Mark("submental", Decimal("0.4"), Decimal("0.4"), "point"))
    place_point(draft, line, Mark("submental", Decimal("0.6"), Decimal("0.4"), "point"))
    sign(draft, alice)
    client = login(alice)
    # when the session page and the printable summary are opened
    detail = client.get(reverse("treatments:detail", args=[draft.public_id])).content.decode()
    summary = client.get(reverse("treatments:summary", args=[draft.public_id])).content.decode()
    # then both draw the submental diagram with the two marks and say one point is missing
    for html in (detail, summary):
        assert "treatments/diagrams/submental" in html
        assert html.count('<circle cx="400" cy="400"') == 1
        assert "2 placed, 3 recorded: 1 fewer than recorded" in html


def test_it_offers_the_map_on_the_chart_and_draws_it_only_when_opened(
    login, alice, draft, pcdc_lot
):
    # given a signed session with two points on the submental diagram, and one without a map
    line = _submental(draft, pcdc_lot, 2)
    place_point(draft, line, Mark("submental", Decimal("0.4"), Decimal("0.4"), "point"))
    place_point(draft, line, Mark("submental", Decimal("0.6"), Decimal("0.4"), "point"))
    sign(draft, alice)
    client = login(alice)
    # when the chart is opened
    chart = client.get(reverse("patient_chart", args=[draft.patient.public_id])).content.decode()
    # then it offers the session's map, to load when opened, but does not draw it
    fragment_url = reverse("treatments:map_fragment", args=[draft.public_id])
    assert chart.count('<details class="chart-map"') == 1
    assert f'hx-get="{fragment_url}"' in chart
    assert "treatments/diagrams/submental" not in chart
    # and when the map is opened, the fragment draws both marks, and the view is audited
    fragment = client.get(fragment_url, headers={"HX-Request": "true"}).content.decode()
    assert "treatments/diagrams/submental" in fragment
    assert fragment.count('<circle cx="400" cy="400"') == 1
    assert fragment.count('<circle cx="600" cy="400"') == 1
    assert "<html" not in fragment
    assert AuditEvent.objects.filter(
        action="view", object_id=str(draft.public_id), detail="injection map"
    ).exists()
    # and opened as a page of its own (a new tab, no script), it leads to the session's page
    opened = client.get(fragment_url)
    assert opened.status_code == 302
    assert opened["Location"] == reverse("treatments:detail", args=[draft.public_id])


def test_it_refuses_placing_on_a_signed_session_and_records_an_amendment_instead(
    login, alice, draft, pcdc_lot
):
    # given a signed session with one point
    line = _submental(draft, pcdc_lot, 1)
    place_point(draft, line, Mark("submental", Decimal("0.4"), Decimal("0.4"), "point"))
    sign(draft, alice)
    client = login(alice)
    # when alice tries to place a point, then amends the map
    _place(client, draft, line)
    url = reverse("treatments:map_amend", args=[draft.public_id])
    form = client.get(url).content.decode()
    response = client.post(
        f"{url}?line={line.public_id}",
        {"line": str(line.public_id), "marks": "submental 0.450 0.400 point", "reason": "Moved"},
    )
    # then nothing was placed, the amendment form offered the map as signed, and the
    # amendment keeps the signed point beside the amended one
    assert "submental 0.400 0.400 point" in form
    assert response.status_code == 302
    session = TreatmentSession.objects.get(pk=draft.pk)
    assert session.amendments.count() == 1
    stored = InjectionMapPoint.objects.order_by("id")
    assert [(p.x, p.amendment_id is None) for p in stored] == [
        (Decimal("0.4"), True),
        (Decimal("0.45"), False),
    ]
    detail = client.get(reverse("treatments:detail", args=[draft.public_id])).content.decode()
    assert "Map as signed" in detail


def test_it_never_shows_the_map_to_reception_or_another_clinic(
    login, bob, charlie, draft, pcdc_lot
):
    # given a draft line with a point
    line = _submental(draft, pcdc_lot)
    place_point(draft, line, Mark("submental", Decimal("0.4"), Decimal("0.4"), "point"))
    pages = [
        reverse(name, args=[draft.public_id])
        for name in (
            "treatments:map",
            "treatments:summary",
            "treatments:map_amend",
            "treatments:map_fragment",
        )
    ]
    for member, refused in ((bob, {403, 404}), (charlie, {403, 404})):
        client = login(member)
        # when reception or another clinic's practitioner opens the map pages or places one
        answers = [client.get(url).status_code for url in pages]
        answers.append(_place(client, draft, line, x="0.1").status_code)
        # then every one is refused and nothing was placed
        assert set(answers) <= refused, (member, answers)
    assert InjectionMapPoint.objects.count() == 1


def test_it_places_nothing_for_a_line_that_is_not_the_session_s(login, nina, draft, pcdc_lot):
    # given a draft line, and a line id that is not one of the session's
    line = _submental(draft, pcdc_lot)
    client = login(nina)
    stranger = Injection(public_id=uuid.uuid4())
    # when a point is posted for the unknown line, or with no line at all
    answers = [_place(client, draft, stranger).status_code]
    answers.append(
        client.post(
            reverse("treatments:map_place", args=[draft.public_id]),
            {"diagram": "submental", "x": "0.5", "y": "0.5", "kind": "point"},
        ).status_code
    )
    # then nothing is placed (the page says why), on the session's line or anywhere
    assert answers == [302, 302]
    assert not InjectionMapPoint.objects.filter(line=line).exists()
    assert not InjectionMapPoint.objects.exists()
