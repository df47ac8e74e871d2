"""``mesoclinic backup PATH``: a consistent copy of the live database and its manifest.

mesoclinic backup /var/backups/mesoclinic/2026-12-02

PATH is a new (or empty) folder. SQLite is copied with its online backup API, PostgreSQL with
``pg_dump`` (custom format); both while the practice keeps working. ``docs/backup.md``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils.translation import gettext as _

from mesoclinic.operations.backup import BackupError, backup
from mesoclinic.operations.databases import Database, DatabaseToolMissing


class Command(BaseCommand):
    help = "Back up the database (while it runs) into a new folder, with a manifest of row counts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="a new or empty folder to write the backup into")

    def handle(self, *args: Any, **options: Any) -> None:
        connection = connections[DEFAULT_DB_ALIAS]
        folder = Path(options["path"])
        try:
            database = Database.from_settings(connection.settings_dict, connection.vendor)
            self.stderr.write(
                _("==> Backing up the %(database)s into %(folder)s")
                % {"database": database.describe(), "folder": folder}
            )
            manifest = backup(
                connection, folder, lambda message: self.stderr.write(f"    {message}")
            )
        except (BackupError, DatabaseToolMissing, ValueError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            _(
                "Backup written to %(folder)s: %(tables)d tables, %(rows)d rows, %(bytes)d bytes "
                "(SHA-256 %(sha)s…)."
            )
            % {
                "folder": folder,
                "tables": len(manifest.tables),
                "rows": manifest.total_rows,
                "bytes": manifest.size_bytes,
                "sha": manifest.sha256[:16],
            }
        )
