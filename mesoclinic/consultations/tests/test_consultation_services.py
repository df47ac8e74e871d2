"""The consultation's services read the visit day in the clinic's zone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from mesoclinic.consultations.services import questionnaire_for

pytestmark = pytest.mark.django_db


def test_it_reckons_the_age_at_the_visit_on_the_clinics_day(riverside, patient):
    # given a clinic in Kiritimati (UTC+14) and a patient who turns 18 on 16 January 2025
    riverside.time_zone = "Pacific/Kiritimati"
    riverside.save()
    patient.birth_date = dt.date(2007, 1, 16)
    patient.save()
    patient.refresh_from_db()
    # and a visit at 23:30 UTC on the 15th: already the 16th at the clinic
    visit = dt.datetime(2025, 1, 15, 23, 30, tzinfo=dt.UTC)
    # when the questionnaire is built while another zone is active (a command, a user abroad)
    with timezone.override("Europe/London"):
        questionnaire = questionnaire_for(patient, {"consulted_at": visit})
    # then the patient's age is the one on the clinic's date of the visit
    assert questionnaire.age_years == 18
