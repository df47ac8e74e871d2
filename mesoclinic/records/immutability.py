"""Signed records and the audit trail, refused change by the database itself.

The ORM guards (``SignableRecord.save``/``delete`` and friends) give clear messages, but they
only stop code that goes through them: ``QuerySet.update()``, ``bulk_update``, a raw cursor or
a SQL console would change a signed record silently. These triggers (installed by the records
migration ``*_immutability_triggers``, on SQLite and PostgreSQL) refuse, whatever the path:

- UPDATE or DELETE of a treatment session, consent or consultation whose stored row is
  signed (``signed_at`` set). Signing itself, the UPDATE that sets ``signed_at`` from NULL,
  still works; so does every change to a draft;
- UPDATE or DELETE of a signed session's injection lines and areas (and moving a line or
  area into a signed session);
- any UPDATE or DELETE of an audit event or an amendment (both append-only).

INSERT is refused only where it would add to a signed session (an area, or a line that
is not a correction): a correction is a new row (an amendment, a replacement line).
The refusal is an ``IntegrityError`` whose message starts with ``MARKER``;
``refusals_as_errors`` and the records middleware turn it into ``ImmutableRecordError`` with
the same words the ORM guard uses. ``docs/immutability.md`` says how an operator with a real
need (erasure on a legal order) proceeds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal

from django.db import IntegrityError, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils.translation import gettext_noop

from mesoclinic.records.models import ImmutableRecordError

MARKER = "immutable record: "
TRIGGER_PREFIX = "mc_immutable_"
SESSIONS_TABLE = "treatments_treatmentsession"

Rule = Literal["always", "signed", "session_signed"]


@dataclass(frozen=True)
class Protection:
    """What one table refuses, and the words the refusal uses (as the ORM guard's)."""

    table: str
    rule: Rule
    update_message: str
    delete_message: str

    def trigger_name(self, operation: str) -> str:
        return f"{TRIGGER_PREFIX}{self.table}_{operation}"


PROTECTIONS: tuple[Protection, ...] = (
    Protection(
        SESSIONS_TABLE,
        "signed",
        gettext_noop("This treatment session is signed and cannot be changed; add an amendment."),
        gettext_noop("A signed treatment session cannot be deleted."),
    ),
    Protection(
        "treatments_injection",
        "session_signed",
        gettext_noop("The session is signed; its injections cannot change."),
        gettext_noop("The session is signed; its injections cannot be removed."),
    ),
    Protection(
        "treatments_sessionarea",
        "session_signed",
        gettext_noop("The session is signed; its areas cannot change."),
        gettext_noop("The session is signed; its areas cannot be removed."),
    ),
    Protection(
        "treatments_injectionmappoint",
        "session_signed",
        gettext_noop("The session is signed; its injection map cannot change."),
        gettext_noop("The session is signed; its injection map points cannot be removed."),
    ),
    Protection(
        "consent_consent",
        "signed",
        gettext_noop("This consent is signed and cannot be changed; add an amendment."),
        gettext_noop("A signed consent cannot be deleted."),
    ),
    Protection(
        "consultations_consultation",
        "signed",
        gettext_noop("This consultation is signed and cannot be changed; add an amendment."),
        gettext_noop("A signed consultation cannot be deleted."),
    ),
    Protection(
        "audit_auditevent",
        "always",
        gettext_noop("Audit events are append-only; they cannot be changed."),
        gettext_noop("Audit events are append-only; they cannot be deleted."),
    ),
    Protection(
        "records_amendment",
        "always",
        gettext_noop("An amendment cannot be changed; add another."),
        gettext_noop("An amendment cannot be deleted."),
    ),
)
BY_TABLE = {p.table: p for p in PROTECTIONS}

# PostgreSQL: one function per rule; the trigger passes the message as its argument.
# SQLSTATE 23000 (integrity_constraint_violation) makes Django raise IntegrityError, as the
# SQLite RAISE(ABORT) does.
_PG_FUNCTIONS = {
    "always": ("mc_refuse_change", "TRUE"),
    "signed": ("mc_refuse_change_if_signed", "OLD.signed_at IS NOT NULL"),
    "session_signed": (
        "mc_refuse_change_if_session_signed",
        f"EXISTS (SELECT 1 FROM {SESSIONS_TABLE} s WHERE s.signed_at IS NOT NULL AND "
        "(s.id = OLD.session_id OR (TG_OP = 'UPDATE' AND s.id = NEW.session_id)))",
    ),
}
_PG_FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
    IF {condition} THEN
        RAISE EXCEPTION USING ERRCODE = 'integrity_constraint_violation',
            MESSAGE = '{marker}' || TG_ARGV[0];
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$body$
"""


def _sql_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _sqlite_condition(protection: Protection, operation: str) -> str | None:
    if protection.rule == "always":
        return None
    if protection.rule == "signed":
        return "OLD.signed_at IS NOT NULL"
    sessions = "OLD.session_id, NEW.session_id" if operation == "update" else "OLD.session_id"
    return (
        f'EXISTS (SELECT 1 FROM "{SESSIONS_TABLE}" '
        f"WHERE id IN ({sessions}) AND signed_at IS NOT NULL)"
    )


def create_statements(vendor: str, tables: Iterable[str]) -> list[str]:
    """The SQL that installs the triggers of ``tables`` (each a key of ``BY_TABLE``)."""
    protections = [BY_TABLE[table] for table in tables]
    statements: list[str] = []
    if vendor == "postgresql":
        for rule in sorted({p.rule for p in protections}):
            name, condition = _PG_FUNCTIONS[rule]
            statements.append(
                _PG_FUNCTION_SQL.format(name=name, condition=condition, marker=MARKER)
            )
    for p in protections:
        for operation, message in (("update", p.update_message), ("delete", p.delete_message)):
            name = p.trigger_name(operation)
            event = operation.upper()
            if vendor == "postgresql":
                statements.append(
                    f'CREATE TRIGGER {name} BEFORE {event} ON "{p.table}" FOR EACH ROW '
                    f"EXECUTE FUNCTION {_PG_FUNCTIONS[p.rule][0]}({_sql_text(message)})"
                )
            elif vendor == "sqlite":
                when_sql = _sqlite_condition(p, operation)
                when = f" WHEN {when_sql}" if when_sql else ""
                statements.append(
                    f'CREATE TRIGGER {name} BEFORE {event} ON "{p.table}" FOR EACH ROW{when} '
                    f"BEGIN SELECT RAISE(ABORT, {_sql_text(MARKER + message)}); END"
                )
            else:
                raise NotImplementedError(f"No immutability triggers for {vendor}.")
    return statements


def drop_statements(vendor: str, tables: Iterable[str]) -> list[str]:
    """The SQL that removes the triggers of ``tables`` (and, on PostgreSQL, their functions)."""
    protections = [BY_TABLE[table] for table in tables]
    statements = []
    for p in protections:
        for operation in ("update", "delete"):
            on = f' ON "{p.table}"' if vendor == "postgresql" else ""
            statements.append(f"DROP TRIGGER IF EXISTS {p.trigger_name(operation)}{on}")
    if vendor == "postgresql":
        for rule in sorted({p.rule for p in protections}):
            statements.append(f"DROP FUNCTION IF EXISTS {_PG_FUNCTIONS[rule][0]}()")
    return statements


def installed(connection: BaseDatabaseWrapper) -> dict[str, tuple[str, str]]:
    """The immutability triggers in the database: name -> (table, SQL that re-creates it)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT t.tgname, c.relname, pg_get_triggerdef(t.oid) FROM pg_trigger t "
                "JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE NOT t.tgisinternal AND starts_with(t.tgname, %s) "
                "AND pg_table_is_visible(c.oid)",
                [TRIGGER_PREFIX],
            )
        else:
            cursor.execute(
                "SELECT name, tbl_name, sql FROM sqlite_master "
                "WHERE type = 'trigger' AND substr(name, 1, %s) = %s",
                [len(TRIGGER_PREFIX), TRIGGER_PREFIX],
            )
        return {name: (table, sql) for name, table, sql in cursor.fetchall()}


