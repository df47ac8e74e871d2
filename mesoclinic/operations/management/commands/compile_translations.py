"""``mesoclinic compile-translations``: every ``.po`` catalogue to the ``.mo`` Django reads.

Pure Python (Babel): works without GNU gettext. ``./dev`` runs it after installing.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from mesoclinic.operations import catalogues


class Command(BaseCommand):
    help = "Compile the translation catalogues (.po) to .mo files, without GNU gettext."

    def handle(self, *args: Any, **options: Any) -> None:
        found = catalogues.catalogues()
        for po in found:
            catalogues.compile_catalogue(po)
        self.stdout.write(f"compiled {len(found)} catalogues")
