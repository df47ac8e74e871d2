"""What the operator commands share about clinics: finding the one ``--clinic SLUG`` names."""

from __future__ import annotations

from django.core.management.base import CommandError

from mesoclinic.clinics.models import Clinic


def clinic_by_slug(slug: str, *, returncode: int = 1) -> Clinic:
    """The clinic that a command's ``--clinic SLUG`` names, or a CommandError saying so.

    ``returncode`` is the command's exit status for invalid input: 2 for the commands whose
    help promises it (``recall``, ``safety-signals``, ``evidence-report``), else 1.
    """
    clinic = Clinic.objects.filter(slug=slug).first()
    if clinic is None:
        raise CommandError(f"--clinic: no clinic has the slug {slug!r}.", returncode=returncode)
    return clinic
