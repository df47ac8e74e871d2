"""``mesoclinic create-clinic SLUG --name NAME``: add a practice (an operator's command)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from mesoclinic.clinics.models import Clinic


class Command(BaseCommand):
    help = "Create a clinic: the unit that owns patients and records."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="short name used by other commands, e.g. riverside")
        parser.add_argument("--name", required=True, help="the clinic's name as shown to staff")
        parser.add_argument("--time-zone", default="Europe/London", help="IANA time zone")
        parser.add_argument("--currency", default="GBP", help="ISO 4217 code for prices")
        parser.add_argument("--mrn-prefix", default="MC", help="prefix of new patients' MRNs")

    def handle(self, *args: Any, **options: Any) -> None:
        slug = options["slug"]
        if Clinic.objects.filter(slug=slug).exists():
            raise CommandError(f"slug: a clinic with the slug '{slug}' already exists.")
        clinic = Clinic(
            slug=slug,
            name=options["name"],
            time_zone=options["time_zone"],
            currency=options["currency"],
            mrn_prefix=options["mrn_prefix"],
        )
        try:
            clinic.full_clean()
        except ValidationError as exc:
            problems = "; ".join(
                f"{field}: {' '.join(messages)}" for field, messages in exc.message_dict.items()
            )
            raise CommandError(problems) from exc
        clinic.save()
        self.stdout.write(f"created clinic {clinic.slug} ({clinic.name})")
