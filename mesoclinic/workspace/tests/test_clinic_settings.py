"""The clinic settings page: the admin alone changes them, each field is validated by name, a
stale or version-less save is refused, and every change is audited."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mesoclinic.audit.models import AuditEvent
from mesoclinic.clinics.models import Clinic
from mesoclinic.records.models import INCOMPLETE_EDIT

pytestmark = pytest.mark.django_db

URL = reverse("clinic_settings")


def _form(clinic: Clinic, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": clinic.name,
        "time_zone": clinic.time_zone,
        "currency": clinic.currency,
        "screening_valid_months": clinic.screening_valid_months,
        "idle_timeout_minutes": clinic.idle_timeout_seconds // 60,
        "version": clinic.version,
    }
    data.update(changes)
    return data


def test_it_lets_the_admin_shorten_the_screening_validity_and_audits_it(login, ada, riverside):
    # given ada, the clinic admin, opens the settings
    client = login(ada)
    page = client.get(URL).content.decode()
    assert 'name="screening_valid_months" value="12"' in page
    # when she sets 6 months
    response = client.post(URL, _form(riverside, screening_valid_months="6"), follow=True)
    # then it is saved, versioned and audited with the setting changed
    riverside.refresh_from_db()
    assert riverside.screening_valid_months == 6
    assert riverside.version == 2
    assert "Clinic settings saved." in response.content.decode()
    event = AuditEvent.objects.get(action="update", object_type="clinic")
    assert event.detail == "clinic settings: screening_valid_months"
    assert event.clinic == riverside
    assert event.username == "ada"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "screening_valid_months",
            "0",
            "Screening valid for (months): Ensure this value is greater than or equal to 1.",
        ),
        (
            "screening_valid_months",
            "25",
            "Screening valid for (months): Ensure this value is less than or equal to 24.",
        ),
        ("screening_valid_months", "twelve", "Screening valid for (months): Enter a whole number."),
        (
            "time_zone",
            "Mars/Olympus",
            "Time zone: &#x27;Mars/Olympus&#x27; is not a time zone name",
        ),
        ("currency", "G8P", "Currency: Use a three-letter ISO 4217 code"),
        ("name", "   ", "Clinic name: This field is required."),
        (
            "idle_timeout_minutes",
            "4",
            "Sign out after inactivity (minutes): Ensure this value is greater than or equal to 5.",
        ),
        (
            "idle_timeout_minutes",
            "61",
            "Sign out after inactivity (minutes): Ensure this value is less than or equal to 60.",
        ),
    ],
)
def test_it_names_the_field_of_a_bad_setting(login, ada, riverside, field, value, message):
    response = login(ada).post(URL, _form(riverside, **{field: value}))
    assert response.status_code == 200
    assert message in response.content.decode()
    riverside.refresh_from_db()
    assert (riverside.version, riverside.screening_valid_months) == (1, 12)
    assert not AuditEvent.objects.filter(object_type="clinic").exists()


def test_it_lets_the_admin_set_the_idle_sign_out_in_minutes(login, ada, riverside):
    # given ada opens the settings, which show the default 15 minutes
    client = login(ada)
    assert 'name="idle_timeout_minutes" value="15"' in client.get(URL).content.decode()
    # when she sets 20 minutes
    client.post(URL, _form(riverside, idle_timeout_minutes="20"))
    # then the clinic signs its members out after 20 minutes idle, and the change is audited
    riverside.refresh_from_db()
    assert riverside.idle_timeout_seconds == 20 * 60
    event = AuditEvent.objects.get(action="update", object_type="clinic")
    assert event.detail == "clinic settings: idle_timeout_seconds"


def test_it_refuses_a_save_read_at_an_older_version(login, ada, riverside):
    # given someone saved the settings after ada opened them
    Clinic.objects.filter(pk=riverside.pk).update(version=2, screening_valid_months=9)
    # when ada saves what she read
    response = login(ada).post(URL, _form(riverside, screening_valid_months="6"))
    # then nothing of hers is saved and she is told why
    assert "Someone else changed these settings" in response.content.decode()
    riverside.refresh_from_db()
    assert riverside.screening_valid_months == 9


def test_it_refuses_a_save_without_its_version(login, ada, riverside):
    response = login(ada).post(URL, _form(riverside, screening_valid_months="6", version=""))
    assert str(INCOMPLETE_EDIT) in response.content.decode()
    riverside.refresh_from_db()
    assert riverside.screening_valid_months == 12


@pytest.mark.parametrize("persona", ["alice", "nina", "bob", "rita"])
def test_it_refuses_everyone_but_the_admin(request, login, persona, riverside):
    client = login(request.getfixturevalue(persona))
    assert client.get(URL).status_code == 403
    assert client.post(URL, _form(riverside, screening_valid_months="1")).status_code == 403
    riverside.refresh_from_db()
    assert riverside.screening_valid_months == 12


def test_it_changes_only_the_admins_own_clinic(login, charlie, hilltop, riverside):
    # given charlie were made Hilltop's admin
    charlie.role = "admin"
    charlie.save()
    # when he saves Hilltop's settings
    login(charlie).post(URL, _form(hilltop, screening_valid_months="3"))
    # then Hilltop changed and Riverside did not
    hilltop.refresh_from_db()
    riverside.refresh_from_db()
    assert hilltop.screening_valid_months == 3
    assert riverside.screening_valid_months == 12


def test_it_links_the_settings_from_the_admin_menu(login, ada, alice):
    assert URL in login(ada).get(reverse("today")).content.decode()
    assert URL not in login(alice).get(reverse("today")).content.decode()


def test_it_sets_the_clinic_default_language_audited_and_speaks_it_at_once(login, ada, riverside):
    # given ada, the clinic admin, who never chose a language of her own
    client = login(ada)
    # when she makes French the clinic's default language
    response = client.post(URL, _form(riverside, default_language="fr"), follow=True)
    # then it is saved and audited like any other setting
    riverside.refresh_from_db()
    assert riverside.default_language == "fr"
    event = AuditEvent.objects.get(action="update", object_type="clinic")
    assert event.detail == "clinic settings: default_language"
    # and the next page already speaks French to her
    assert response["Content-Language"] == "fr"
    assert "<h1>Paramètres de la clinique</h1>" in response.content.decode()
