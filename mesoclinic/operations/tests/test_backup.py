"""`mesoclinic backup` and the refusals of a restore that cannot be trusted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from mesoclinic.operations import databases
from mesoclinic.operations.backup import DATA_FILES, MANIFEST, BackupError
from mesoclinic.operations.databases import Database, DatabaseToolMissing
from mesoclinic.operations.restore import restore


def _target(tmp_path: Path) -> Database:
    """An empty target of the suite's engine (on PostgreSQL the checks here fail before it
    is touched, so the test database itself stands in)."""
    if connection.vendor == "sqlite":
        return Database(vendor="sqlite", name=str(tmp_path / "restored.sqlite3"))
    return Database.from_settings(connection.settings_dict, "postgresql")


@pytest.mark.django_db(transaction=True)
def test_it_writes_the_copy_and_a_manifest_of_what_it_holds(tmp_path, patient):
    # given a database with a patient
    folder = tmp_path / "backup"
    # when it is backed up
    call_command("backup", str(folder))
    # then the folder holds the copy and a manifest with its counts, checksum and origin
    manifest = json.loads((folder / MANIFEST).read_text())
    assert (folder / DATA_FILES[connection.vendor]).stat().st_size == manifest["size_bytes"]
    assert manifest["vendor"] == connection.vendor
    assert manifest["tables"]["patients_patient"] == 1
    assert manifest["tables"]["clinics_clinic"] == 1
    assert len(manifest["sha256"]) == 64
    assert any(name.startswith("mc_immutable_") for name in manifest["triggers"])
    # and no unfinished copy is left behind
    assert not list(folder.glob("*.partial"))


@pytest.mark.django_db
def test_it_refuses_to_write_into_a_folder_that_holds_files(tmp_path):
    # given a folder with something in it
    (tmp_path / "old.txt").write_text("an earlier backup")
    # when a backup is asked for there
    # then it refuses, and leaves the folder as it was
    with pytest.raises(CommandError, match="not an empty folder"):
        call_command("backup", str(tmp_path))
    assert [p.name for p in tmp_path.iterdir()] == ["old.txt"]


@pytest.mark.django_db(transaction=True)
def test_it_refuses_a_backup_whose_copy_was_changed(tmp_path, patient):
    # given a backup whose database copy lost a byte at its end
    folder = tmp_path / "backup"
    call_command("backup", str(folder))
    data = folder / DATA_FILES[connection.vendor]
    data.write_bytes(data.read_bytes()[:-1])
    # when it is restored
    # then the restore refuses before touching any database
    with pytest.raises(BackupError, match="does not match the SHA-256"):
        restore(folder, _target(tmp_path), lambda message: None)
    if connection.vendor == "sqlite":
        assert not (tmp_path / "restored.sqlite3").exists()


def test_it_refuses_a_folder_without_a_manifest(tmp_path):
    # given a folder that is not a finished backup
    (tmp_path / "database.sqlite3").write_bytes(b"")
    # then the restore says so
    with pytest.raises(BackupError, match="has no manifest.json"):
        restore(tmp_path, Database(vendor="sqlite", name=str(tmp_path / "x.sqlite3")), print)


def test_it_says_how_to_get_pg_dump_when_it_is_missing(monkeypatch, tmp_path):
    # given a machine without the PostgreSQL client programs on PATH
    monkeypatch.setenv("PATH", str(tmp_path))
    # when a PostgreSQL backup looks for pg_dump
    # then the error names it and how to install it
    with pytest.raises(DatabaseToolMissing, match="pg_dump was not found on PATH") as error:
        databases.tool("pg_dump")
    assert "postgresql-client" in str(error.value)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump backs up PostgreSQL only")
@pytest.mark.django_db
def test_it_stops_a_postgresql_backup_without_pg_dump_before_writing(monkeypatch, tmp_path):
    # given PostgreSQL and no pg_dump
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    # when a backup is asked for
    # then the command stops with the clear message, and creates no folder
    with pytest.raises(CommandError, match="pg_dump was not found"):
        call_command("backup", str(tmp_path / "backup"))
    assert not (tmp_path / "backup").exists()


def test_it_passes_the_password_to_the_postgresql_tools_by_environment_only():
    # given PostgreSQL connection settings with a password
    database = Database.from_settings(
        {
            "NAME": "mc",
            "HOST": "db",
            "PORT": 5432,
            "USER": "app",
            "PASSWORD": "s3cret",
            "OPTIONS": {"sslmode": "require"},
        },
        "postgresql",
    )
    # then pg_dump/pg_restore get it as PGPASSWORD, and messages never show it
    env = database.libpq_env()
    assert (env["PGHOST"], env["PGPORT"], env["PGUSER"]) == ("db", "5432", "app")
    assert env["PGPASSWORD"] == "s3cret"
    assert env["PGSSLMODE"] == "require"
    assert "s3cret" not in database.describe()


def test_it_fails_the_restore_when_verify_audit_finds_the_chain_broken(monkeypatch):
    # given a version with a verify-audit command that finds a broken link (exit 1)
    from mesoclinic.operations.management.commands import restore as restore_command

    def broken_chain(name: str, **options: object) -> None:
        assert name == "verify_audit"
        raise SystemExit(1)

    monkeypatch.setattr(restore_command, "get_commands", lambda: {"verify_audit": "audit"})
    monkeypatch.setattr(restore_command, "call_command", broken_chain)
    # when the restore checks the audit chain
    # then the restore fails, naming the chain
    with pytest.raises(CommandError, match="audit chain is broken"):
        restore_command.Command()._verify_audit()


def test_it_notes_that_the_audit_chain_was_not_checked_without_verify_audit(monkeypatch):
    # given a version without verify-audit
    from io import StringIO

    from mesoclinic.operations.management.commands import restore as restore_command

    monkeypatch.setattr(restore_command, "get_commands", lambda: {})
    out = StringIO()
    # when the restore reaches the audit check
    restore_command.Command(stdout=out)._verify_audit()
    # then it says so instead of claiming the chain is intact
    assert "Audit chain: not checked" in out.getvalue()
