"""The inline SVG plot: a pure function from (date, value, series) to SVG."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

import pytest

from mesoclinic.charts.lines import Box, date_ticks, place, render_line_plot, value_axis

SVG = "{http://www.w3.org/2000/svg}"


def _points() -> list[tuple[dt.date, float, str]]:
    return [
        (dt.date(2025, 3, 1), 92.0, "Body weight"),
        (dt.date(2025, 1, 1), 90.0, "Body weight"),
        (dt.date(2025, 2, 1), 95.0, "Body weight"),
    ]


def test_it_places_later_dates_further_right():
    # given points passed out of date order
    placed = place(_points())
    # when they are sorted by date, then their x coordinates increase
    by_date = sorted(placed, key=lambda p: p.on)
    xs = [p.x for p in by_date]
    assert xs == sorted(xs)
    assert len(set(xs)) == 3


def test_it_scales_a_single_series_to_the_plot_box():
    # given one series
    box = Box()
    placed = place(_points(), box)
    # then every point lies inside the box, the first date on its left edge, the last on
    # its right edge, and the highest value above the lowest
    for p in placed:
        assert box.left <= p.x <= box.right
        assert box.top <= p.y <= box.bottom
    assert min(p.x for p in placed) == box.left
    assert max(p.x for p in placed) == box.right
    highest = max(placed, key=lambda p: p.value)
    lowest = min(placed, key=lambda p: p.value)
    assert highest.y < lowest.y


def test_it_draws_the_polyline_in_date_order():
    svg = render_line_plot(_points(), title="Body weight", desc="d", y_label="Weight (kg)")
    root = ET.fromstring(svg)
    line = root.find(f"{SVG}polyline")
    assert line is not None
    xs = [float(pair.split(",")[0]) for pair in line.get("points", "").split()]
    assert xs == sorted(xs)


def test_it_is_accessible_svg_with_title_and_description():
    svg = render_line_plot(
        _points(), title="Weight <kg>", desc="three values", y_label="Weight (kg)", ident="w"
    )
    root = ET.fromstring(svg)  # well-formed: text is escaped
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "w-title w-desc"
    assert root.findtext(f"{SVG}title") == "Weight <kg>"
    assert root.findtext(f"{SVG}desc") == "three values"
    assert "2025-01-01" in svg
    assert "Date" in svg


def test_it_dashes_control_series_and_not_treated_ones():
    points = [
        (dt.date(2025, 1, 1), 80, "Abdomen left · treated"),
        (dt.date(2025, 2, 1), 78, "Abdomen left · treated"),
        (dt.date(2025, 1, 1), 80, "Abdomen right · untreated control"),
        (dt.date(2025, 2, 1), 80, "Abdomen right · untreated control"),
    ]
    svg = render_line_plot(
        points, title="t", desc="d", y_label="cm", dashed={"Abdomen right · untreated control"}
    )
    lines = ET.fromstring(svg).findall(f"{SVG}polyline")
    assert [line.get("stroke-dasharray") for line in lines] == [None, "6 4"]


def test_it_refuses_to_draw_nothing():
    with pytest.raises(ValueError, match="at least one point"):
        render_line_plot([], title="t", desc="d", y_label="kg")


def test_it_puts_the_value_axis_on_round_numbers_around_the_data():
    lower, upper, ticks = value_axis([71.3, 88.2])
    assert lower <= 71.3
    assert upper >= 88.2
    steps = {round(b - a, 6) for a, b in zip(ticks, ticks[1:], strict=False)}
    assert len(steps) == 1
    assert all(re.fullmatch(r"-?\d+(\.0|\.5)?", f"{t:g}") for t in ticks)


def test_it_labels_at_most_five_dates():
    days = [dt.date(2025, 1, 1) + dt.timedelta(days=7 * i) for i in range(12)]
    ticks = date_ticks(days)
    assert len(ticks) == 5
    assert ticks[0] == days[0]
    assert ticks[-1] == days[-1]
