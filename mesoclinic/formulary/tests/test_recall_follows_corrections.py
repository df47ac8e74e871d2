"""Recall follows corrections: a signed line moved to another lot by an amendment is found
under the lot actually used (command, page, call list, lot page), not under the one first
recorded."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mesoclinic.treatments.corrections import correct_line
from mesoclinic.treatments.models import Injection
from mesoclinic.treatments.tests.conftest import make_lot
from mesoclinic.treatments.tests.correction_helpers import changed, signed_with_line

from .test_recall import run

pytestmark = pytest.mark.django_db


@pytest.fixture
def corrected(draft, alice, pcdc, pcdc_lot):
    """Maria's signed 4 mL line named PC-001; it was corrected to 3 mL of PC-002."""
    line = signed_with_line(draft, alice, pcdc_lot)
    right = make_lot(pcdc, "PC-002")
    correct_line(line, alice, "Vial label checked", changed(line, lot=right, volume_ml=Decimal(3)))
    return right


def test_it_lists_the_patient_under_the_corrected_lot_in_the_command(corrected):
    # when the command is run for each lot
    new = json.loads(run("--clinic", "riverside", "--lot", "PC-002", "--json"))
    old = json.loads(run("--clinic", "riverside", "--lot", "PC-001", "--json"))
    # then Maria is exposed to PC-002 with the corrected volume, and not to PC-001
    assert [p["patient_id"] for p in new["patients"]] == ["RV000001"]
    session = new["patients"][0]["sessions"][0]
    assert session["volume_ml"] == "3.000"
    assert [i["lot"] for i in session["injections"]] == ["PC-002"]
    assert old["patient_count"] == 0


def test_it_lists_the_patient_under_the_corrected_lot_on_the_page_and_call_list(
    login, alice, corrected
):
    # when the practitioner searches both lots, and downloads the call lists
    client = login(alice)
    new_page = client.get(reverse("recall:search"), {"lot": "PC-002"}).content.decode()
    old_page = client.get(reverse("recall:search"), {"lot": "PC-001"}).content.decode()
    new_csv = client.get(reverse("recall:call_list"), {"lot": "PC-002"}).content.decode()
    old_csv = client.get(reverse("recall:call_list"), {"lot": "PC-001"}).content.decode()
    # then Maria is on PC-002's page and list only
    assert "Maria Lopez" in new_page
    assert "Maria Lopez" not in old_page
    assert [r["mrn"] for r in csv.DictReader(io.StringIO(new_csv))] == ["RV000001"]
    assert list(csv.DictReader(io.StringIO(old_csv))) == []


def test_it_counts_the_corrected_line_in_the_lot_usage(login, alice, pcdc_lot, corrected):
    # when each lot's page is opened
    client = login(alice)
    new = client.get(reverse("formulary:lot_detail", args=[corrected.public_id]))
    old = client.get(reverse("formulary:lot_detail", args=[pcdc_lot.public_id]))
    # then the line counts on PC-002 (3 mL signed) and no longer on PC-001
    assert new.context["usage"]["lines"] == 1
    assert new.context["usage"]["signed_ml"] == Decimal(3)
    assert old.context["usage"]["lines"] == 0


def test_it_still_reads_the_lot_in_one_query_with_corrections(corrected):
    # when the recall query runs on a lot whose lines include a correction
    with CaptureQueriesContext(connection) as queries:
        run("--clinic", "riverside", "--lot", "PC-002", "--json")
    # then still one query for the injection rows (clinic, lot, rows, audit)
    # (the audit event is one transaction of five: BEGIN, lock its chain's head, insert,
    # move the head, COMMIT)
    assert len(queries) <= 9
    assert Injection.objects.count() == 2
