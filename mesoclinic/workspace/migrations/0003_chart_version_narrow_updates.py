"""The UPDATE triggers of the lot and clinic tables fire only when a column a chart's history
may show is set: a lot's stock count and the clinic's next MRN no longer change the clinic's
stamp (mesoclinic/workspace/chart_triggers.py UNSHOWN, docs/performance.md). Backwards, the
triggers fire on every update again, as 0002 made them."""

from __future__ import annotations

from typing import Any

from django.db import migrations

from mesoclinic.workspace import chart_triggers

_NARROWED = tuple(s for s in chart_triggers.TRACKED if s.table in chart_triggers.UNSHOWN)
_UPDATE = ("UPDATE",)


def narrow(apps: Any, schema_editor: Any) -> None:
    connection = schema_editor.connection
    # The columns the tables have as this migration runs; a later migration that adds a
    # column recreates the trigger with it (test_chart_cache_narrow.py fails until it does).
    watched = chart_triggers.watched_columns(connection)
    statements = chart_triggers.drop_statements(connection.vendor, _NARROWED, _UPDATE)
    statements += chart_triggers.create_statements(
        connection.vendor, _NARROWED, _UPDATE, watched, clinic_at_commit=False
    )
    for sql in statements:
        schema_editor.execute(sql, params=None)


def widen(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    statements = chart_triggers.drop_statements(vendor, _NARROWED, _UPDATE)
    statements += chart_triggers.create_statements(
        vendor, _NARROWED, _UPDATE, clinic_at_commit=False
    )
    for sql in statements:
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("workspace", "0002_chart_version_triggers")]

    operations = [migrations.RunPython(narrow, widen, elidable=False)]
