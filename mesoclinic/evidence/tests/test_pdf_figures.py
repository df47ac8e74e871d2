"""The evidence PDF's figures: vector paths for each drawable figure, a sentence otherwise."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from mesoclinic.evidence.figure_data import Figure
from mesoclinic.evidence.pdf import Block, report_pdf
from mesoclinic.evidence.pdf_figures import FigureDrawing
from mesoclinic.evidence.plots import Interval
from mesoclinic.evidence.tests.test_surfaces import _course

FOREST = Figure("forest", "intervals", "f", "Per-session effect by protocol", "Estimate and CI.", "cm per session", intervals=[Interval("Series A", -0.5, -0.9, -0.1), Interval("All protocols", -0.4, -0.6, -0.2)])  # fmt: skip
BARS = Figure("decomposition", "bars", "b", "Weight versus treatment", "Split.", "cm", bars=[("Naive change", -2.0), ("Weight change part", 0.3), ("Treatment part", -1.8), ("Residual", -0.5)])  # fmt: skip
LINES = Figure("trajectories", "trajectories", "t", "Change from baseline by sessions", "Lines.", "Change (cm)", lines=[[(0, 0.0), (1, -1.0), (2, -2.5)], [(0, 0.0), (2, -1.0)]], mean=[(0, 0.0, 0.0, 0.0), (1, -0.8, -1.2, -0.4), (2, -1.6, -2.4, -0.8)])  # fmt: skip


def _xref_ok(body: bytes) -> bool:
    start = int(body.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    rows = body[start:].split(b"\n")[3:]
    offsets = [int(r[:10]) for r in rows if r.endswith(b" n ")]
    return bool(offsets) and all(re.match(rb"\d+ 0 obj\n", body[o : o + 16]) for o in offsets)


def _page_streams(body: bytes) -> list[bytes]:
    return re.findall(rb"stream\n(.*?)\nendstream", body, flags=re.S)


def test_it_draws_each_figure_shape_as_paths_in_a_pdf_that_still_parses():
    # given a report with a forest plot, the decomposition bars and the trajectories
    blocks: list[Block] = [("h1", "t"), ("figure", FigureDrawing(FOREST)), ("figure", FigureDrawing(BARS)), ("figure", FigureDrawing(LINES))]  # fmt: skip
    # when it is written
    body = report_pdf("t", blocks)
    # then the cross-reference points at its objects and the figures are vector paths
    assert _xref_ok(body)
    stream = b"".join(_page_streams(body))
    assert stream.count(b" re f") == 2 + 4  # the forest's two squares and the four bars
    assert re.search(rb"\d m [\d. ]+ l [\d. ]+ l S", stream)  # a course line
    assert b" h f" in stream  # the model mean's band
    for title in (b"Per-session effect by protocol", b"Weight versus treatment", b"Series A"):
        assert b"(" + title + b")" in stream


def test_it_keeps_a_figure_whole_on_one_page():
    # given a page nearly filled with text, then a figure
    blocks: list[Block] = [("p", "word " * 900), ("figure", FigureDrawing(LINES))]
    # when it is written
    streams = _page_streams(report_pdf("t", blocks))
    # then the figure's title and its axis label are on the same (second) page
    assert len(streams) == 2
    assert b"(Change from baseline by sessions)" in streams[1]
    assert b"(Sessions completed before the reading)" in streams[1]
    assert b"(Change from baseline by sessions)" not in streams[0]


@pytest.mark.django_db
def test_it_draws_the_course_figures_in_the_researchers_pdf_without_identities(login, rita, alice):  # fmt: skip
    # given three Riverside cellulite courses of named patients
    patients = [_course(alice.clinic, alice.user, f"RV{i}") for i in range(3)]
    # when rita downloads the PDF
    response = login(rita).get(reverse("evidence:pdf", args=["cellulite"]) + "?outcome=circumference_cm")  # fmt: skip
    body = response.content
    # then it parses and draws the trajectories as paths, and says which figures are not drawn
    assert response.status_code == 200
    assert _xref_ok(body)
    stream = b"".join(_page_streams(body))
    assert b"(Change from baseline by sessions)" in stream
    assert re.search(rb"\d m [\d. ]+ l [\d. ]+ l [\d. ]+ l S", stream)
    assert b"Side effects per session is not drawn" in stream
    # and no name, MRN or date of birth is in it
    text = body.decode("latin-1")
    for patient in patients:
        for secret in (patient.mrn, patient.family_name, patient.given_name, "1980-05-17", str(patient.public_id)):  # fmt: skip
            assert secret not in text


@pytest.mark.django_db
def test_it_says_why_each_figure_is_missing_when_there_are_no_data(login, rita):
    # given no records, when rita downloads the PDF
    body = login(rita).get(reverse("evidence:pdf", args=["submental_fat"])).content
    stream = b"".join(_page_streams(body))
    # then no figure is drawn and each one's absence is explained
    assert b" re f" not in stream
    assert b" l S" not in stream
    for title in (b"Change from baseline by sessions", b"Weight versus treatment", b"Per-session effect by protocol", b"Side effects per session"):  # fmt: skip
        assert title + b" is not drawn" in stream


@pytest.mark.django_db
def test_it_shows_charlie_no_riverside_figure_in_the_pdf(login, alice, charlie):
    # given Riverside courses, when charlie at Hilltop downloads the cellulite PDF
    _course(alice.clinic, alice.user, "RV9")
    body = login(charlie).get(reverse("evidence:pdf", args=["cellulite"]) + "?outcome=circumference_cm").content  # fmt: skip
    # then no Riverside course is drawn
    stream = b"".join(_page_streams(body))
    assert b"Change from baseline by sessions is not drawn" in stream
    assert b" l S" not in stream
