"""The database triggers that keep the cached chart history honest (``chart_cache.py``).

Every table whose rows the chart's history shows has a trigger after INSERT, UPDATE and
DELETE (for each row on SQLite; on PostgreSQL for each statement, or each row of the
clinic-wide tables) that gives the row's patient (or, for shared reference rows, the row's
clinic) a new random stamp in ``workspace_chartversion``. In the database, not in Django's
signals: ``queryset.update()``, ``bulk_create``, the registry import's bulk path, raw SQL and a
restore's rows all change the stamp, in the same transaction as the change itself, so a stamp
is never visible without the rows it stands for.

On PostgreSQL a clinic's stamp is written at commit (constraint triggers, deferred): a
transaction takes its patients' stamps while it runs and the clinic's last, so two writers
never each hold a stamp the other waits for (a signing that uses a lot up and a correction of
the same patient deadlocked; ``workspace/tests/test_chart_cache_concurrency.py``).

``TRACKED`` is the list; ``tests/test_chart_cache.py`` renders a chart with a cold cache and
fails if any table its history queries read has no trigger here.

Two clinic-wide tables take writes many times a day that change nothing a chart shows: a
lot's stock count (every signed session) and the clinic's next MRN (every new patient). Their
UPDATE trigger fires only when the statement sets a column the history may show
(``UPDATE OF`` every column but those in ``UNSHOWN``), so these writes do not re-draw every
chart of the clinic (docs/performance.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.backends.base.base import BaseDatabaseWrapper

TRIGGER_PREFIX = "mc_chart_version_"
VERSION_TABLE = "workspace_chartversion"
OPERATIONS = ("INSERT", "UPDATE", "DELETE")


def trigger_name(table: str, operation: str) -> str:
    """The name of ``table``'s trigger on ``operation`` (and of its function, on PostgreSQL)."""
    return f"{TRIGGER_PREFIX}{table}_{operation.lower()}"


@dataclass(frozen=True)
class Source:
    """Whose stamp a row of ``table`` changes: ``scope`` "p" (a patient) or "c" (a clinic),
    the id read from ``column`` of the row, or through ``parent`` (``column`` is then the
    row's key to a parent row, whose ``patient_id`` is the patient)."""

    table: str
    scope: str
    column: str
    parent: str = ""


_PATIENT_ROWS = (
    "consultations_consultation",
    "consent_consent",
    "plans_treatmentplan",
    "treatments_treatmentsession",
    "safety_adverseevent",
    "outcomes_measurement",
    "appointments_patientmessage",
    "appointments_appointment",
)
# Rows every chart of a clinic may show: a product's name, a lot's number, a consent
# template's title, an appointment type's name, the clinic's zone and settings. Amendments are
# here too: they name their record by content type and id, not by patient, and are rare
# (a correction, a withdrawal), so a clinic-wide change is cheap enough.
_CLINIC_ROWS = (
    "consent_consenttemplate",
    "formulary_product",
    "formulary_lot",
    "appointments_appointmenttype",
    "records_amendment",
)

TRACKED: tuple[Source, ...] = (
    *(Source(t, "p", "patient_id") for t in _PATIENT_ROWS),
    Source("patients_patient", "p", "id"),
    Source("treatments_sessionarea", "p", "session_id", "treatments_treatmentsession"),
    Source("treatments_injection", "p", "session_id", "treatments_treatmentsession"),
    Source("treatments_injectionmappoint", "p", "session_id", "treatments_treatmentsession"),
    Source("plans_planarea", "p", "plan_id", "plans_treatmentplan"),
    *(Source(t, "c", "clinic_id") for t in _CLINIC_ROWS),
    Source("clinics_clinic", "c", "id"),
)

# Columns of a clinic-wide table that no chart's history reads (``test_chart_cache_narrow.py``
# fails if it reads one): an UPDATE that sets only these fires no trigger. An exclusion list,
# not a list of the shown columns, so that a column added later is watched by default (and
# the same test fails until the trigger is recreated with it).
UNSHOWN: dict[str, frozenset[str]] = {
    # The stock count and the edit counter that signing a session and correcting a line
    # change on each lot they use; updated_at, which only save() sets, with other columns.
    "formulary_lot": frozenset({"remaining_ml", "version", "updated_at"}),
    # The MRN counter each new patient takes (patients/services.py next_mrn), and the edit
    # counter of the clinic's settings.
    "clinics_clinic": frozenset({"next_mrn", "version"}),
}

_NEW_STAMP = {"sqlite": "lower(hex(randomblob(16)))", "postgresql": "gen_random_uuid()::text"}


