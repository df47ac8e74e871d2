"""The evidence PDF's figures: each drawn once as vector paths, a sentence when too few data."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from mesoclinic.charts.estimates import Interval
from mesoclinic.evidence.figure_data import Figure
from mesoclinic.evidence.pdf import Block, report_pdf
from mesoclinic.evidence.tests.pdf_reading import (  # fmt: skip
    PAINT_OPS,
    course,
    images,
    operators,
    page_texts,
)

FOREST = Figure("forest", "intervals", "f", "Per-session effect by protocol", "Estimate and CI.", "cm per session", intervals=[Interval("Protokół Łódź", -0.5, -0.9, -0.1), Interval("Протокол Б", -0.3, -0.6, 0.0), Interval("All protocols", -0.4, -0.6, -0.2)])  # fmt: skip
BARS = Figure("decomposition", "bars", "b", "Weight versus treatment", "Split.", "cm", bars=[("Naive change", -2.0), ("Weight change part", 0.3), ("Treatment part", -1.8), ("Residual", -0.5)])  # fmt: skip
LINES = Figure("trajectories", "trajectories", "t", "Change from baseline by sessions", "Lines.", "Change (cm)", lines=[[(0, 0.0), (1, -1.0), (2, -2.5)], [(0, 0.0), (2, -1.0)]], mean=[(0, 0.0, 0.0, 0.0), (1, -0.8, -1.2, -0.4), (2, -1.6, -2.4, -0.8)])  # fmt: skip
TITLES = ("Per-session effect by protocol", "Weight versus treatment", "Change from baseline by sessions")  # fmt: skip
MISSING = ("Change from baseline by sessions", "Weight versus treatment", "Per-session effect by protocol", "Side effects per session")  # fmt: skip


def _cellulite_pdf(client: Client) -> bytes:
    return client.get(reverse("evidence:pdf", args=["cellulite"]) + "?outcome=circumference_cm").content  # fmt: skip


def test_it_draws_each_figure_once_as_vector_paths_not_pictures():
    # given a report with a forest plot, the decomposition bars and the trajectories
    blocks: list[Block] = [("h1", "t"), ("figure", FOREST), ("figure", BARS), ("figure", LINES)]
    # when it is written and parsed
    body = report_pdf("t", blocks)
    text = "".join(page_texts(body))
    ops = operators(body)
    # then each figure's title is printed once, with its row labels in their own letters
    for title in TITLES:
        assert text.count(title) == 1
    assert "Protokół Łódź" in text
    assert "Протокол Б" in text
    # and the figures are paths: rectangles for the three squares and four bars, lines painted
    assert images(body) == 0
    assert ops[b"re"] >= 3 + 4
    assert ops[b"l"] >= 5
    assert sum(ops[op] for op in PAINT_OPS) >= ops[b"re"]
    assert ops[b"Do"] == 0  # nothing pasted in from an image or a form


def test_it_keeps_a_figure_whole_on_one_page_with_its_heading():
    # given a page nearly filled with text, then a heading and a figure
    blocks: list[Block] = [("p", "word " * 700), ("h2", "Figures"), ("figure", LINES)]
    # when it is written
    pages = page_texts(report_pdf("t", blocks))
    # then the heading, the figure's title and its axis label are together on the second page
    assert len(pages) == 2
    assert "Figures" not in pages[0]
    assert "Change from baseline by sessions" not in pages[0]
    for text in ("Figures", "Change from baseline by sessions", "Sessions completed before the reading"):  # fmt: skip
        assert text in pages[1]


@pytest.mark.django_db
def test_it_draws_the_course_figures_in_the_researchers_pdf(login, rita, alice):
    # given three Riverside cellulite courses
    for i in range(3):
        course(alice.clinic, alice.user, f"RV{i}", protocol="Series A", slope_cm=1 + i / 4)
    # when rita downloads the PDF
    body = _cellulite_pdf(login(rita))
    text = "".join(page_texts(body))
    # then the trajectories are drawn once as painted paths, the rest says why it is not drawn
    assert text.count("Change from baseline by sessions") == 1
    assert "Sessions completed before the reading" in text
    assert operators(body)[b"S"] >= 3
    assert "Side effects per session is not drawn" in text
    assert images(body) == 0


@pytest.mark.django_db
def test_it_says_why_each_figure_is_missing_when_there_are_no_data(login, rita):
    # given no records, when rita downloads the PDF
    body = login(rita).get(reverse("evidence:pdf", args=["submental_fat"])).content
    ops = operators(body)
    text = "".join(page_texts(body))
    # then nothing is drawn and each figure's absence is explained once
    assert ops[b"re"] == 0
    assert sum(ops[op] for op in PAINT_OPS) == 0
    for title in MISSING:
        assert text.count(f"{title} is not drawn") == 1


@pytest.mark.django_db
def test_it_shows_charlie_no_riverside_figure_in_the_pdf(login, alice, charlie):
    # given Riverside courses, when charlie at Hilltop downloads the cellulite PDF
    course(alice.clinic, alice.user, "RV9", protocol="Series A", slope_cm=1)
    body = _cellulite_pdf(login(charlie))
    # then no Riverside course is drawn
    assert "Change from baseline by sessions is not drawn" in "".join(page_texts(body))
    assert sum(operators(body)[op] for op in PAINT_OPS) == 0
