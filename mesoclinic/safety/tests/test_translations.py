"""Adverse events and safety signals in French, Italian and Spanish."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from mesoclinic.safety.models import AdverseEvent
from tests.translated_pages import LANGUAGES, get_in, untranslated, visible_text

pytestmark = pytest.mark.django_db

ENGLISH = [
    "Open adverse events",
    "Events not yet resolved",
    "Last seen unresolved",
    "Follow up",
    "Moderate",
    " ago",
]
FORM_ENGLISH = [
    "Record an adverse event",
    "not attributed to a session",
    "WHO-UMC category",
    "Not yet assessed",
    "still being followed",
]
SIGNALS_ENGLISH = ["Safety signals", "Two or more patients with a late", "No signals"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_it_shows_the_adverse_event_pages_in_the_users_language(login, alice, patient, language):
    # given an open adverse event
    AdverseEvent.objects.create(
        clinic=patient.clinic,
        patient=patient,
        event_type="nodule",
        severity="moderate",
        onset_date=timezone.localdate() - dt.timedelta(days=20),
        created_by=alice.user,
    )
    client = login(alice)
    # when alice opens the open events, the signals and the form to record one, in another language
    open_page = get_in(client, language, reverse("safety:open"))
    signals = get_in(client, language, reverse("safety:signals"))
    form = get_in(client, language, reverse("safety:record", args=[patient.public_id]))
    # then none of their English headings, labels or code labels is left
    assert open_page.status_code == signals.status_code == form.status_code == 200
    assert untranslated(visible_text(open_page.content.decode()), ENGLISH) == []
    assert untranslated(visible_text(signals.content.decode()), SIGNALS_ENGLISH) == []
    assert untranslated(visible_text(form.content.decode()), FORM_ENGLISH) == []


def test_it_refuses_a_future_onset_in_the_users_language(login, alice, patient):
    # given alice records an event in Spanish with an onset in the future
    client = login(alice)
    future = timezone.localdate() + dt.timedelta(days=3)
    # when the form is sent
    with translation.override("es"):
        sent = client.post(
            reverse("safety:record", args=[patient.public_id]),
            {
                "event_type": "nodule",
                "onset_date": future.isoformat(),
                "severity": "mild",
                "causality": "unassessed",
                "version": "0",
            },  # fmt: skip
            HTTP_ACCEPT_LANGUAGE="es",
        )
    # then the error says so in Spanish
    text = visible_text(sent.content.decode())
    # (one wording across the apps' catalogues: Django takes a message from the first app that
    # translates it, so two apps translating it differently would show the other app's wording)
    assert "no puede ser futura." in text
    assert "cannot be in the future." not in text
