"""The pooled report's streamed bundle reader (site_reader, DuckDB): the same tables and the
same pooled estimates as the registry reader's path, and a malformed bundle still refused with
the registry reader's ``file:line:column`` error (issue 16, part 3, scale)."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from mesoclinic.evidence import site_reader
from mesoclinic.evidence.pooled_report import pooled_report
from mesoclinic.evidence.pooled_synthetic import SitesConfig, bundle_zip, generate_sites
from mesoclinic.evidence.site_reader import default_today, read_site, registry_tables

QUESTION: dict[str, Any] = {
    "indication": "localized_fat",
    "area": None,
    "outcome": "circumference_cm",
}


@pytest.fixture(scope="module")
def bundles(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    planted = generate_sites(SitesConfig(sites=3, tau_cm=0.2, patients_low=40, patients_high=60, session_prices=(250.0, 300.0), currencies=("EUR", "GBP"), dose_ml=4.0, dose_slope_cm_per_ml=-0.05), np.random.default_rng(7))  # fmt: skip
    folder = tmp_path_factory.mktemp("sites")
    paths = []
    for (name, _tables), bundle in zip(planted.sites, planted.bundles, strict=True):
        path = folder / f"{name}.zip"
        path.write_bytes(bundle_zip(bundle))
        paths.append(path)
    return paths


def _folder(bundle: Path, target: Path, edit: tuple[str, str, str] | None = None) -> tuple[Path, int]:  # fmt: skip
    """The bundle unpacked into ``target``; ``edit``: (file, pattern, replacement) applied to
    the first data line the pattern matches. Returns the folder and that line's number."""
    target.mkdir()
    changed = 0
    with zipfile.ZipFile(bundle) as archive:
        for name in archive.namelist():
            lines = archive.read(name).decode().split("\n")
            if edit and name == edit[0]:
                changed = next(i for i, text in enumerate(lines[1:], start=2) if re.search(edit[1], text))  # fmt: skip
                lines[changed - 1] = re.sub(edit[1], edit[2], lines[changed - 1], count=1)
            (target / name).write_text("\n".join(lines))
    return target, changed


def test_it_reads_the_tables_the_registry_reader_gives(bundles):
    # given three sites' bundles
    for path in bundles:
        # when each is read by the streamed reader and by the registry reader
        fast = read_site(path).normalised()
        full = registry_tables(path, today=default_today()).normalised()
        # then the engine's tables are the same, cell for cell
        for table in ("sessions", "measurements", "adverse_events"):
            assert getattr(fast, table).equals(getattr(full, table)), table
        assert fast.n_patients_listed == full.n_patients_listed


def test_it_pools_the_streamed_sites_as_the_tables_read_whole(bundles):
    # given the sites as functions that read them when their turn comes
    streamed = [(p.stem, partial(read_site, p)) for p in bundles]
    whole = [(p.stem, registry_tables(p, today=default_today())) for p in bundles]
    # when the pooled report is computed from each
    fast = pooled_report(streamed, **QUESTION)
    expected = pooled_report(whole, **QUESTION)
    # then every figure is the same (the estimates are rounded to 1e-6 by the engine, and
    # equal here, not only close)
    assert fast == expected
    assert fast["per_session_effect"]["sites"] == 3


def test_it_reduces_sites_in_worker_processes_to_the_same_report(bundles):
    # given the streamed sites
    streamed = [(p.stem, partial(read_site, p)) for p in bundles]
    # when two worker processes reduce them
    parallel = pooled_report(streamed, workers=2, **QUESTION)
    # then the report is the one a single process gives
    assert parallel == pooled_report(streamed, **QUESTION)


def test_it_reads_a_row_of_empty_cells_as_the_registry_reader_skips_it(bundles, tmp_path: Path):
    # given a bundle whose measurements have a row of empty cells (a spreadsheet's leftover)
    folder, _ = _folder(bundles[0], tmp_path / "site", ("measurements.csv", r"$", "\n,,,,,,,"))
    # when it is read
    tables = read_site(folder).normalised()
    # then the row is skipped, as the registry reader skips it
    expected = registry_tables(folder, today=default_today()).normalised()
    assert tables.measurements.equals(expected.measurements)


