"""PostgreSQL: a clinic's chart stamp is written at commit, by constraint triggers deferred to
the end of the transaction, instead of as each statement ends. A transaction then takes its
patients' stamps while it runs and the clinic's last, so a signing that uses a lot up (the
patient's stamp, then the clinic's) and a correction of the same patient (an amendment, then
a new line) can no longer each hold the stamp the other waits for: PostgreSQL aborted one of
them as a deadlock (workspace/tests/test_chart_cache_concurrency.py). SQLite writers take the whole
database's lock and never cross; its triggers are unchanged. Backwards, 0003's triggers."""

from __future__ import annotations

from typing import Any

from django.db import migrations

from mesoclinic.workspace import chart_triggers

_CLINIC = tuple(s for s in chart_triggers.TRACKED if s.scope == "c")


def _recreate(schema_editor: Any, at_commit: bool) -> None:
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    watched = chart_triggers.watched_columns(connection)
    statements = chart_triggers.drop_statements(connection.vendor, _CLINIC)
    statements += chart_triggers.create_statements(
        connection.vendor, _CLINIC, watched=watched, clinic_at_commit=at_commit
    )
    for sql in statements:
        schema_editor.execute(sql, params=None)


def at_commit(apps: Any, schema_editor: Any) -> None:
    _recreate(schema_editor, at_commit=True)


def at_statement_end(apps: Any, schema_editor: Any) -> None:
    _recreate(schema_editor, at_commit=False)


class Migration(migrations.Migration):
    dependencies = [("workspace", "0003_chart_version_narrow_updates")]

    operations = [migrations.RunPython(at_commit, at_statement_end, elidable=False)]
