"""The language of a page: the member's own, else the clinic's default, else the browser's;
a patient's: their own, else the clinic's (clinics.language)."""

from __future__ import annotations

import gettext

import pytest
from django.core import mail
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import trans_real

from mesoclinic.clinics import services
from mesoclinic.clinics.language import patient_language, set_language
from mesoclinic.clinics.models import LanguagePreference

pytestmark = pytest.mark.django_db


def test_it_speaks_the_browser_language_to_someone_not_signed_in(client):
    # given a visitor whose browser prefers French
    # when they open the sign-in page
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9,en;q=0.5")
    # then the page is in French
    assert response["Content-Language"] == "fr"


def test_it_speaks_the_clinic_default_to_a_member_who_never_chose(login, alice):
    # given Riverside's default language is Italian and alice never chose hers
    alice.clinic.default_language = "it"
    alice.clinic.save()
    # when alice, whose browser asks for Spanish, opens a page
    response = login(alice).get(reverse("mfa:manage"), HTTP_ACCEPT_LANGUAGE="es")
    # then it is in the clinic's language
    assert response["Content-Language"] == "it"


def test_it_speaks_the_member_own_language_over_the_clinic_default(login, alice):
    # given the clinic speaks Italian and alice chose French
    alice.clinic.default_language = "it"
    alice.clinic.save()
    set_language(alice.user, "fr")
    # when she opens a page
    response = login(alice).get(reverse("mfa:manage"))
    # then it is in French
    assert response["Content-Language"] == "fr"


def test_it_keeps_the_browser_language_when_neither_chose(login, alice):
    # given no clinic default and no choice of alice's
    # when she opens a page with a Spanish browser
    response = login(alice).get(reverse("mfa:manage"), HTTP_ACCEPT_LANGUAGE="es-ES")
    # then it is in Spanish
    assert response["Content-Language"] == "es"


def test_it_saves_the_language_a_member_chooses_on_their_security_page(login, alice):
    # given alice signed in
    client = login(alice)
    # when she chooses Spanish
    response = client.post(reverse("mfa:language"), {"language": "es"}, follow=True)
    # then her choice is kept and the next page speaks it
    assert LanguagePreference.objects.get(user=alice.user).language == "es"
    assert response["Content-Language"] == "es"
    # and choosing nothing forgets it
    client.post(reverse("mfa:language"), {"language": ""})
    assert not LanguagePreference.objects.filter(user=alice.user).exists()


def test_it_refuses_a_language_the_site_does_not_offer(login, alice):
    # when alice posts a language that is not offered
    login(alice).post(reverse("mfa:language"), {"language": "de"})
    # then nothing is saved
    assert not LanguagePreference.objects.filter(user=alice.user).exists()


def test_it_addresses_a_patient_in_their_language_else_the_clinic_default(riverside):
    # given a clinic speaking French by default
    riverside.default_language = "fr"
    # then a patient who chose Spanish gets Spanish, one who did not gets French
    assert patient_language("es", riverside) == "es"
    assert patient_language("", riverside) == "fr"
    # and with no clinic default either, the site's language
    riverside.default_language = ""
    assert patient_language("", riverside) == "en-gb"


def test_it_writes_a_password_reset_email_in_its_reader_language(alice):
    # given alice reads Spanish, and the admin who sends her a link works in English
    set_language(alice.user, "es")
    alice.user.email = "alice@example.org"
    alice.user.save()
    request = RequestFactory().post("/")
    # when the admin sends her a reset link
    services.send_reset_link(alice.user, request, "Ada Admin")
    # then the e-mail is in Spanish, with the link's lifetime in words of that language
    (message,) = mail.outbox
    assert message.subject == "Establecer una contraseña nueva de mesoclinic"
    assert "abra este enlace en un plazo de 60 minutos" in message.body
    assert "Ada Admin, el administrador de su clínica" in message.body


def test_it_writes_the_reset_email_asked_on_the_sign_in_page_in_the_account_language(client, alice):
    # given alice chose Italian, and someone asks for her reset link from a French browser
    set_language(alice.user, "it")
    alice.user.email = "alice@example.org"
    alice.user.save()
    # when the form is sent
    client.post(
        reverse("password_reset"), {"email": "alice@example.org"}, HTTP_ACCEPT_LANGUAGE="fr"
    )
    # then the e-mail is in Italian (the page answered in French)
    (message,) = mail.outbox
    assert message.subject == "Impostare una nuova password mesoclinic"


def test_a_page_walks_no_empty_catalogue_and_still_translates(login, alice):
    # given alice chose French (Django chains its apps' empty "en" catalogues behind it)
    set_language(alice.user, "fr")
    # when she opens a page
    response = login(alice).get(reverse("mfa:manage"))
    # then the page is still French, an English word is still itself ...
    assert response["Content-Language"] == "fr"
    # (Messages held in variables: the catalogue extraction reads literals in gettext calls.)
    skip, unknown, one, many = "Skip to content", "no such message", "one thing", "%d things"
    with translation.override("fr"):
        assert translation.gettext(skip) == "Aller au contenu"
        assert translation.gettext(unknown) == unknown
        assert translation.ngettext(one, many, 2) == many
        # ... and no catalogue that translates nothing is left in the chain of look-ups
        node = trans_real.catalog()._fallback  # type: ignore[attr-defined]
        while node is not None:
            plain = type(node) is gettext.GNUTranslations
            assert not plain or any(key != "" for key in node._catalog)
            node = node._fallback


def test_it_reads_the_member_language_choice_with_the_membership_alone(login, alice):
    # given alice chose French
    set_language(alice.user, "fr")
    client = login(alice)
    # when she opens her security page, whose language form shows her choice
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("mfa:manage"))
    # then the choice came with the membership's query, not read again for the form
    own_reads = [q["sql"] for q in queries if 'FROM "clinics_languagepreference"' in q["sql"]]
    assert own_reads == []
    assert response["Content-Language"] == "fr"
    assert response.context["language_form"].initial == {"language": "fr"}


def test_a_remembered_answer_is_the_one_the_catalogues_give(login, alice):
    # given alice reads Italian, and has opened a page (her language now keeps its answers)
    set_language(alice.user, "it")
    login(alice).get(reverse("mfa:manage"))
    with translation.override("it"):
        catalog = trans_real.catalog()
        assert "gettext" in vars(catalog)
        # (keys of the merged catalogue: plain messages, and plural forms as tuples; Django's
        # TranslationCatalog has keys() but no __iter__)
        keys = catalog._catalog.keys  # type: ignore[attr-defined]
        messages = [key for key in keys() if isinstance(key, str) and key]
        messages = messages[:300] + ["no such message", "Skip to content"]
        # when each message is asked twice
        for _ in range(2):
            for message in messages:
                # then the answer is the catalogues' own, walked without the memory
                walked = gettext.GNUTranslations.gettext(catalog, message)
                assert translation.gettext(message) == walked
