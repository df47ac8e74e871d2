"""Every chart's text has a contrast that can be verified: the SVG paints its own background and
gives each label its colour, and that pair meets WCAG 1.4.3 (4.5:1). An automated checker such
as axe cannot resolve colours inside an inline SVG, so this test is the check."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from mesoclinic.charts.estimates import Interval, bar_plot, interval_plot, trajectory_plot
from mesoclinic.charts.lines import render_line_plot
from tests.contrast import contrast

SVG = "{http://www.w3.org/2000/svg}"


def _charts() -> dict[str, str]:
    kw: dict[str, Any] = {"ident": "c", "title": "A chart", "desc": "What it shows"}
    return {
        "line": render_line_plot(
            [(dt.date(2025, 1, 1), 90.0, "Body weight"), (dt.date(2025, 3, 1), 88.0, "Body weight"),
             (dt.date(2025, 1, 1), 80.0, "Waist"), (dt.date(2025, 3, 1), 79.0, "Waist")],
            y_label="kg", **kw,
        ),
        "interval": interval_plot([Interval("Thighs", -1.5, -2.5, -0.5)], x_label="cm", **kw),
        "bar": bar_plot([("Bruising", 0.4), ("Nodule", 0.05)], x_label="share", **kw),
        "trajectory": trajectory_plot(
            [[(0, 0.0), (1, -1.0)]], [(0, 0.0, -0.5, 0.5), (1, -1.2, -1.8, -0.6)], y_label="cm", **kw
        ),
    }  # fmt: skip


@pytest.mark.parametrize("name", sorted(_charts()))
def test_it_gives_every_label_an_ink_of_4_5_to_1_on_the_charts_own_paper(name):
    # given a chart as the pages draw it
    root = ET.fromstring(_charts()[name])
    # then its first shape is a background covering the whole drawing
    paper = next(el for el in root if el.tag not in (f"{SVG}title", f"{SVG}desc"))
    assert paper.tag == f"{SVG}rect"
    assert (paper.get("width"), paper.get("height")) == ("100%", "100%")
    texts = list(root.iter(f"{SVG}text"))
    assert texts, "a chart without labels proves nothing"
    for text in texts:
        # and every label names its colour, readable on that background
        ink = text.get("fill")
        assert ink, f"label {text.text!r} has no fill of its own"
        assert contrast(ink, paper.get("fill", "")) >= 4.5, (text.text, ink, paper.get("fill"))