# (file, pattern, replacement, the column the registry reader's error names)
MALFORMED = [
    ("measurements.csv", r",circumference_cm,[0-9.]+,", ",circumference_cm,5,", "value"),
    ("measurements.csv", r",weight_kg,[0-9.]+,", ",weight_kg,1000,", "value"),
    ("measurements.csv", r",circumference_cm,[0-9.]+,", ",circumference_cm,80.125,", "value"),
    ("measurements.csv", r",hexsel_css,|,circumference_cm,[0-9.]+,", ",circumference_cm,8o,", "value"),
    ("measurements.csv", r"^P", "X", "patient_id"),
    ("measurements.csv", r"weight_kg", "weight_lb", "kind"),
    ("measurements.csv", r"-", "/", "date"),
    ("measurements.csv", r",flank,", ",,", "area"),
    ("measurements.csv", r",weight_kg,([0-9.]+),", r",weight_kg,\1,flank,", "-"),
    ("sessions.csv", r"localized_fat", "fat", "indication"),
    ("sessions.csv", r"^S([0-9]+)", r"S\1 ", "session_id"),
    ("sessions.csv", r"[0-9]{4}-[0-9]{2}-[0-9]{2}", "2023-02-30", "date"),
    ("adverse_events.csv", r",false$", ",no", "serious"),
    ("adverse_events.csv", r",mild,", ",slight,", "severity"),
    ("adverse_events.csv", r",S[0-9]+,", ",S9999999,", "session_id"),
    ("patients.csv", r",f,", ",q,", "sex"),
    ("sessions.csv", r",(EUR|GBP)$", ",eur", "currency"),
    ("sessions.csv", r",[0-9.]+,(EUR|GBP)$", ",-5,EUR", "price"),
    ("sessions.csv", r",(EUR|GBP)$", ",", "currency"),
    ("injections.csv", r",[0-9.]+$", ",0", "volume_ml"),
    ("injections.csv", r"^S[0-9]+,", "S9999999,", "session_id"),
    ("injections.csv", r",flank,", ",arm,", "area"),
]  # fmt: skip


@pytest.mark.parametrize(("file", "pattern", "replacement", "column"), MALFORMED)
def test_it_refuses_a_malformed_bundle_with_the_registry_readers_error(bundles, tmp_path: Path, file, pattern, replacement, column):  # fmt: skip
    # given a bundle with one bad cell (or row)
    folder, line = _folder(bundles[0], tmp_path / "site", (file, pattern, replacement))
    # when the streamed reader reads it, then its own checks refuse it
    files = site_reader._files(folder, tmp_path)
    assert files is not None
    assert site_reader._read(files, default_today()) is None
    # and the error is the registry reader's, naming the file, line and column
    with pytest.raises(ValueError, match=f"not a valid registry bundle: {file}:{line}:{column}:"):
        read_site(folder)


def test_it_refuses_a_session_key_given_twice(bundles, tmp_path: Path):
    # given a bundle whose sessions.csv repeats its first row (session + area + side twice)
    folder, _ = _folder(bundles[0], tmp_path / "site")
    lines = (folder / "sessions.csv").read_text().split("\n")
    lines.insert(2, lines[1])
    (folder / "sessions.csv").write_text("\n".join(lines))
    # when it is read, then the streamed checks refuse it and the error names the line
    files = site_reader._files(folder, tmp_path)
    assert files is not None
    assert site_reader._read(files, default_today()) is None
    with pytest.raises(ValueError, match="sessions.csv:3:session_id: .*not already used on line 2"):
        read_site(folder)


def test_it_refuses_a_date_after_today(bundles, tmp_path: Path):
    # given a bundle and a "today" before its last measurement
    folder, _ = _folder(bundles[0], tmp_path / "site")
    early = dt.date(2000, 1, 1)
    # when it is read as of that day, then the dates after it are errors
    with pytest.raises(ValueError, match=r"sessions.csv:2:date: value '[0-9-]+': expected a real date YYYY-MM-DD from 1900-01-01 to today \(2000-01-01\)"):  # fmt: skip
        read_site(folder, today=early)


@pytest.mark.django_db
@pytest.mark.parametrize("workers", ["1", "2"])
def test_it_stops_the_pooled_command_at_a_malformed_site_with_its_place(bundles, tmp_path: Path, workers: str):  # fmt: skip
    # given two valid sites and a third with a circumference of 5 cm (below the kind's range)
    bad, line = _folder(bundles[2], tmp_path / "bad", ("measurements.csv", r",circumference_cm,[0-9.]+,", ",circumference_cm,5,"))  # fmt: skip
    # when the pooled command runs over the three
    with pytest.raises(CommandError) as refused:
        call_command("evidence_report", "--indication", "localized_fat", "--bundle", str(bundles[0]), "--bundle", str(bundles[1]), "--bundle", str(bad), "--workers", workers, "--json", stdout=io.StringIO(), stderr=io.StringIO())  # fmt: skip
    # then it exits 2 with the bad bundle's file:line:column, and prints no report
    assert refused.value.returncode == 2
    assert f"measurements.csv:{line}:value" in str(refused.value)
    assert str(bad) in str(refused.value)
