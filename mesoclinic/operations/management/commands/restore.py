"""``mesoclinic restore PATH``: a backup into an EMPTY database, checked against its manifest.

DATABASE_URL=sqlite:///srv/mesoclinic/restored.sqlite3 mesoclinic restore /var/backups/…/2026-12-02

The configured database must have no tables (a new SQLite file, or ``createdb NAME``). After
the restore the command compares rows per table, triggers and applied migrations with the
manifest, runs ``verify-audit`` when this version has it, and exits 1 on any difference.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils.translation import gettext as _

from mesoclinic.operations.backup import BackupError
from mesoclinic.operations.databases import Database, DatabaseToolMissing
from mesoclinic.operations.health import pending_migrations
from mesoclinic.operations.restore import restore
from mesoclinic.records.immutability import TRIGGER_PREFIX

AUDIT_COMMAND = "verify_audit"


class Command(BaseCommand):
    help = "Restore a backup into an empty database and check it against the backup's manifest."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="the backup's folder (with manifest.json)")

    def handle(self, *args: Any, **options: Any) -> None:
        connection = connections[DEFAULT_DB_ALIAS]
        folder = Path(options["path"])
        # The restore writes below Django; its own connection must not hold the file or a lock.
        connection.close()
        try:
            database = Database.from_settings(connection.settings_dict, connection.vendor)
            self.stderr.write(
                _("==> Restoring %(folder)s into the %(database)s")
                % {"folder": folder, "database": database.describe()}
            )
            result = restore(folder, database, lambda message: self.stderr.write(f"    {message}"))
        except (BackupError, DatabaseToolMissing, ValueError) as error:
            raise CommandError(str(error)) from error
        if not result.ok:
            raise CommandError(
                _("The restored database does not match the backup's manifest:")
                + "\n  "
                + "\n  ".join(result.problems())
            )
        immutable = [name for name in result.triggers if name.startswith(TRIGGER_PREFIX)]
        self.stdout.write(
            _(
                "Restored: %(tables)d tables and %(rows)d rows, as in the manifest; %(triggers)d "
                "triggers (%(immutable)d refusing changes to signed records and the audit "
                "trail); %(migrations)d migrations applied; %(files)d private files (photos) "
                "restored."
            )
            % {
                "tables": result.tables,
                "rows": result.rows,
                "triggers": len(result.triggers),
                "immutable": len(immutable),
                "migrations": len(result.applied_migrations),
                "files": result.files_restored,
            }
        )
        pending = pending_migrations(set(result.applied_migrations))
        if pending:
            self.stdout.write(
                _(
                    "The backup predates %(count)d of this version's migrations: "
                    "run `mesoclinic migrate` before serving."
                )
                % {"count": len(pending)}
            )
        self._verify_audit()

    def _verify_audit(self) -> None:
        if AUDIT_COMMAND not in get_commands():
            self.stdout.write(
                _("Audit chain: not checked (this version has no verify-audit command).")
            )
            return
        self.stderr.write(_("==> Checking the audit chain (verify-audit)"))
        try:
            call_command(AUDIT_COMMAND, stdout=self.stdout, stderr=self.stderr)
        except SystemExit as exit_:
            if exit_.code not in (0, None):
                raise CommandError(
                    _("The restored audit chain is broken (verify-audit).")
                ) from exit_
