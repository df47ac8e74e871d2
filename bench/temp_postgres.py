"""A throwaway PostgreSQL database for one benchmark run, on the server of DATABASE_URL
(else postgres://postgres@127.0.0.1:5432), dropped afterwards."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit


@contextmanager
def temporary_database(prefix: str) -> Iterator[str | None]:
    """Yield the URL of a new empty database, or None (after printing why) when there is no server."""
    import psycopg

    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql://")):
        base = "postgres://postgres@127.0.0.1:5432/postgres"
    parts = urlsplit(base)
    admin = urlunsplit(parts._replace(path="/postgres"))
    name = f"{prefix}_{os.getpid()}"
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as exc:
        print(f"\nPostgreSQL skipped: cannot reach or use {parts.hostname}:{parts.port} ({exc})")
        yield None
        return
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
