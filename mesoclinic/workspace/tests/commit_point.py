"""The chart stamps a commit would write, written now, for tests that run inside one
transaction (pytest-django's default: rolled back, never committed)."""

from __future__ import annotations

from django.db import connection

from mesoclinic.workspace import chart_triggers


def as_if_committed() -> None:
    """On PostgreSQL a clinic's stamp is written at commit (chart_triggers.py); fire the
    triggers this transaction has queued, as its commit would, and leave the next ones
    deferred again. SQLite writes every stamp as each statement ends: nothing to do."""
    if connection.vendor != "postgresql":
        return
    names = ", ".join(
        chart_triggers.trigger_name(source.table, operation)
        for source in chart_triggers.TRACKED
        if source.scope == "c"
        for operation in chart_triggers.OPERATIONS
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SET CONSTRAINTS {names} IMMEDIATE")
        cursor.execute(f"SET CONSTRAINTS {names} DEFERRED")
