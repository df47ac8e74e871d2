"""Django's SQLite backend, except that a table rebuild keeps the database's triggers.

SQLite cannot alter most columns in place, so Django's migrations rebuild the table
(create ``new__t``, copy the rows, drop ``t``, rename). Dropping the table silently drops
its triggers, and a trigger of another table that names it (a session's injection lines
look up the session) makes the rename fail. Without this, the first migration that adds a
non-null field to a signed record's table would remove its immutability triggers
(``records.immutability``) on SQLite, or fail. Here every trigger is set aside for the
rebuild and re-created from its stored SQL right after, in the same transaction; one that
no longer fits the new table (it names a removed column) fails the migration loudly.
"""

from __future__ import annotations

from typing import Any

from django.db.backends.sqlite3 import base, schema


class DatabaseSchemaEditor(schema.DatabaseSchemaEditor):
    def _remake_table(self, model: Any, *args: Any, **kwargs: Any) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
            triggers = cursor.fetchall()
        # Through self.execute, so that sqlmigrate shows these statements instead of running them.
        for name, _sql in triggers:
            self.execute(f'DROP TRIGGER "{name}"', params=None)
        super()._remake_table(model, *args, **kwargs)  # type: ignore[misc]  # not in django-stubs
        for _name, sql in triggers:
            self.execute(sql, params=None)


class DatabaseWrapper(base.DatabaseWrapper):
    SchemaEditorClass = DatabaseSchemaEditor
