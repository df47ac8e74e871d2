"""The triggers that change a chart's version stamp on every write to a row its history
shows (mesoclinic/workspace/chart_triggers.py, docs/performance.md)."""

from __future__ import annotations

from typing import Any

from django.db import migrations

from mesoclinic.workspace import chart_triggers


def install(apps: Any, schema_editor: Any) -> None:
    for sql in chart_triggers.create_statements(
        schema_editor.connection.vendor, clinic_at_commit=False
    ):
        schema_editor.execute(sql, params=None)


def uninstall(apps: Any, schema_editor: Any) -> None:
    for sql in chart_triggers.drop_statements(schema_editor.connection.vendor):
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("workspace", "0001_initial"),
        ("appointments", "0002_patient_messages"),
        ("clinics", "0006_clinic_and_member_language"),
        ("consent", "0006_consent_practice_rates"),
        ("consultations", "0001_initial"),
        ("formulary", "0002_recall_contact"),
        ("outcomes", "0002_registry_extra"),
        ("patients", "0005_patient_preferred_language"),
        ("plans", "0001_initial"),
        ("records", "0004_injection_map_triggers"),
        ("safety", "0004_signal_state"),
        ("treatments", "0007_injection_map"),
    ]

    operations = [migrations.RunPython(install, uninstall, elidable=False)]
