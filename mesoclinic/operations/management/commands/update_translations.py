"""``mesoclinic update-translations [APP …]``: add newly marked strings to the catalogues.

Runs Django's ``makemessages`` for fr, it and es where each catalogue lives: inside each app
(its own ``locale/``, created if missing, so its strings never land in the project's), and
for the project's templates and modules outside apps (``mesoclinic/locale``, every app
folder ignored). Needs GNU gettext (``xgettext``, ``msgmerge``). Existing translations are
kept; new messages arrive untranslated and ``./dev lint`` fails until they are translated.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mesoclinic.operations import catalogues


class Command(BaseCommand):
    help = "Extract marked strings into each app's fr/it/es catalogues (needs GNU gettext)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "apps",
            nargs="*",
            help="app folder names (e.g. consent); 'project' for the "
            "templates and modules outside apps; none: every folder with a locale/ already",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        root = catalogues.PACKAGE
        names: list[str] = options["apps"]
        if names:
            owners = [root if n == "project" else root / n for n in names]
        else:
            owners = catalogues.locale_owners()
        for owner in owners:
            if owner != root and not (owner / "apps.py").exists():
                raise CommandError(f"{owner.name} is not an app folder of mesoclinic")
            (owner / "locale").mkdir(exist_ok=True)
            catalogues.makemessages(owner, root)
            self.stdout.write(f"updated {owner.relative_to(root.parent)}/locale")
