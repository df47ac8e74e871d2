"""Every photo page, with photos on it, is in French, Italian and Spanish with no English
message of the catalogues left (the check of tests/test_translated_pages.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mesoclinic.clinics.language import set_language
from tests.test_translated_pages import untranslated

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["fr", "it", "es"])
def test_it_shows_the_photo_pages_in_the_members_language(
    login, nina, patient, photo_consent, make_visit, take, language
):
    # given a nurse reading in ``language``, and a baseline and a later frontal photo
    set_language(nina.user, language)
    first = make_visit(patient, days_ago=30)
    later = make_visit(patient, days_ago=0, signed=False)
    take(nina, first, "submental_frontal")
    take(nina, later, "submental_frontal")
    client = login(nina)
    # when the nurse opens each photo page
    for address in (
        reverse("photos:patient", args=[patient.public_id]),
        reverse("photos:capture", args=[later.public_id]),
        reverse("photos:compare", args=[patient.public_id]),
    ):
        page = client.get(address)
        assert page.status_code == 200
        # then no English message is left on it
        assert untranslated(page.content.decode(), language) == [], address