def _upsert(source: Source, row: str, vendor: str) -> str:
    """One statement: the stamp of the scope that ``row`` (NEW or OLD) names is replaced."""
    stamp = _NEW_STAMP[vendor]
    if source.parent:
        select = (
            f"SELECT '{source.scope}:' || patient_id, {stamp} FROM \"{source.parent}\" "
            f"WHERE id = {row}.{source.column}"
        )
    else:
        # A WHERE even where the key cannot be null: SQLite's parser needs one before ON
        # CONFLICT in an INSERT … SELECT.
        value = f"{row}.{source.column}"
        select = f"SELECT '{source.scope}:' || {value}, {stamp} WHERE {value} IS NOT NULL"
    return (
        f"INSERT INTO {VERSION_TABLE} (scope, stamp) {select} "
        "ON CONFLICT (scope) DO UPDATE SET stamp = excluded.stamp;"
    )


# PostgreSQL: one trigger per statement, reading the statement's rows from its transition
# tables, so a bulk write (the registry import's COPY of 100k rows) changes each patient's
# stamp once, not once per row. The scopes are taken in order, so that two statements lock
# the stamp rows they share in the same order.
_TRANSITION = {
    "INSERT": ("NEW TABLE AS new_rows", ("new_rows",)),
    "UPDATE": ("OLD TABLE AS old_rows NEW TABLE AS new_rows", ("new_rows", "old_rows")),
    "DELETE": ("OLD TABLE AS old_rows", ("old_rows",)),
}


def _pg_statement_trigger(source: Source, operation: str) -> list[str]:
    name = trigger_name(source.table, operation)
    referencing, tables = _TRANSITION[operation]
    keys = " UNION ".join(f"SELECT {source.column} AS k FROM {t}" for t in tables)
    if source.parent:
        scopes = (
            f"SELECT DISTINCT '{source.scope}:' || p.patient_id AS scope "
            f'FROM "{source.parent}" p WHERE p.id IN ({keys})'
        )
    else:
        scopes = (
            f"SELECT DISTINCT '{source.scope}:' || r.k AS scope FROM ({keys}) r "
            "WHERE r.k IS NOT NULL"
        )
    return _pg_trigger(
        name,
        scopes,
        f'AFTER {operation} ON "{source.table}" REFERENCING {referencing} FOR EACH STATEMENT',
    )


def _pg_row_trigger(
    source: Source, operation: str, columns: list[str] | None, at_commit: bool
) -> list[str]:
    """A row trigger of a clinic-wide table: at commit (``at_commit``, a constraint trigger
    deferred to the end of the transaction), or narrowed to ``columns`` on UPDATE (PostgreSQL
    refuses a column list on a trigger with transition tables). Their tables take few rows a
    statement, and a statement of many rows of one clinic replaces the same stamp each time."""
    if source.parent:
        raise ValueError(f"{source.table}: a row trigger reads its scope from the row")
    name = trigger_name(source.table, operation)
    keys = ", ".join(f"({row}.{source.column})" for row in _rows(operation))
    scopes = (
        f"SELECT DISTINCT '{source.scope}:' || r.k AS scope FROM (VALUES {keys}) r(k) "
        "WHERE r.k IS NOT NULL"
    )
    event = f"UPDATE OF {_column_list(columns)}" if operation == "UPDATE" and columns else operation
    timing = " DEFERRABLE INITIALLY DEFERRED" if at_commit else ""
    return _pg_trigger(
        name,
        scopes,
        f'AFTER {event} ON "{source.table}"{timing} FOR EACH ROW',
        constraint=at_commit,
    )


def _pg_trigger(name: str, scopes: str, when: str, constraint: bool = False) -> list[str]:
    """A PostgreSQL trigger function giving each scope that ``scopes`` (SQL) selects a new
    stamp, in scope order (two writers lock the stamp rows in the same order), and the
    trigger that runs it ``when`` (its AFTER … FOR EACH clause; a CONSTRAINT trigger if
    ``constraint``)."""
    upsert = (
        f"INSERT INTO {VERSION_TABLE} (scope, stamp) SELECT s.scope, {_NEW_STAMP['postgresql']} "
        f"FROM ({scopes}) s ORDER BY s.scope "
        "ON CONFLICT (scope) DO UPDATE SET stamp = excluded.stamp;"
    )
    return [
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN {upsert} RETURN NULL; END $$",
        f"CREATE {'CONSTRAINT ' if constraint else ''}TRIGGER {name} {when} "
        f"EXECUTE FUNCTION {name}()",
    ]


def _column_list(columns: list[str]) -> str:
    return ", ".join(f'"{c}"' for c in columns)


