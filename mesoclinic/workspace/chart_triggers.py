"""The database triggers that keep the cached chart history honest (``chart_cache.py``).

Every table whose rows the chart's history shows has a trigger after INSERT, UPDATE and
DELETE (for each row on SQLite, for each statement on PostgreSQL) that gives the row's patient (or, for shared reference rows, the row's
clinic) a new random stamp in ``workspace_chartversion``. In the database, not in Django's
signals: ``queryset.update()``, ``bulk_create``, the registry import's bulk path, raw SQL and a
restore's rows all change the stamp, in the same transaction as the change itself, so a stamp
is never visible without the rows it stands for.

``TRACKED`` is the list; ``tests/test_chart_cache_coverage.py`` renders a chart with a cold
cache and fails if any table its history queries read has no trigger here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.backends.base.base import BaseDatabaseWrapper

TRIGGER_PREFIX = "mc_chart_version_"
VERSION_TABLE = "workspace_chartversion"
OPERATIONS = ("INSERT", "UPDATE", "DELETE")


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
    name = f"{TRIGGER_PREFIX}{source.table}_{operation.lower()}"
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
    upsert = (
        f"INSERT INTO {VERSION_TABLE} (scope, stamp) SELECT s.scope, {_NEW_STAMP['postgresql']} "
        f"FROM ({scopes}) s ORDER BY s.scope "
        "ON CONFLICT (scope) DO UPDATE SET stamp = excluded.stamp;"
    )
    return [
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN {upsert} RETURN NULL; END $$",
        f'CREATE TRIGGER {name} AFTER {operation} ON "{source.table}" '
        f"REFERENCING {referencing} FOR EACH STATEMENT EXECUTE FUNCTION {name}()",
    ]


def _rows(operation: str) -> tuple[str, ...]:
    # An update changes the stamps of the row's scope before and after (a row moved to
    # another patient leaves both charts changed).
    return {"INSERT": ("NEW",), "UPDATE": ("NEW", "OLD"), "DELETE": ("OLD",)}[operation]


def create_statements(vendor: str, sources: tuple[Source, ...] = TRACKED) -> list[str]:
    statements = []
    for source in sources:
        name = f"{TRIGGER_PREFIX}{source.table}"
        if vendor == "sqlite":
            for operation in OPERATIONS:
                body = " ".join(_upsert(source, row, vendor) for row in _rows(operation))
                statements.append(
                    f"CREATE TRIGGER {name}_{operation.lower()} AFTER {operation} ON "
                    f'"{source.table}" FOR EACH ROW BEGIN {body} END'
                )
        elif vendor == "postgresql":
            for operation in OPERATIONS:
                statements += _pg_statement_trigger(source, operation)
        else:
            raise NotImplementedError(f"No chart version triggers for {vendor}.")
    return statements


def drop_statements(vendor: str, sources: tuple[Source, ...] = TRACKED) -> list[str]:
    statements = []
    for source in sources:
        name = f"{TRIGGER_PREFIX}{source.table}"
        for operation in OPERATIONS:
            if vendor == "postgresql":
                statements.append(
                    f'DROP TRIGGER IF EXISTS {name}_{operation.lower()} ON "{source.table}"'
                )
                statements.append(f"DROP FUNCTION IF EXISTS {name}_{operation.lower()}()")
            else:
                statements.append(f"DROP TRIGGER IF EXISTS {name}_{operation.lower()}")
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
