"""The chart's cached history (workspace/chart_cache.py): every table it reads has the version
trigger, every write to one changes the stamp, and no member gets another's history."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from mesoclinic.clinics.choices import Role
from mesoclinic.clinics.language import set_language
from mesoclinic.clinics.models import Membership
from mesoclinic.clinics.roles import ROLE_PERMS, Perm
from mesoclinic.demo.services import load_demo
from mesoclinic.outcomes.models import Measurement
from mesoclinic.patients.models import Patient
from mesoclinic.records import immutability
from mesoclinic.workspace import chart_cache, chart_triggers
from mesoclinic.workspace.models import ChartVersion
from mesoclinic.workspace.tests.commit_point import as_if_committed, committed_get
from tests.second_step import sign_in

pytestmark = pytest.mark.django_db

# Tables the history reads that need no trigger, each with the reason.
EXEMPT = {
    # The stamps themselves: read to make the key, written only by the triggers.
    chart_triggers.VERSION_TABLE,
    # Content types (which model an amendment is of) change only with a migration, which
    # restarts the server and so empties the per-process cache.
    "django_content_type",
}
# A message looked up in the catalogue (held in a variable: the catalogue check extracts
# gettext literals, even from tests).
TIMELINE = "Timeline"
_TABLE = re.compile(r'\b(?:FROM|JOIN)\s+"?([A-Za-z_][A-Za-z0-9_]*)"?', re.IGNORECASE)


def _tables(queries: list[dict[str, Any]]) -> set[str]:
    return {t for q in queries for t in _TABLE.findall(q["sql"])}


# A table and its alias (Django names a second join of a table T2, T3, …), and a column
# reference qualified by either.
_ALIASED = re.compile(r'\b(?:FROM|JOIN)\s+"?(\w+)"?(?:\s+(?:AS\s+)?"?(T\d+)"?)?', re.IGNORECASE)
_QUALIFIED = re.compile(r'(?:"(\w+)"|\b(\w+))\."?(\w+)"?')


def unshown_reads(sql: str) -> set[str]:
    """The columns of ``chart_triggers.UNSHOWN`` that a query reads in its SELECT list, as
    "table.column": qualified by the table or its alias, or bare in a query of that table."""
    tables = {alias or table: table for table, alias in _ALIASED.findall(sql)}
    head = re.split(r"\sFROM\s", sql, maxsplit=1, flags=re.IGNORECASE)[0]
    found = set()
    for quoted, plain, column in _QUALIFIED.findall(head):
        table = tables.get(quoted or plain, quoted or plain)
        if column in chart_triggers.UNSHOWN.get(table, ()):
            found.add(f"{table}.{column}")
    bare = _QUALIFIED.sub(" ", head)
    for table in set(tables.values()) & chart_triggers.UNSHOWN.keys():
        for column in chart_triggers.UNSHOWN[table]:
            if re.search(rf'(?<![\w.])"?{column}"?(?![\w.])', bare):
                found.add(f"{table}.{column}")
    return found


def _chart(client: Client, patient: Patient) -> str:
    response = committed_get(client, reverse("patient_chart", args=[patient.public_id]))
    assert response.status_code == 200
    return response.content.decode()


def _stamp(scope: str) -> str:
    as_if_committed()
    return ChartVersion.objects.filter(scope=scope).values_list("stamp", flat=True).first() or ""


def test_it_finds_an_unshown_column_however_a_query_names_it():
    # given the three ways a query may read a lot's stock count, and a column of the same name
    # of another table
    qualified = 'SELECT "formulary_lot"."remaining_ml" FROM "formulary_lot"'
    aliased = 'SELECT T3."remaining_ml", "x"."id" FROM "x" INNER JOIN "formulary_lot" T3 ON x.a'
    bare = "SELECT id, remaining_ml FROM formulary_lot WHERE remaining_ml > 0"
    other = 'SELECT "formulary_product"."version" FROM "formulary_product" JOIN "formulary_lot"'
    # then the first three are found and the last is not
    lot = {"formulary_lot.remaining_ml"}
    assert [unshown_reads(q) for q in (qualified, aliased, bare, other)] == [lot, lot, lot, set()]


def test_it_has_the_version_trigger_on_every_table_the_history_reads():
    # given the demo practice (every kind of record a chart shows, amendments and map points,
    # messages and appointments among them)
    load_demo(patients=20, hilltop_patients=5)
    alice = Membership.objects.select_related("clinic", "user").get(
        user__username="alice", clinic__slug="riverside"
    )
    read: set[str] = set()
    unshown: set[str] = set()
    # when every Riverside chart's history is drawn with a cold cache, the whole history and
    # the "older" answer
    timezone.activate(alice.clinic.time_zone)
    for patient in Patient.objects.filter(clinic=alice.clinic):
        for older in (False, True):
            caches[chart_cache.CACHE_ALIAS].clear()
            with CaptureQueriesContext(connection) as queries:
                chart_cache.history(patient, alice, 100, older=older)
            read |= _tables(queries.captured_queries)
            unshown |= {c for q in queries.captured_queries for c in unshown_reads(q["sql"])}
    # then the queries read the history's tables (the capture is not empty) ...
    assert {"treatments_injection", "records_amendment", "appointments_patientmessage"} <= read
    # ... and each one, but the exempt, fires the trigger on insert, update and delete
    installed = chart_triggers.installed(connection)
    missing = {
        table: sorted(set(chart_triggers.OPERATIONS) - installed.get(table, set()))
        for table in read - EXEMPT
    }
    assert {t: ops for t, ops in missing.items() if ops} == {}
    # ... and none reads a column whose update fires no trigger (a lot's stock count, the
    # clinic's next MRN): a change to it would not reach the cached history
    assert "formulary_lot" in read
    assert unshown == set()


def _a_message(clinic: Any) -> None:
    """A reminder about an appointment (the demo logs no message at this size)."""
    from mesoclinic.appointments.choices import MessageChannel, MessageKind, MessageOutcome
    from mesoclinic.appointments.models import Appointment, PatientMessage

    appointment = Appointment.objects.filter(clinic=clinic).first()
    assert appointment is not None
    PatientMessage.objects.create(
        clinic=clinic,
        patient=appointment.patient,
        appointment=appointment,
        kind=MessageKind.BEFORE_48H,
        channel=MessageChannel.SMS,
        outcome=MessageOutcome.SENT,
        at=appointment.starts_at,
    )


def test_it_changes_the_stamp_on_an_update_written_in_raw_sql_to_any_tracked_table():
    # given the demo practice, with a message logged
    load_demo(patients=20, hilltop_patients=5)
    _a_message(Membership.objects.get(user__username="alice").clinic)
    unchanged = []
    for source in chart_triggers.TRACKED:
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT id, {source.column} FROM "{source.table}" ORDER BY id LIMIT 1')
            row = cursor.fetchone()
            assert row is not None, f"the demo has no {source.table} row"
            pk, key = row
            if source.parent:
                cursor.execute(f'SELECT patient_id FROM "{source.parent}" WHERE id = %s', [key])
                key = cursor.fetchone()[0]
        scope = f"{source.scope}:{key}"
        before = _stamp(scope)
        # when a row of each table is updated bypassing Django (no signal, no save()); a
        # signed row's refusal is lifted for it, as for a legal erasure (immutability.suspended)
        with immutability.suspended(connection), connection.cursor() as cursor:
            cursor.execute(f'UPDATE "{source.table}" SET id = id WHERE id = %s', [pk])
        if _stamp(scope) in ("", before):
            unchanged.append(source.table)
    # then each update gave its patient (or clinic) a new stamp
    assert unchanged == []


def test_it_changes_the_patients_stamp_on_an_insert_and_a_delete(patient, alice):
    # given a patient's stamp
    before = _stamp(f"p:{patient.pk}")
    # when a measurement is bulk-created (no save(), no signal), then deleted by a queryset
    Measurement.objects.bulk_create(
        [
            Measurement(
                clinic=patient.clinic,
                patient=patient,
                measured_on=timezone.localdate(),
                kind="weight_kg",
                value=70,
                created_by=alice.user,
            )
        ]
    )
    inserted = _stamp(f"p:{patient.pk}")
    Measurement.objects.filter(patient=patient).delete()
    deleted = _stamp(f"p:{patient.pk}")
    # then each write gave a new stamp
    assert len({before, inserted, deleted}) == 3


def test_it_never_serves_one_role_or_language_the_history_drawn_for_another(
    monkeypatch, alice, bob, patient
):
    # given a measurement, and alice (who may correct it) has seen the chart in English
    m = Measurement.objects.create(
        clinic=patient.clinic,
        patient=patient,
        measured_on=timezone.localdate(),
        kind="weight_kg",
        value=70,
        created_by=alice.user,
    )
    correct = reverse("outcomes:edit", args=[m.public_id])
    english = _chart(sign_in(Client(), alice.user), patient)
    assert correct in english
    # when bob (reception: no clinical records) opens it; alice opens it in French; and alice
    # opens it once her role may only read clinical records (the key follows permissions,
    # not the role's name)
    bobs = _chart(sign_in(Client(), bob.user), patient)
    set_language(alice.user, "fr")
    french = _chart(sign_in(Client(), alice.user), patient)
    set_language(alice.user, "en-gb")
    read_only = ROLE_PERMS[Role.PRACTITIONER] - {Perm.EDIT_CLINICAL}
    monkeypatch.setitem(ROLE_PERMS, Role.PRACTITIONER, read_only)
    reading = _chart(sign_in(Client(), alice.user), patient)
    # then each got the history drawn for their own permissions and language
    assert 'id="timeline-heading"' not in bobs
    assert correct not in bobs
    with translation.override("fr"):
        assert translation.gettext(TIMELINE) in french
    assert translation.gettext(TIMELINE) not in french
    assert 'id="timeline-heading"' in reading
    assert correct not in reading


def test_it_still_refuses_another_clinics_patient_when_the_chart_is_cached(alice, charlie, patient):
    # given alice's chart of the patient is cached
    _chart(sign_in(Client(), alice.user), patient)
    # when charlie, of Hilltop, asks for it, whole or as the "older" answer
    client = sign_in(Client(), charlie.user)
    url = reverse("patient_chart", args=[patient.public_id])
    # then he gets a 404 both ways
    assert client.get(url).status_code == 404
    assert client.get(url + "?years=2", HTTP_HX_REQUEST="true").status_code == 404
