"""The evidence PDF as a reader gets it: Unicode text, wrapped lines, numbered pages, no identity."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from mesoclinic.evidence.pdf import STYLES, Block, ReportPDF, report_pdf
from mesoclinic.evidence.tests.pdf_reading import course, page_texts, read

POLISH, CYRILLIC = "Protokół Łódź", "Протокол «Лёгкий» ёжик"


def _words(body: bytes) -> str:
    """The PDF's text with line breaks and runs of spaces as single spaces."""
    return " ".join(" ".join(page_texts(body)).split())


def _pdf_url(indication: str, **query: str) -> str:
    return reverse("evidence:pdf", args=[indication]) + "?" + urlencode(query)


@pytest.mark.django_db
def test_it_prints_polish_and_cyrillic_protocol_names_as_recorded(login, alice, rita):
    # given Riverside cellulite courses under a Polish and a Cyrillic protocol name
    course(alice.clinic, alice.user, "PL1", protocol=POLISH, slope_cm=1)
    course(alice.clinic, alice.user, "RU1", protocol=CYRILLIC, slope_cm=1)
    client = login(rita)
    # when rita downloads the report of each protocol
    texts = {name: _words(client.get(_pdf_url("cellulite", outcome="circumference_cm", protocol=name)).content) for name in (POLISH, CYRILLIC)}  # fmt: skip
    # then a PDF parser reads each name back letter for letter (the old writer printed "?")
    assert f"protocol: {POLISH}" in texts[POLISH]
    assert f"protocol: {CYRILLIC}" in texts[CYRILLIC]


def test_it_wraps_lines_by_the_real_width_of_their_glyphs():
    # given two paragraphs of as many characters: narrow glyphs, then wide ones
    narrow, wide = " ".join(["ill"] * 300), " ".join(["WWW"] * 300)
    # when each is written
    narrow_lines = page_texts(report_pdf("t", [("p", narrow)]))[0].splitlines()
    wide_lines = page_texts(report_pdf("t", [("p", wide)]))[0].splitlines()
    # then the narrow text packs far more words on a line, and no wide line overruns the column
    assert len(narrow_lines) * 2 < len(wide_lines)
    measure = ReportPDF("t")
    measure.use_font(STYLES["p"][1])
    body_lines = [line for line in wide_lines if line.startswith("WWW")]
    assert body_lines
    assert all(
        measure.get_string_width(line) <= measure.text_width_pt + 0.01 for line in body_lines
    )
    assert max(measure.get_string_width(line) for line in body_lines) > 0.9 * measure.text_width_pt


def test_it_numbers_every_page_with_the_page_count():
    # given a report longer than a page
    body = report_pdf("Evidence report: Cellulite", [("h1", "Evidence report: Cellulite")] + [("p", "word " * 300)] * 12)  # fmt: skip
    # when a parser reads it
    pages = page_texts(body)
    # then each page's footer carries its number and the number of pages there are
    assert len(pages) == len(read(body).pages) >= 3
    for number, text in enumerate(pages, start=1):
        assert f"Evidence report: Cellulite · page {number} of {len(pages)}" in text


def test_it_never_ends_a_page_with_a_heading():
    # given sections of one to twelve lines each under a heading, so headings fall at every
    # height of the page, the foot included
    blocks: list[Block] = []
    for n in range(1, 40):
        blocks += [("h2", f"Section {n}"), ("p", f"Opening {n}")] + [("p", "line")] * (n % 13)
    # when it is written and read
    pages = page_texts(report_pdf("t", blocks))
    # then each heading is printed on the page of its first line
    assert len(pages) >= 5
    for n in range(1, 40):
        page = next(text for text in pages if f"Section {n}\n" in text)
        assert f"Opening {n}\n" in page


@pytest.mark.django_db
def test_it_keeps_patient_identity_out_of_the_researchers_pdf(login, alice, rita):
    # given Riverside courses of patients with Latin and Cyrillic names
    patients = [course(alice.clinic, alice.user, f"RV{i}", protocol="Series A", slope_cm=1, names=names) for i, names in enumerate([("Zelda", "Quarrington"), ("Ирина", "Смирнова")])]  # fmt: skip
    # when rita downloads the PDF
    response = login(rita).get(_pdf_url("cellulite", outcome="circumference_cm"))
    reader = read(response.content)
    text = "".join(page.extract_text() for page in reader.pages)
    # then it counts them, and no name, MRN, date of birth or record id is in its text or metadata
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "2 patients, 2 courses" in text
    metadata = " ".join(str(v) for v in (reader.metadata or {}).values())
    for patient in patients:
        for secret in (patient.mrn, patient.given_name, patient.family_name, "1980-05-17", str(patient.public_id)):  # fmt: skip
            assert secret not in text
            assert secret not in metadata
    assert re.search(r"page 1 of \d+", text)
