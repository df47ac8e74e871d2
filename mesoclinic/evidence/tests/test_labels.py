"""The evidence pages speak in labels: no storage code (``circumference_cm``,
``nerve_injury``), no developer's section number ("§2.7") or file name reaches the reader."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.urls import reverse

from mesoclinic.safety.models import AdverseEvent

from .test_surfaces import _course

pytestmark = pytest.mark.django_db

CODE = re.compile(r"\b[a-z]+_[a-z0-9_]+\b|§\s*\d|\b[\w-]+\.md\b")


def _reader_text(body: str) -> str:
    """What the reader sees: the page's text, without markup, scripts and cited URLs."""
    main = body.split('<main id="main"', 1)[-1]
    main = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", main, flags=re.S)
    text = html.unescape(re.sub(r"<[^>]+>", " ", main))
    return re.sub(r"https?://\S+", " ", text)


def test_it_shows_labels_and_no_codes_on_the_evidence_pages(login, alice):
    # given a cellulite course with a nerve injury after one of its sessions
    patient = _course(alice.clinic, alice.user, "RV5")
    session = patient.sessions.order_by("performed_at").first()
    AdverseEvent.objects.create(
        clinic=alice.clinic,
        patient=patient,
        session=session,
        event_type="nerve_injury",
        onset_date=dt.date(2025, 1, 7),
        severity="moderate",
        serious=True,
    )
    client = login(alice)
    urls = [
        reverse("evidence:indication", args=["cellulite"]),
        reverse("evidence:indication", args=["cellulite"]) + "?outcome=circumference_cm",
        reverse("evidence:indication", args=["cellulite"]) + "?area=thigh_outer",
        reverse("evidence:print", args=["cellulite"]) + "?area=thigh_outer",
        reverse("evidence:indication", args=["musculoskeletal_pain"]),
    ]
    for url in urls:
        # when each page is opened
        response = client.get(url)
        text = _reader_text(response.content.decode())
        # then its text holds no storage code or section number
        assert response.status_code == 200
        assert CODE.findall(text) == [], url
    # and the side effect, the outcome set and the responder limitation read in words
    page = _reader_text(client.get(urls[1]).content.decode())
    assert "Nerve injury" in page
    assert "Photonumeric Cellulite Severity Scale (clinician-rated)" in page
    assert "Circumference has no validated minimal clinically important difference" in page
    printed = _reader_text(client.get(urls[3]).content.decode())
    assert "area: Outer thigh" in printed
