"""Database triggers: an issued invoice (or credit note), its lines and every payment are
never changed or deleted, whatever the path (``update()``, raw SQL, a console).

Issuing itself, the UPDATE that sets ``issued_at`` from NULL, still works (the trigger looks at
the row as stored). The names start with ``mc_immutable_`` so that
``records.immutability.suspended`` (demo reset, the test suite's flush on SQLite) sets them
aside like the other immutability triggers, and the message with ``immutable record: `` so
that the records middleware answers a refusal with its 409 page.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

MARKER = "immutable record: "
ISSUED = "An issued invoice cannot be changed; refund it with a credit note."
PAYMENT = "A payment cannot be changed or deleted."
LINE_ISSUED = (
    'EXISTS (SELECT 1 FROM "billing_invoice" i WHERE i.issued_at IS NOT NULL AND i.id IN ({ids}))'
)

# (trigger name, table, event, SQLite WHEN condition or None for always, message)
TRIGGERS = (
    ("invoice_update", "billing_invoice", "UPDATE", "OLD.issued_at IS NOT NULL", ISSUED),
    ("invoice_delete", "billing_invoice", "DELETE", "OLD.issued_at IS NOT NULL", ISSUED),
    (
        "invoiceline_insert",
        "billing_invoiceline",
        "INSERT",
        LINE_ISSUED.format(ids="NEW.invoice_id"),
        ISSUED,
    ),
    (
        "invoiceline_update",
        "billing_invoiceline",
        "UPDATE",
        LINE_ISSUED.format(ids="OLD.invoice_id, NEW.invoice_id"),
        ISSUED,
    ),
    (
        "invoiceline_delete",
        "billing_invoiceline",
        "DELETE",
        LINE_ISSUED.format(ids="OLD.invoice_id"),
        ISSUED,
    ),
    ("payment_update", "billing_payment", "UPDATE", None, PAYMENT),
    ("payment_delete", "billing_payment", "DELETE", None, PAYMENT),
)

_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION mc_billing_refuse_{name}() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
    IF {condition} THEN
        RAISE EXCEPTION USING ERRCODE = 'integrity_constraint_violation',
            MESSAGE = '{marker}{message}';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$body$
"""


def install(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    for name, table, event, condition, message in TRIGGERS:
        trigger = f"mc_immutable_billing_{name}"
        if vendor == "postgresql":
            schema_editor.execute(
                _PG_FUNCTION.format(
                    name=name, condition=condition or "TRUE", marker=MARKER, message=message
                ),
                params=None,
            )
            schema_editor.execute(
                f'CREATE TRIGGER {trigger} BEFORE {event} ON "{table}" FOR EACH ROW '
                f"EXECUTE FUNCTION mc_billing_refuse_{name}()",
                params=None,
            )
        elif vendor == "sqlite":
            when = f" WHEN {condition}" if condition else ""
            schema_editor.execute(
                f'CREATE TRIGGER {trigger} BEFORE {event} ON "{table}" FOR EACH ROW{when} '
                f"BEGIN SELECT RAISE(ABORT, '{MARKER}{message}'); END",
                params=None,
            )
        else:
            raise NotImplementedError(f"No billing triggers for {vendor}.")


def uninstall(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    for name, table, _event, _condition, _message in TRIGGERS:
        on = f' ON "{table}"' if vendor == "postgresql" else ""
        schema_editor.execute(f"DROP TRIGGER IF EXISTS mc_immutable_billing_{name}{on}")
        if vendor == "postgresql":
            schema_editor.execute(f"DROP FUNCTION IF EXISTS mc_billing_refuse_{name}()")


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial")]

    operations = [migrations.RunPython(install, uninstall, elidable=False)]