def watched_columns(connection: BaseDatabaseWrapper) -> dict[str, list[str]]:
    """For each table of ``UNSHOWN``, the columns its UPDATE trigger is to watch: every column
    the table has now but the unshown, in the table's order."""
    watched = {}
    with connection.cursor() as cursor:
        for table, unshown in UNSHOWN.items():
            columns = connection.introspection.get_table_description(cursor, table)
            watched[table] = [c.name for c in columns if c.name not in unshown]
    return watched


def _rows(operation: str) -> tuple[str, ...]:
    # An update changes the stamps of the row's scope before and after (a row moved to
    # another patient leaves both charts changed).
    return {"INSERT": ("NEW",), "UPDATE": ("NEW", "OLD"), "DELETE": ("OLD",)}[operation]


def create_statements(
    vendor: str,
    sources: tuple[Source, ...] = TRACKED,
    operations: tuple[str, ...] = OPERATIONS,
    watched: dict[str, list[str]] | None = None,
    clinic_at_commit: bool = True,
) -> list[str]:
    """The triggers of ``sources`` on ``operations``; the UPDATE trigger of a table in
    ``watched`` fires only when the statement sets one of its columns (``watched_columns``).
    On PostgreSQL, a clinic's stamp is written at commit (``clinic_at_commit``; False: as each
    statement ends, as migrations 0002 and 0003 created them)."""
    statements = []
    for source in sources:
        columns = (watched or {}).get(source.table)
        if vendor == "sqlite":
            for operation in operations:
                body = " ".join(_upsert(source, row, vendor) for row in _rows(operation))
                event = operation
                if operation == "UPDATE" and columns:
                    event = f"UPDATE OF {_column_list(columns)}"
                statements.append(
                    f"CREATE TRIGGER {trigger_name(source.table, operation)} AFTER {event} ON "
                    f'"{source.table}" FOR EACH ROW BEGIN {body} END'
                )
        elif vendor == "postgresql":
            for operation in operations:
                at_commit = clinic_at_commit and source.scope == "c"
                if at_commit or (operation == "UPDATE" and columns):
                    statements += _pg_row_trigger(source, operation, columns, at_commit)
                else:
                    statements += _pg_statement_trigger(source, operation)
        else:
            raise NotImplementedError(f"No chart version triggers for {vendor}.")
    return statements


def drop_statements(
    vendor: str, sources: tuple[Source, ...] = TRACKED, operations: tuple[str, ...] = OPERATIONS
) -> list[str]:
    statements = []
    for source in sources:
        for operation in operations:
            name = trigger_name(source.table, operation)
            if vendor == "postgresql":
                statements.append(f'DROP TRIGGER IF EXISTS {name} ON "{source.table}"')
                statements.append(f"DROP FUNCTION IF EXISTS {name}()")
            else:
                statements.append(f"DROP TRIGGER IF EXISTS {name}")
    return statements


def installed(connection: BaseDatabaseWrapper) -> dict[str, set[str]]:
    """The chart version triggers in the database: table -> the operations they fire on."""
    found: dict[str, set[str]] = {}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT event_object_table, event_manipulation FROM information_schema.triggers "
                "WHERE starts_with(trigger_name, %s) AND action_timing = 'AFTER'",
                [TRIGGER_PREFIX],
            )
            for table, operation in cursor.fetchall():
                found.setdefault(table, set()).add(operation.upper())
        else:
            cursor.execute(
                "SELECT name, tbl_name FROM sqlite_master "
                "WHERE type = 'trigger' AND substr(name, 1, %s) = %s",
                [len(TRIGGER_PREFIX), TRIGGER_PREFIX],
            )
            for name, table in cursor.fetchall():
                found.setdefault(table, set()).add(name.rsplit("_", 1)[1].upper())
    return found


_SQLITE_UPDATE_OF = re.compile(r"AFTER\s+UPDATE\s+OF\s+(.*?)\s+ON\s", re.IGNORECASE | re.DOTALL)


def installed_update_columns(connection: BaseDatabaseWrapper, table: str) -> set[str] | None:
    """The columns the installed UPDATE trigger of ``table`` watches; None if it fires on
    every update (or there is none)."""
    name = trigger_name(table, "UPDATE")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT event_object_column FROM information_schema.triggered_update_columns "
                "WHERE trigger_name = %s AND event_object_table = %s",
                [name, table],
            )
            return {column for (column,) in cursor.fetchall()} or None
        cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = %s", [name])
        row = cursor.fetchone()
    found = _SQLITE_UPDATE_OF.search(row[0]) if row else None
    if found is None:
        return None
    return {column.strip().strip('"') for column in found.group(1).split(",")}
