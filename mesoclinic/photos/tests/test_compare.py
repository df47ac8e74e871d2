"""The comparison: baseline against latest by default, any two dates, and what happened
between them (sessions, weight change) printed under the pair with the caveat."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from mesoclinic.outcomes.models import Measurement
from mesoclinic.photos.models import ClinicalPhoto

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_visits(nina, patient, photo_consent, make_visit, take):
    """Frontal photos at visits 90, 60 and 30 days ago, and a fourth visit 10 days ago."""
    visits = [make_visit(patient, days_ago=d) for d in (90, 60, 30, 10)]
    for v in visits[:3]:
        take(nina, v, "submental_frontal")
    return visits, list(ClinicalPhoto.objects.order_by("taken_on"))


def _weigh(patient, alice, days_ago: int, kg: str) -> None:
    Measurement.objects.create(
        clinic=patient.clinic,
        patient=patient,
        # the clinic's day, not the server's: CI runs once with the server 14 hours ahead
        measured_on=patient.clinic.day_of(timezone.now() - dt.timedelta(days=days_ago)),
        kind="weight_kg",
        value=Decimal(kg),
        created_by=alice.user,
    )


def test_it_compares_the_baseline_with_the_latest_by_default(login, alice, patient, three_visits):
    # given weights measured at the first and the latest photo
    _, photos = three_visits
    _weigh(patient, alice, 90, "82")
    _weigh(patient, alice, 30, "78.5")
    # when the practitioner opens the comparison
    page = login(alice).get(reverse("photos:compare", args=[patient.public_id]))
    text = page.content.decode()
    # then the pair is the baseline and the latest, side by side and on the slider
    baseline, latest = photos[0], photos[-1]
    assert reverse("photos:image", args=[baseline.public_id]) in text
    assert reverse("photos:image", args=[latest.public_id]) in text
    assert str(photos[1].public_id) in text  # offered in the date lists only
    assert reverse("photos:image", args=[photos[1].public_id]) not in text
    assert text.count('src="data:image/jpeg;base64,') == 4  # side by side, and the slider
    # and under it: the two sessions from the baseline's day before the latest's, the weight
    # change, the caveat, and a keyboard slider
    assert "2 signed sessions between the two photos" in text
    assert "82 kg at the first photo, 78.5 kg at the second (change -3.5 kg)" in text
    assert "weight can by itself explain a slimmer outline" in text
    assert 'type="range"' in text


def test_it_compares_any_two_dates_chosen(login, alice, patient, three_visits):
    # when the practitioner chooses the second and the third photo
    _, photos = three_visits
    page = login(alice).get(
        reverse("photos:compare", args=[patient.public_id]),
        {"view": "submental_frontal", "a": photos[1].public_id, "b": photos[2].public_id},
    )
    text = page.content.decode()
    # then those two are compared, with one session between them and no known weight
    assert reverse("photos:image", args=[photos[1].public_id]) in text
    assert reverse("photos:image", args=[photos[0].public_id]) not in text
    assert "1 signed session between the two photos" in text
    assert "Weight change: not known" in text


def test_it_ignores_a_photo_id_of_another_view_or_patient(login, alice, patient, three_visits):
    # when the query names ids that are not photos of this view
    response = login(alice).get(
        reverse("photos:compare", args=[patient.public_id]),
        {"view": "nonsense", "a": "not-a-uuid", "b": str(patient.public_id)},
    )
    # then the default pair is shown
    _, photos = three_visits
    assert response.status_code == 200
    assert reverse("photos:image", args=[photos[0].public_id]) in response.content.decode()


def test_it_says_when_there_is_nothing_to_compare(login, alice, patient):
    page = login(alice).get(reverse("photos:compare", args=[patient.public_id]))
    assert "No photo to compare yet." in page.content.decode()
