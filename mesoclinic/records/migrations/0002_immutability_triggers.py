"""Database triggers that refuse changes to signed records and to the audit trail.

What they refuse and why: mesoclinic/records/immutability.py and docs/immutability.md.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

from mesoclinic.records import immutability

# The tables this migration protects, fixed here so that a later change to the module's list
# comes with its own migration instead of altering what this one does.
TABLES = (
    "treatments_treatmentsession",
    "treatments_injection",
    "treatments_sessionarea",
    "consent_consent",
    "consultations_consultation",
    "audit_auditevent",
    "records_amendment",
)


def install(apps: Any, schema_editor: Any) -> None:
    for sql in immutability.create_statements(schema_editor.connection.vendor, TABLES):
        schema_editor.execute(sql, params=None)


def uninstall(apps: Any, schema_editor: Any) -> None:
    for sql in immutability.drop_statements(schema_editor.connection.vendor, TABLES):
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0001_initial"),
        ("audit", "0001_initial"),
        ("consent", "0002_consent_withdrawal_reason"),
        ("consultations", "0001_initial"),
        ("treatments", "0003_dose_override"),
    ]

    operations = [migrations.RunPython(install, uninstall, elidable=False)]
