"""Phone numbers compared as one number however they were typed (patients.phone): the table of
formats a reception desk meets."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from mesoclinic.clinics.models import Clinic
from mesoclinic.envconfig import envregion
from mesoclinic.patients.models import Patient, phone_key
from mesoclinic.patients.phone import comparable, normalise_phone


@pytest.mark.parametrize(
    ("typed", "region", "key"),
    [
        ("+44 7700 900123", "GB", "+447700900123"),
        ("07700 900123", "GB", "+447700900123"),
        ("07700900123", "GB", "+447700900123"),
        ("(+44) 7700-900-123", "GB", "+447700900123"),
        ("0044 7700 900123", "GB", "+447700900123"),
        ("07700 900123 ext. 4", "GB", "+447700900123"),
        # a number with its country code is read the same in any region
        ("+44 7700 900123", "IE", "+447700900123"),
        ("+353 87 123 4567", "GB", "+353871234567"),
        # a national number belongs to the deployment's region
        ("087 123 4567", "IE", "+353871234567"),
        ("01632 960983", "GB", "+441632960983"),
        # what cannot be read as a number falls back to its digits
        ("call 07700-900-123!!", "US", "07700900123"),
        ("12", "GB", "12"),
        ("", "GB", ""),
        ("   ", "GB", ""),
    ],
)
def test_it_brings_every_format_to_one_key(typed: str, region: str, key: str) -> None:
    # given a phone number as typed, in a deployment's region
    # when it is normalised
    # then it is the one key of that number
    assert normalise_phone(typed, region) == key


def test_it_calls_too_short_a_number_not_comparable() -> None:
    assert not comparable(normalise_phone("112", "GB"))
    assert comparable(normalise_phone("07700 900123", "GB"))


@override_settings(PHONE_REGION="IE")
def test_it_reads_national_numbers_in_the_configured_region() -> None:
    assert phone_key("087 123 4567") == "+353871234567"


def test_it_refuses_an_unknown_region_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MESOCLINIC_PHONE_REGION", "Britain")
    with pytest.raises(ImproperlyConfigured, match="MESOCLINIC_PHONE_REGION"):
        envregion("MESOCLINIC_PHONE_REGION", "GB")
    monkeypatch.setenv("MESOCLINIC_PHONE_REGION", "ie")
    assert envregion("MESOCLINIC_PHONE_REGION", "GB") == "IE"


@pytest.mark.django_db
def test_it_keeps_the_normalised_phone_with_every_save(riverside: Clinic) -> None:
    # given a patient registered with a national number
    patient = Patient.objects.create(clinic=riverside, mrn="RV1", phone="07700 900123")
    assert patient.phone_normalised == "+447700900123"
    # when the phone alone is changed
    patient.phone = "+353 87 123 4567"
    patient.save(update_fields=["phone"])
    # then the stored key follows it
    patient.refresh_from_db()
    assert patient.phone_normalised == "+353871234567"


@pytest.mark.django_db
def test_it_backfills_the_patients_registered_before(riverside: Clinic) -> None:
    # given patients whose key was never computed (rows from before the migration)
    Patient.objects.bulk_create(
        [
            Patient(clinic=riverside, mrn="RV1", phone="07700 900123"),
            Patient(clinic=riverside, mrn="RV2", phone="n/a"),
            Patient(clinic=riverside, mrn="RV3"),
        ]
    )
    # when the migration's backfill runs
    migration = importlib.import_module("mesoclinic.patients.migrations.0004_phone_normalised")
    migration.backfill(apps, None)
    # then each has its key
    keys = dict(Patient.objects.values_list("mrn", "phone_normalised"))
    assert keys == {"RV1": "+447700900123", "RV2": "", "RV3": ""}
