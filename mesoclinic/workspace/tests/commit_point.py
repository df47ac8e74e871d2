"""The chart stamps a commit would write, written now, for tests that run inside one
transaction (pytest-django's default: rolled back, never committed); and a chart request as
the clinic's server runs it, committed as it ends."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import connection
from django.test import Client, TestCase

from mesoclinic.workspace import chart_triggers

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response


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


def committed_get(client: Client, url: str, **extra: Any) -> Response:
    """``client.get(url)`` after the writes before it committed, and committed as it ends: the
    chart keeps a history it drew only once its transaction commits (chart_cache.history),
    which inside a test's transaction would be never."""
    as_if_committed()
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.get(url, **extra)
