"""The demo shows the cost and dose-response figures (issue 16 part 3): its sessions carry
prices and injected volumes, so its evidence page and its pooled research sites have them."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from mesoclinic.clinics.models import Clinic
from mesoclinic.demo.services import load_demo
from tests.second_step import sign_in


@pytest.fixture
def researcher(db: Any, client: Client) -> Client:
    # Large enough for ten priced courses of localized fat (the figures' minimum).
    load_demo(patients=100, hilltop_patients=5)
    return sign_in(client, User.objects.get(username="rita"))


def test_it_shows_costs_and_a_dose_response_on_the_demo_s_evidence_pages(researcher: Client) -> None:  # fmt: skip
    # given the demo practice, and rita the researcher signed in at Riverside
    currency = Clinic.objects.get(slug="riverside").currency
    # when she opens the localized fat evidence page and its pooled report
    page = researcher.get(reverse("evidence:indication", args=["localized_fat"]))
    pooled = researcher.get(reverse("evidence:pooled", args=["localized_fat"]))
    # then the page shows the mean cost of a course in the clinic's currency and a
    # dose-response slope, with no empty state
    text = page.content.decode()
    assert page.status_code == 200
    assert f"<td>{currency}</td>" in text
    assert 'id="cost-empty-state"' not in text
    assert "Each extra" in text
    # and the pooled report pools the three synthetic sites' euros and dose slopes
    pooled_text = pooled.content.decode()
    assert "<td>EUR</td>" in pooled_text
    assert 'id="cost-empty-state"' not in pooled_text
    assert 'id="dose-empty-state"' not in pooled_text
