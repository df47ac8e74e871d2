"""Database triggers that refuse adding an area, or a line that is not a correction, to a
signed treatment session (mesoclinic/records/immutability.py, docs/immutability.md)."""

from __future__ import annotations

from typing import Any

from django.db import migrations

from mesoclinic.records import immutability

# The tables this migration protects, fixed here so that a later addition to the module's list
# comes with its own migration (0004: the injection map).
TABLES = ("treatments_injection", "treatments_sessionarea")


def install(apps: Any, schema_editor: Any) -> None:
    for sql in immutability.create_insert_statements(schema_editor.connection.vendor, TABLES):
        schema_editor.execute(sql, params=None)


def uninstall(apps: Any, schema_editor: Any) -> None:
    for sql in immutability.drop_insert_statements(schema_editor.connection.vendor, TABLES):
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0002_immutability_triggers"),
        # the ``replaces`` column the injection trigger reads
        ("treatments", "0005_injection_corrections"),
    ]

    operations = [migrations.RunPython(install, uninstall, elidable=False)]
