"""Is the server fit to serve: the database answers, and its schema is the code's."""

from __future__ import annotations

from functools import cache

from django.db import DatabaseError, connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder


@cache
def code_migrations() -> frozenset[str]:
    """``app.migration`` for every migration the code has (read from disk once per process).

    Without a connection the loader keeps a squashed migration only when none of those it
    replaces is applied; the project has no squashed migrations.
    """
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return frozenset(f"{app}.{name}" for app, name in loader.graph.nodes)


def pending_migrations(applied: set[str]) -> list[str]:
    """The code's migrations not in ``applied``, sorted."""
    return sorted(code_migrations() - applied)


def database_status() -> dict[str, str]:
    """``{"database": "ok" | "unreachable", "migrations": "ok" | "pending" | "unknown"}``.

    Words only: no counts, names or error text, as the health endpoint is public.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        recorded = MigrationRecorder(connection).applied_migrations()
    except DatabaseError:
        return {"database": "unreachable", "migrations": "unknown"}
    applied = {f"{app}.{name}" for app, name in recorded}
    return {"database": "ok", "migrations": "pending" if pending_migrations(applied) else "ok"}
