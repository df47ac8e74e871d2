"""The restore drill (reference/security-reliability.md R7): back up the running database with
the demo practice in it, restore into a fresh database with the `mesoclinic restore` command,
and find the same rows in every table and the immutability triggers in place. On whichever
database the suite runs (SQLite, or PostgreSQL with DATABASE_URL)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from mesoclinic.demo.services import load_demo
from mesoclinic.operations import databases
from mesoclinic.operations.backup import MANIFEST
from mesoclinic.operations.databases import Database
from mesoclinic.records import immutability

ROOT = Path(__file__).resolve().parents[3]


def immutability_trigger_names() -> set[str]:
    names = {
        p.trigger_name(operation)
        for p in immutability.PROTECTIONS
        for operation in ("update", "delete")
    }
    return names | {
        f"{immutability.TRIGGER_PREFIX}{t}_insert" for t in immutability.INSERT_PROTECTIONS
    }


@pytest.fixture
def fresh_database(tmp_path: Path) -> Iterator[tuple[str, Database]]:
    """A new, empty database of the suite's engine: its DATABASE_URL and its description."""
    if connection.vendor == "sqlite":
        path = tmp_path / "restored.sqlite3"
        yield f"sqlite:///{path}", Database(vendor="sqlite", name=str(path))
        return
    source = Database.from_settings(connection.settings_dict, "postgresql")
    name = f"mc_restore_{uuid.uuid4().hex[:12]}"
    admin = Database(**{**source.__dict__, "name": "postgres"}).connect()
    admin.cursor().execute(f'CREATE DATABASE "{name}"')
    target = Database(**{**source.__dict__, "name": name})
    auth = source.user + (f":{source.password}" if source.password else "")
    url = f"postgres://{auth}@{source.host or '127.0.0.1'}:{source.port or 5432}/{name}"
    try:
        yield url, target
    finally:
        admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def restore_command(url: str, folder: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": url, "MESOCLINIC_VAR_DIR": str(tmp_path / "var")}
    return subprocess.run(
        [sys.executable, "-m", "mesoclinic.cli", "restore", str(folder)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.django_db(transaction=True)
def test_it_restores_a_backup_with_every_row_and_the_triggers(tmp_path, fresh_database):
    # given the demo practice (signed sessions, consents, audit events) in the running database
    load_demo(patients=20, hilltop_patients=5)
    with connection.cursor() as cursor:
        live_counts = databases.row_counts(cursor, connection.vendor)
    assert live_counts["treatments_treatmentsession"] > 0
    assert live_counts["audit_auditevent"] > 0
    # when it is backed up, and the backup restored into a new, empty database
    folder = tmp_path / "backup"
    call_command("backup", str(folder))
    url, target = fresh_database
    run = restore_command(url, folder, tmp_path)
    # then the restore succeeds and says what it checked
    assert run.returncode == 0, run.stderr
    assert "as in the manifest" in run.stdout
    # and the manifest recorded the live counts, the migrations and the triggers
    manifest = json.loads((folder / MANIFEST).read_text())
    assert manifest["tables"] == live_counts
    assert "records.0002_immutability_triggers" in manifest["migrations"]
    assert manifest["created_at"]
    assert manifest["app_version"]
    # and, read independently, the restored database has the same rows in every table
    restored = target.connect()
    try:
        cursor = restored.cursor()
        assert databases.row_counts(cursor, target.vendor) == live_counts
        # and the triggers that refuse changes to signed records and the audit trail
        assert immutability_trigger_names() <= set(databases.triggers(cursor, target.vendor))
    finally:
        restored.close()


@pytest.mark.django_db(transaction=True)
def test_it_refuses_to_restore_into_a_database_that_is_not_empty(tmp_path, fresh_database, patient):
    # given a backup of a database with a patient, restored once into a fresh database
    folder = tmp_path / "backup"
    call_command("backup", str(folder))
    url, target = fresh_database
    assert restore_command(url, folder, tmp_path).returncode == 0
    connection_ = target.connect()
    before = databases.row_counts(connection_.cursor(), target.vendor)
    connection_.close()
    # when the same backup is restored into it again
    run = restore_command(url, folder, tmp_path)
    # then the command refuses, saying why and what to do, and changes nothing
    assert run.returncode == 1
    assert "is not empty" in run.stderr
    assert "Create a new one" in run.stderr
    connection_ = target.connect()
    assert databases.row_counts(connection_.cursor(), target.vendor) == before
    connection_.close()


def _photo_root(tmp_path: Path) -> Path:
    """Where the restore command (run with MESOCLINIC_VAR_DIR=tmp_path/var) keeps photos."""
    return tmp_path / "var" / "private" / "aftercare"


@pytest.mark.django_db(transaction=True)
def test_it_carries_the_patients_photos_and_restores_them_byte_for_byte(
    tmp_path, fresh_database, settings, patient
):
    # given two photos in the private folder of the running installation
    live = Path(settings.AFTERCARE_PHOTO_ROOT)
    photos = {"photos/2026/11/a.jpg": b"\xff\xd8first", "photos/2026/12/b.png": b"\x89PNGsecond"}
    for relative, content in photos.items():
        (live / relative).parent.mkdir(parents=True, exist_ok=True)
        (live / relative).write_bytes(content)
    # when the installation is backed up and restored into a new database and an empty folder
    folder = tmp_path / "backup"
    call_command("backup", str(folder))
    url, _target = fresh_database
    run = restore_command(url, folder, tmp_path)
    # then the manifest lists each photo with its SHA-256, and each is back, byte for byte
    assert run.returncode == 0, run.stderr
    listed = json.loads((folder / MANIFEST).read_text())["files"]["AFTERCARE_PHOTO_ROOT"]
    assert set(listed) == set(photos)
    for relative, content in photos.items():
        assert (_photo_root(tmp_path) / relative).read_bytes() == content
    assert "2 private files (photos) restored" in run.stdout


@pytest.mark.django_db(transaction=True)
def test_it_refuses_to_overwrite_a_different_photo_and_writes_nothing(
    tmp_path, fresh_database, settings, patient
):
    # given a backup holding a photo, and the target folder holding another file of that name
    live = Path(settings.AFTERCARE_PHOTO_ROOT)
    (live / "photos").mkdir(parents=True)
    (live / "photos" / "a.jpg").write_bytes(b"the patient's photo")
    folder = tmp_path / "backup"
    call_command("backup", str(folder))
    clash = _photo_root(tmp_path) / "photos" / "a.jpg"
    clash.parent.mkdir(parents=True)
    clash.write_bytes(b"someone else's photo")
    url, target = fresh_database
    # when it is restored
    run = restore_command(url, folder, tmp_path)
    # then the command refuses, saying why, and neither the file nor the database was written
    assert run.returncode == 1
    assert "never overwrites a file" in run.stderr
    assert clash.read_bytes() == b"someone else's photo"
    assert databases.is_empty(target)[0]


@pytest.mark.django_db(transaction=True)
def test_it_refuses_a_backup_whose_photo_was_damaged(tmp_path, fresh_database, settings, patient):
    # given a backup whose copy of a photo was changed after it was made
    live = Path(settings.AFTERCARE_PHOTO_ROOT)
    (live / "photos").mkdir(parents=True)
    (live / "photos" / "a.jpg").write_bytes(b"the patient's photo")
    folder = tmp_path / "backup"
    call_command("backup", str(folder))
    (folder / "files" / "AFTERCARE_PHOTO_ROOT" / "photos" / "a.jpg").write_bytes(b"changed")
    url, target = fresh_database
    # when it is restored, then it is refused before anything is written
    run = restore_command(url, folder, tmp_path)
    assert run.returncode == 1
    assert "does not match its SHA-256" in run.stderr
    assert databases.is_empty(target)[0]
    assert not (_photo_root(tmp_path) / "photos" / "a.jpg").exists()


@pytest.mark.django_db(transaction=True)
def test_it_refuses_a_manifest_that_names_a_file_outside_the_photo_folder(
    tmp_path, fresh_database, settings, patient
):
    # given a backup whose manifest was edited to write a file above the photo folder
    live = Path(settings.AFTERCARE_PHOTO_ROOT)
    (live / "photos").mkdir(parents=True)
    (live / "photos" / "a.jpg").write_bytes(b"the patient's photo")
    folder = tmp_path / "backup"
    call_command("backup", str(folder))
    manifest = json.loads((folder / MANIFEST).read_text())
    listed = manifest["files"]["AFTERCARE_PHOTO_ROOT"]
    listed["../../escaped.txt"] = listed.pop("photos/a.jpg")
    (folder / MANIFEST).write_text(json.dumps(manifest))
    url, target = fresh_database
    # when it is restored, then it is refused before anything is written
    run = restore_command(url, folder, tmp_path)
    assert run.returncode == 1
    assert "outside its folder" in run.stderr
    assert databases.is_empty(target)[0]
    assert not (tmp_path / "var" / "escaped.txt").exists()
