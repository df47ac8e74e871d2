"""Recording measurements in French, Italian and Spanish."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.translated_pages import LANGUAGES, get_in, untranslated, visible_text

pytestmark = pytest.mark.django_db

ENGLISH = [
    "Record measurements",
    "Measured values",
    "One row per value",
    "Date measured",
    "Weight (kg)",
    "Site role",
    "Save all",
    "Add a row",
    "Outer thigh",
    "Circumference",
]


@pytest.mark.parametrize("language", LANGUAGES)
def test_it_shows_the_measurement_form_in_the_users_language(login, alice, patient, language):
    # given alice at a patient's chart
    client = login(alice)
    # when she opens the form to record measurements in another language
    response = get_in(client, language, reverse("outcomes:record", args=[patient.public_id]))
    # then its headings, labels and the code lists' labels are translated
    assert response.status_code == 200
    assert untranslated(visible_text(response.content.decode()), ENGLISH) == []
