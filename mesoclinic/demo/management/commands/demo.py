"""``mesoclinic demo``: migrate, load the synthetic demo practice once, print the logins, serve.

mesoclinic demo                     # http://127.0.0.1:8000
mesoclinic demo --reset             # rebuild the demo practices from scratch
mesoclinic demo --no-serve          # load and print the logins only (tests, CI)
mesoclinic demo --addrport 0.0.0.0:8080

It also makes the demo's own pseudonym key (var/demo-pseudonym.key) and prints how to take
a de-identified export with it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from mesoclinic.demo.services import DemoError, demo_pseudonym_key, load_demo, logins
from mesoclinic.registry.pseudonym_key import KEY_FILE_ENV

DEFAULT_ADDRPORT = "127.0.0.1:8000"


class Command(BaseCommand):
    help = "Set up and serve the synthetic demo practice (Riverside Aesthetics and Hilltop Skin Clinic)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset", action="store_true", help="delete the demo practices and build them again"
        )
        parser.add_argument(
            "--no-serve", action="store_true", help="load the demo and print the logins, then exit"
        )
        parser.add_argument(
            "--addrport",
            default=DEFAULT_ADDRPORT,
            help=f"where to serve (default {DEFAULT_ADDRPORT})",
        )
        parser.add_argument("--seed", type=int, default=1, help="random seed of the synthetic data")
        parser.add_argument(
            "--patients", type=int, default=None, help="Riverside patients (default 200)"
        )
        parser.add_argument(
            "--hilltop-patients", type=int, default=None, help="Hilltop patients (default 20)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = int(options["verbosity"])
        self.stderr.write("==> Applying database migrations")
        call_command("migrate", interactive=False, verbosity=max(0, verbosity - 1))
        self.stderr.write("==> Loading the demo practice")
        try:
            load_demo(
                seed=options["seed"],
                patients=options["patients"],
                hilltop_patients=options["hilltop_patients"],
                reset=options["reset"],
                report=lambda message: self.stderr.write(f"    {message}"),
            )
        except DemoError as error:
            raise CommandError(str(error)) from error
        self._print_logins(options["addrport"])
        key = demo_pseudonym_key(Path(settings.VAR_DIR))
        self.stdout.write("")
        self.stdout.write("De-identified export of the demo (with the demo's own pseudonym key):")
        self.stdout.write(
            f"  {KEY_FILE_ENV}={key} mesoclinic export-registry riverside-deid "
            "--clinic riverside --deidentified"
        )
        if options["no_serve"]:
            return
        call_command("runserver", options["addrport"], use_reloader=False)

    def _print_logins(self, addrport: str) -> None:
        rows = logins()
        header = ("Username", "Password", "Role", "Clinic")
        widths = [
            max(len(header[i]), *(len(str(r.__dict__[k])) for r in rows))
            for i, k in enumerate(("username", "password", "role", "clinic"))
        ]

        def line(cells: tuple[str, ...]) -> str:
            return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Demo logins (synthetic data only):"))
        self.stdout.write(line(header))
        self.stdout.write(line(tuple("-" * w for w in widths)))
        for r in rows:
            self.stdout.write(line((r.username, r.password, r.role, r.clinic)))
        self.stdout.write("")
        self.stdout.write(f"Open http://{addrport}/ and sign in with any of them.")
        self.stdout.write(
            "The demo clinics do not require a second sign-in step (an authenticator app code),"
            " so a password is enough here; a real clinic requires it of practitioners and"
            " admins. To try it: sign in as ada (admin), Settings > Second sign-in step, or set"
            " up your own under Sign-in security (docs/mfa.md)."
        )
