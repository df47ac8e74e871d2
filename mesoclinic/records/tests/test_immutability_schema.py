"""The immutability triggers as schema: created by ``migrate``, removed by rolling the migration
back, and kept when a later migration rebuilds a protected table (SQLite's way of altering
one). On SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, models, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from mesoclinic.clinics.models import Clinic, Membership
from mesoclinic.patients.models import Patient
from mesoclinic.records import immutability
from mesoclinic.records.services import sign_record
from mesoclinic.treatments.models import TreatmentSession

EXPECTED = {p.trigger_name(op) for p in immutability.PROTECTIONS for op in ("update", "delete")} | {
    f"{immutability.TRIGGER_PREFIX}{table}_insert" for table in immutability.INSERT_PROTECTIONS
}


# Other apps protect their own tables with triggers of the same prefix (billing's issued
# invoices, in billing's own migration), so that ``suspended`` sets them aside too; these
# tests are about the records' triggers: those on the tables ``records.immutability`` lists.
OWN_TABLES = set(immutability.BY_TABLE) | set(immutability.INSERT_PROTECTIONS)


def _ours() -> dict[str, tuple[str, str]]:
    return {n: v for n, v in immutability.installed(connection).items() if v[0] in OWN_TABLES}


def _triggers_migration() -> tuple[str, str]:
    """(app, name) of the migration that installs the triggers, and the one before it."""
    loader = MigrationLoader(connection)
    (key,) = [k for k in loader.disk_migrations if k[1].endswith("_immutability_triggers")]
    (parent,) = [d for d in loader.graph.node_map[key].parents if d.key[0] == key[0]]
    return key[0], parent.key[1]


@pytest.fixture
def migrated_back() -> Iterator[None]:
    """Roll the triggers' migration back for the test, and forward again after it."""
    app, before = _triggers_migration()
    call_command("migrate", app, before, verbosity=0)
    try:
        yield
    finally:
        call_command("migrate", verbosity=0)


def test_it_installs_every_trigger_with_the_migrations(db: Any) -> None:
    # given the test database, built by running every migration
    # when we list the triggers in it
    found = _ours()
    # then each protected table refuses both UPDATE and DELETE, and a signed session's lines
    # and areas refuse additions
    assert set(found) == EXPECTED
    assert {table for table, _sql in found.values()} == set(immutability.BY_TABLE)


@pytest.mark.django_db(transaction=True)
def test_it_removes_the_triggers_when_the_migration_is_rolled_back(migrated_back: None) -> None:
    # given the triggers' migration rolled back
    # when we list the triggers
    # then none is left
    assert _ours() == {}


@pytest.mark.django_db(transaction=True)
def test_it_puts_them_back_when_migrating_forward_again(migrated_back: None) -> None:
    # given the triggers' migration rolled back
    # when it is applied again
    call_command("migrate", verbosity=0)
    # then every trigger is back
    assert set(_ours()) == EXPECTED


@pytest.mark.django_db(transaction=True)
def test_it_keeps_the_triggers_when_a_migration_rebuilds_a_protected_table(
    riverside: Clinic, patient: Patient, alice: Membership
) -> None:
    # given a signed session
    session = TreatmentSession.objects.create(
        clinic=riverside,
        patient=patient,
        performed_at=timezone.now(),
        indication="localized_fat",
        notes="as signed",
        created_by=alice.user,
    )
    sign_record(session, alice)
    # when a migration adds a non-null field to the sessions table (SQLite rebuilds the table)
    scratch: models.Field[Any, Any] = models.TextField(default="", blank=True)
    scratch.set_attributes_from_name("scratch_note")
    with connection.schema_editor() as editor:
        editor.add_field(TreatmentSession, scratch)
    try:
        # then every trigger survived, and the signed session is still refused a change
        assert set(_ours()) == EXPECTED
        with pytest.raises(IntegrityError, match="immutable record"), transaction.atomic():
            TreatmentSession.objects.filter(pk=session.pk).update(notes="changed")
    finally:
        with connection.schema_editor() as editor:
            editor.remove_field(TreatmentSession, scratch)
    assert set(_ours()) == EXPECTED
