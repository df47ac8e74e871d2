"""One database seen from outside Django: how to reach it, and what it holds.

Backups and restores work below the ORM (the SQLite backup API, ``pg_dump``/``pg_restore``),
and a restore is checked against the backup's manifest by reading the restored database
directly: its tables, the rows in each, its triggers and its applied migrations. Nothing
here reads a row's contents, only counts and the schema.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

Vendor = Literal["sqlite", "postgresql"]

# Connection options that libpq (and so pg_dump and pg_restore) reads from the environment.
_LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "service": "PGSERVICE",
    "passfile": "PGPASSFILE",
}


class DatabaseToolMissing(RuntimeError):
    """A PostgreSQL client program (pg_dump, pg_restore) is not installed or not on PATH."""


@dataclass(frozen=True)
class Database:
    """A database by engine and connection settings (a SQLite file, or a PostgreSQL database)."""

    vendor: Vendor
    name: str
    host: str = ""
    port: str = ""
    user: str = ""
    password: str = ""
    options: tuple[tuple[str, str], ...] = ()

    @classmethod
    def from_settings(cls, settings_dict: Mapping[str, Any], vendor: str) -> Database:
        """The database of one Django connection (``connection.settings_dict``, ``vendor``)."""
        if vendor not in ("sqlite", "postgresql"):
            raise ValueError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
        options = settings_dict.get("OPTIONS") or {}
        return cls(
            vendor=vendor,  # type: ignore[arg-type]  # checked just above
            name=str(settings_dict["NAME"]),
            host=str(settings_dict.get("HOST") or ""),
            port=str(settings_dict.get("PORT") or ""),
            user=str(settings_dict.get("USER") or ""),
            password=str(settings_dict.get("PASSWORD") or ""),
            options=tuple(
                (key, str(value)) for key, value in options.items() if key in _LIBPQ_OPTIONS
            ),
        )

    def describe(self) -> str:
        """Where the database is, for messages (never the password)."""
        if self.vendor == "sqlite":
            return f"SQLite file {self.name}"
        where = f"{self.host or 'local socket'}{':' + self.port if self.port else ''}"
        return f"PostgreSQL database {self.name} on {where}"

    def libpq_env(self) -> dict[str, str]:
        """The environment for pg_dump/pg_restore: connection settings as PG* variables, so
        that the password never appears on a command line (where ``ps`` would show it)."""
        env = dict(os.environ)
        for key, variable in (
            ("host", "PGHOST"),
            ("port", "PGPORT"),
            ("user", "PGUSER"),
            ("password", "PGPASSWORD"),
        ):
            value = getattr(self, key)
            if value:
                env[variable] = value
        for key, value in self.options:
            env[_LIBPQ_OPTIONS[key]] = value
        env["PGDATABASE"] = self.name
        return env

    def connect(self) -> Any:
        """A plain DB-API connection (autocommit) for reading counts and the schema."""
        if self.vendor == "sqlite":
            return sqlite3.connect(self.name, isolation_level=None)
        import psycopg

        params: dict[str, Any] = {"dbname": self.name, "autocommit": True}
        for key in ("host", "port", "user", "password"):
            if getattr(self, key):
                params[key] = getattr(self, key)
        params.update(dict(self.options))
        return psycopg.connect(**params)


def tool(name: str) -> str:
    """The path of a PostgreSQL client program, or a clear error saying how to get it."""
    found = shutil.which(name)
    if found is None:
        raise DatabaseToolMissing(
            f"{name} was not found on PATH. Install the PostgreSQL client programs, of the "
            f"server's major version or newer (Debian/Ubuntu: apt-get install postgresql-client)."
        )
    return found


def quote(name: str) -> str:
    """A table name as an SQL identifier (the same rule in SQLite and PostgreSQL)."""
    return ".".join('"' + part.replace('"', '""') + '"' for part in name.split("."))


def tables(cursor: Any, vendor: str) -> list[str]:
    """The user tables, sorted (schema-qualified on PostgreSQL outside ``public``)."""
    if vendor == "sqlite":
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' "
            "ESCAPE '\\' ORDER BY name"
        )
        return [row[0] for row in cursor.fetchall()]
    cursor.execute(
        "SELECT table_schema, table_name FROM information_schema.tables "
        "WHERE table_type = 'BASE TABLE' "
        "AND table_schema NOT IN ('pg_catalog', 'information_schema') "
        "ORDER BY table_schema, table_name"
    )
    return [
        table if schema == "public" else f"{schema}.{table}" for schema, table in cursor.fetchall()
    ]


def row_counts(cursor: Any, vendor: str) -> dict[str, int]:
    """Rows in every user table."""
    counts = {}
    for table in tables(cursor, vendor):
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # names from the catalogue
        counts[table] = int(cursor.fetchone()[0])
    return counts


def triggers(cursor: Any, vendor: str) -> list[str]:
    """The names of the database's own triggers (not PostgreSQL's internal ones), sorted."""
    if vendor == "sqlite":
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
    else:
        cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal ORDER BY tgname")
    return [row[0] for row in cursor.fetchall()]


def applied_migrations(cursor: Any, vendor: str) -> list[str]:
    """``app.migration`` for every migration recorded as applied, sorted."""
    if "django_migrations" not in tables(cursor, vendor):
        return []
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    return [f"{app}.{name}" for app, name in cursor.fetchall()]


def is_empty(database: Database) -> tuple[bool, int]:
    """Whether the database has no tables yet, and how many it has."""
    if database.vendor == "sqlite" and not Path(database.name).exists():
        return True, 0
    connection = database.connect()
    try:
        count = len(tables(connection.cursor(), database.vendor))
    finally:
        connection.close()
    return count == 0, count