@contextmanager
def suspended(connection: BaseDatabaseWrapper) -> Iterator[None]:
    """Drop the immutability triggers around the block and put them back after it.

    Only for removing rows that must go: the synthetic demo practice on ``demo --reset``, an
    erasure on a legal order (``docs/immutability.md``), the test suite's flush on SQLite.
    It needs the rights of the tables' owner. Everything happens in one transaction (a
    savepoint when one is open): the triggers are re-created from their stored definitions
    before it commits, an error rolls the drop back with the rest, and on PostgreSQL the
    tables stay locked against other writers meanwhile, so no other change ever runs
    without them.
    """
    with transaction.atomic(using=connection.alias):
        triggers = installed(connection)
        with connection.cursor() as cursor:
            for name, (table, _sql) in triggers.items():
                on = f' ON "{table}"' if connection.vendor == "postgresql" else ""
                cursor.execute(f"DROP TRIGGER {name}{on}")
        yield
        with connection.cursor() as cursor:
            for _table, sql in triggers.values():
                cursor.execute(sql)


# INSERT into a signed session: a new area, or a new injection line that is not a correction
# (a correction names the line it ``replaces`` and its amendment), would change what was signed
# as surely as an UPDATE. Installed by the records migration ``*_refuse_additions_to_signed``.
INSERT_PROTECTIONS: dict[str, tuple[str, str]] = {
    # table: (the extra condition under which the row is an addition, the refusal's words)
    "treatments_injection": (
        "NEW.replaces_id IS NULL",
        gettext_noop(
            "The session is signed; a line cannot be added to it (correct a line instead)."
        ),
    ),
    "treatments_sessionarea": (
        "TRUE",
        gettext_noop("The session is signed; an area cannot be added to it."),
    ),
    # A point of a signed session's map is added only by a map amendment, which it names.
    "treatments_injectionmappoint": (
        "NEW.amendment_id IS NULL",
        gettext_noop("The session is signed; its injection map changes only by amendment."),
    ),
}
_SESSION_SIGNED = (
    f'EXISTS (SELECT 1 FROM "{SESSIONS_TABLE}" s WHERE s.id = NEW.session_id '
    "AND s.signed_at IS NOT NULL)"
)


