"""The narrowed UPDATE triggers (workspace/chart_triggers.py UNSHOWN): installed on every
column of their table but the unshown, so a column added later without recreating the
trigger fails here; and an update of the unshown columns alone changes no stamp."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import F

from mesoclinic.clinics.models import Clinic
from mesoclinic.formulary.models import Lot
from mesoclinic.workspace import chart_triggers
from mesoclinic.workspace.models import ChartVersion
from mesoclinic.workspace.tests.commit_point import as_if_committed

pytestmark = pytest.mark.django_db


def _columns(table: str) -> set[str]:
    with connection.cursor() as cursor:
        return {c.name for c in connection.introspection.get_table_description(cursor, table)}


@pytest.mark.parametrize("table", sorted(chart_triggers.UNSHOWN))
def test_it_watches_every_column_of_the_table_but_the_unshown(table):
    # given the table's columns now and the columns its history leaves out
    columns = _columns(table)
    unshown = chart_triggers.UNSHOWN[table]
    # then each unshown column exists (no stale name), and the installed UPDATE trigger fires
    # on a write to any other column, and to none of the unshown
    assert unshown <= columns
    assert chart_triggers.installed_update_columns(connection, table) == columns - unshown


def test_it_reads_the_watched_columns_of_a_trigger_that_fires_on_every_update():
    # given a tracked table whose UPDATE trigger is not narrowed
    # then no column list is read from it: the lists above come from the narrowed triggers,
    # not from a reading that would find one in any trigger
    assert chart_triggers.installed_update_columns(connection, "formulary_product") is None


def _stamp(scope: str) -> str:
    as_if_committed()
    return ChartVersion.objects.filter(scope=scope).values_list("stamp", flat=True).first() or ""


def test_it_changes_no_stamp_when_only_unshown_columns_are_set(riverside, pcdc_lot):
    # given the clinic's stamp
    scope = f"c:{riverside.pk}"
    Lot.objects.filter(pk=pcdc_lot.pk).update(lot_number="PC-002")
    before = _stamp(scope)
    # when a lot's stock count and the clinic's MRN counter are taken, as signing a session
    # and registering a patient take them
    Lot.objects.filter(pk=pcdc_lot.pk).update(
        remaining_ml=F("remaining_ml") - 4, version=F("version") + 1
    )
    Clinic.objects.filter(pk=riverside.pk).update(next_mrn=F("next_mrn") + 1)
    kept = _stamp(scope)
    # and then a column the chart shows is set in the same statement as an unshown one
    Lot.objects.filter(pk=pcdc_lot.pk).update(remaining_ml=0, status="used_up")
    # then only the last write changed the stamp
    assert before != ""
    assert kept == before
    assert _stamp(scope) != before
