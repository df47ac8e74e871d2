"""The clinics' operator commands: create-clinic adds a practice, and every command that
takes ``--clinic SLUG`` refuses an unknown slug with the same message."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from mesoclinic.clinics.models import Clinic

pytestmark = pytest.mark.django_db


def test_it_creates_a_clinic() -> None:
    # given no clinic
    out = StringIO()
    # when
    call_command(
        "create_clinic", "lakeside", name="Lakeside Clinic", time_zone="Europe/Madrid", stdout=out
    )
    # then
    clinic = Clinic.objects.get(slug="lakeside")
    assert (clinic.name, clinic.time_zone) == ("Lakeside Clinic", "Europe/Madrid")
    assert out.getvalue().strip() == "created clinic lakeside (Lakeside Clinic)"


def test_it_refuses_a_taken_slug(riverside: Clinic) -> None:
    # given riverside exists
    # when / then
    with pytest.raises(
        CommandError, match="slug: a clinic with the slug 'riverside' already exists"
    ):
        call_command("create_clinic", "riverside", name="Another")
    assert Clinic.objects.filter(slug="riverside").count() == 1


def test_it_names_the_field_of_an_invalid_clinic() -> None:
    # given a time zone that does not exist
    # when / then
    with pytest.raises(CommandError, match="time_zone: 'Mars/Olympus' is not a time zone name"):
        call_command("create_clinic", "mars", name="Mars", time_zone="Mars/Olympus")
    assert not Clinic.objects.filter(slug="mars").exists()


@pytest.mark.parametrize(
    ("command", "args", "returncode"),
    [
        ("import_registry", ["bundle"], 1),
        ("export_registry", ["bundle"], 1),
        ("recall", ["--lot", "PC-001"], 2),
        ("safety_signals", [], 2),
        ("evidence_report", ["--indication", "cellulite"], 2),
        ("run_due", [], 1),
    ],
)
def test_it_names_an_unknown_clinic_the_same_way_in_every_command(
    riverside: Clinic, command: str, args: list[str], returncode: int
) -> None:
    # given only riverside
    # when a command is given a slug no clinic has
    with pytest.raises(CommandError) as refused:
        call_command(command, *args, "--clinic", "nowhere")
    # then it names the option and the slug, with the command's exit status for bad input
    assert str(refused.value) == "--clinic: no clinic has the slug 'nowhere'."
    assert refused.value.returncode == returncode