def _insert_function(table: str) -> str:
    return f"mc_refuse_insert_{table}"


def create_insert_statements(vendor: str, tables: Iterable[str]) -> list[str]:
    """The SQL of the triggers that refuse additions to a signed session, for ``tables``
    (each a key of ``INSERT_PROTECTIONS``)."""
    statements: list[str] = []
    for table in tables:
        condition, message = INSERT_PROTECTIONS[table]
        name = f"{TRIGGER_PREFIX}{table}_insert"
        when = f"{condition} AND {_SESSION_SIGNED}"
        if vendor == "postgresql":
            function = _insert_function(table)
            statements.append(_PG_FUNCTION_SQL.format(name=function, condition=when, marker=MARKER))
            statements.append(
                f'CREATE TRIGGER {name} BEFORE INSERT ON "{table}" FOR EACH ROW '
                f"EXECUTE FUNCTION {function}({_sql_text(message)})"
            )
        elif vendor == "sqlite":
            statements.append(
                f'CREATE TRIGGER {name} BEFORE INSERT ON "{table}" FOR EACH ROW WHEN {when} '
                f"BEGIN SELECT RAISE(ABORT, {_sql_text(MARKER + message)}); END"
            )
        else:
            raise NotImplementedError(f"No immutability triggers for {vendor}.")
    return statements


def drop_insert_statements(vendor: str, tables: Iterable[str]) -> list[str]:
    statements = []
    for table in tables:
        on = f' ON "{table}"' if vendor == "postgresql" else ""
        statements.append(f"DROP TRIGGER IF EXISTS {TRIGGER_PREFIX}{table}_insert{on}")
        if vendor == "postgresql":
            statements.append(f"DROP FUNCTION IF EXISTS {_insert_function(table)}()")
    return statements


_REFUSAL = re.compile(re.escape(MARKER) + r"([^\n]+)")


def refusal_message(error: BaseException) -> str | None:
    """The user-facing words of a trigger's refusal, or None if ``error`` is something else."""
    if not isinstance(error, IntegrityError):
        return None
    found = _REFUSAL.search(str(error))
    return found.group(1).strip() if found else None


@contextmanager
def refusals_as_errors() -> Iterator[None]:
    """Raise a trigger's refusal as ``ImmutableRecordError``, with the ORM guard's words."""
    try:
        yield
    except IntegrityError as error:
        message = refusal_message(error)
        if message is None:
            raise
        raise ImmutableRecordError(message) from error
