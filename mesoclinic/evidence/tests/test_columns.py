"""The column reader gives the engine exactly the tables the export's rows give it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from django.db import connection

from mesoclinic.clinics.models import Clinic, Membership
from mesoclinic.evidence.figures import Tables
from mesoclinic.evidence.services import clinic_tables
from mesoclinic.evidence.site_reader import bundle_rows_tables
from mesoclinic.formulary.models import Lot, Product
from mesoclinic.patients.models import Patient
from mesoclinic.registry.bundle_writer import write_bundle
from mesoclinic.registry.exporter import clinic_rows
from mesoclinic.registry.synthetic import generate_bundle
from mesoclinic.registry.tests.helpers import run_import
from mesoclinic.safety.models import AdverseEvent
from mesoclinic.treatments.models import Injection, SessionArea, TreatmentSession

pytestmark = pytest.mark.django_db


def _canonical(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows in a fixed order, patients and sessions as their number of rows (codes follow
    row order; a session code of -1, no session, stays)."""
    rows = frame.assign(patient=frame.groupby("patient")["patient"].transform("size"))
    if "session_id" in rows.columns:
        sizes = rows.groupby("session_id")["session_id"].transform("size").to_numpy()
        rows = rows.assign(session_id=np.where(rows["session_id"].to_numpy() < 0, -1, sizes))
    return rows.sort_values(list(rows.columns)).reset_index(drop=True)


def _export_path(clinic: Clinic) -> Tables:
    """What the report read before the column reader: the export's rows as dicts."""
    return bundle_rows_tables(clinic_rows(clinic).bundle())


def _app_records(clinic: Clinic, alice: Membership, patient: Patient) -> None:
    """Sessions recorded in the app: UUID keys, an area only a line names, a session with
    no area at all (which the export leaves out, with an event's link to it), a late
    evening session in the clinic's zone."""
    product = Product.objects.create(clinic=clinic, name="Lipo PC")
    lot = Lot.objects.create(clinic=clinic, product=product, lot_number="A1", expiry_date=dt.date(2030, 1, 1))  # fmt: skip
    by_line = TreatmentSession.objects.create(clinic=clinic, patient=patient, performed_at=dt.datetime(2024, 5, 6, 23, 30, tzinfo=dt.UTC), indication="cellulite", practitioner=alice.user)  # fmt: skip
    for area, side in (("abdomen", "midline"), ("abdomen", "left"), ("flank", "left")):
        Injection.objects.create(clinic=clinic, session=by_line, area=area, side=side, product=product, lot=lot, volume_ml=Decimal("1.000"))  # fmt: skip
    SessionArea.objects.create(session=by_line, area="flank", side="right")
    empty = TreatmentSession.objects.create(clinic=clinic, patient=patient, performed_at=dt.datetime(2024, 6, 1, 9, 0, tzinfo=dt.UTC), indication="cellulite", practitioner=alice.user)  # fmt: skip
    for session in (by_line, empty, None):
        AdverseEvent.objects.create(clinic=clinic, patient=patient, session=session, event_type="bruising", onset_date=dt.date(2024, 6, 2), severity="mild", serious=session is None)  # fmt: skip


def test_it_reads_the_same_tables_as_the_export_rows(
    riverside: Clinic, hilltop: Clinic, alice: Membership, patient: Patient, tmp_path: Path
) -> None:
    # given imported registry rows in both clinics and records made in riverside's app
    for seed, clinic in ((31, riverside), (32, hilltop)):
        write_bundle(generate_bundle(seed=seed, patients=40), tmp_path / clinic.slug)
        run_import(tmp_path / clinic.slug, clinic.slug)
    _app_records(riverside, alice, patient)
    # when riverside's tables are read column by column and through the export's rows
    new, old = clinic_tables(riverside).normalised(), _export_path(riverside).normalised()
    # then the engine gets the same tables (on SQLite row for row; elsewhere rows that tie in
    # the query's order may come in another order, as they may between two exports), and
    # none of hilltop's rows
    for name in ("sessions", "measurements", "adverse_events"):
        if connection.vendor == "sqlite":
            pd.testing.assert_frame_equal(getattr(new, name), getattr(old, name))
        pd.testing.assert_frame_equal(_canonical(getattr(new, name)), _canonical(getattr(old, name)))  # fmt: skip
    assert new.n_patients_listed == old.n_patients_listed == 41
    assert len(new.sessions) > 100
    assert len(new.measurements) > 100
    assert set(new.adverse_events["serious"]) == {True, False}
    # and the same lines injected, their products named (the engine's session codes follow
    # row order, so elsewhere the lines are compared without them)
    if connection.vendor == "sqlite":
        pd.testing.assert_frame_equal(new.injections, old.injections)
    lines = [t.injections.drop(columns="session_id").sort_values(["area", "product", "volume_ml"]).reset_index(drop=True) for t in (new, old)]  # fmt: skip
    pd.testing.assert_frame_equal(*lines)
    assert "Lipo PC" in set(new.injections["product"])
    # the area only the lines name is one row beside the recorded area, the empty session none
    local_day = riverside.day_of(dt.datetime(2024, 5, 6, 23, 30, tzinfo=dt.UTC))
    from_app = new.sessions[new.sessions["day"] == (local_day - dt.date(1970, 1, 1)).days]
    assert sorted(zip(from_app["area"], from_app["side"], strict=True)) == [("abdomen", "midline"), ("flank", "right")]  # fmt: skip
