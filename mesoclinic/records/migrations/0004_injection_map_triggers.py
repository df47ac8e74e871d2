"""Database triggers for the injection map: a signed session's map points are never updated
or deleted, and a point is added to it only by a map amendment (it names the amendment).
mesoclinic/records/immutability.py, docs/immutability.md, docs/injection-map.md."""

from __future__ import annotations

from typing import Any

from django.db import migrations

from mesoclinic.records import immutability

TABLE = "treatments_injectionmappoint"


def install(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    for sql in immutability.create_statements(vendor, [TABLE]):
        schema_editor.execute(sql, params=None)
    for sql in immutability.create_insert_statements(vendor, [TABLE]):
        schema_editor.execute(sql, params=None)


def uninstall(apps: Any, schema_editor: Any) -> None:
    # Only this table's triggers: on PostgreSQL the rule's function is shared with the
    # injection lines' and areas' triggers, so it stays.
    vendor = schema_editor.connection.vendor
    on = f' ON "{TABLE}"' if vendor == "postgresql" else ""
    for operation in ("update", "delete", "insert"):
        name = f"{immutability.TRIGGER_PREFIX}{TABLE}_{operation}"
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}{on}", params=None)
    if vendor == "postgresql":
        function = f"mc_refuse_insert_{TABLE}"
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {function}()", params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0003_refuse_additions_to_signed"),
        ("treatments", "0007_injection_map"),
    ]

    operations = [migrations.RunPython(install, uninstall, elidable=False)]
