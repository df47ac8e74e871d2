"""Resetting a forgotten password by e-mail: the whole flow, no account enumeration, links that
expire and work once, a per-address limit, and what a reset does (unlock, other sessions end)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import mail
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD
from mesoclinic.audit.models import AuditEvent
from tests.second_step import sign_in

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a brand new long passphrase"


@pytest.fixture
def alice_email(alice):
    alice.user.email = "alice@example.org"
    alice.user.save()
    return alice


def _ask(client: Client, email: str, address: str = "192.0.2.10"):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=address)


def _link(message) -> str:
    found = re.search(r"https?://[^/\s]+(/\S+)", str(message.body))
    assert found, "no link in the e-mail"
    return found.group(1)


def _set_password(client: Client, link: str, password: str = NEW_PASSWORD):
    form_page = client.get(link, follow=True)
    return client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link,
        {"new_password1": password, "new_password2": password},
    )


def _described_ids_exist(body: str) -> list[str]:
    """Every id an aria-describedby names that is missing from the page."""
    ids = set(re.findall(r'\bid="([^"]+)"', body))
    named = [i for value in re.findall(r'aria-describedby="([^"]+)"', body) for i in value.split()]
    return [i for i in named if i not in ids]


def test_it_resets_a_password_by_e_mail_end_to_end(client, alice_email):
    # given alice asks for a reset with her address
    response = _ask(client, "alice@example.org")
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    # then one e-mail with a link reaches her
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["alice@example.org"]
    assert "60 minutes" in mail.outbox[0].body
    # when she opens it and sets a new password
    response = _set_password(Client(), _link(mail.outbox[0]))
    # then the password is changed, and recorded in the audit trail
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_complete")
    alice_email.user.refresh_from_db()
    assert alice_email.user.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(
        user=alice_email.user, detail__startswith="password set with an e-mailed reset link"
    ).exists()


def test_it_answers_the_same_whether_or_not_an_account_has_the_address(client, alice_email):
    # when a known and an unknown address ask for a reset
    known = _ask(client, "alice@example.org")
    unknown = _ask(client, "nobody@example.org")
    # then both get the same answer, and only the real one gets mail
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    # (the pages differ only by their CSRF token, which is per request)
    pages = [client.get(r["Location"]).content.decode() for r in (known, unknown)]
    assert len({re.sub(r'"X-CSRFToken": "[^"]+"', "", page) for page in pages}) == 1
    assert [m.to for m in mail.outbox] == [["alice@example.org"]]


def test_it_refuses_an_expired_link(client, alice_email, settings, monkeypatch):
    # given a link sent now, with links working an hour
    settings.PASSWORD_RESET_TIMEOUT = 3600
    _ask(client, "alice@example.org")
    link = _link(mail.outbox[0])
    # when it is opened just over an hour later
    real_now = PasswordResetTokenGenerator._now
    hour_later = dt.timedelta(seconds=3601)
    monkeypatch.setattr(
        PasswordResetTokenGenerator, "_now", lambda self: real_now(self) + hour_later
    )
    page = Client().get(link, follow=True)
    # then it no longer works, and the password is unchanged
    assert "This link no longer works" in page.content.decode()
    response = _set_password(Client(), link)
    alice_email.user.refresh_from_db()
    assert alice_email.user.check_password(PASSWORD)
    assert response.status_code == 200


def test_it_refuses_a_link_used_once_already(client, alice_email):
    # given a link that has set a password
    _ask(client, "alice@example.org")
    link = _link(mail.outbox[0])
    _set_password(Client(), link)
    # when it is used again
    _set_password(Client(), link, "yet another long passphrase")
    # then the first new password stands
    alice_email.user.refresh_from_db()
    assert alice_email.user.check_password(NEW_PASSWORD)


def test_it_limits_reset_requests_per_address(client, alice_email, settings):
    # given the allowed number of requests from one address
    for _ in range(settings.PASSWORD_RESET_ADDRESS_LIMIT):
        assert _ask(client, "alice@example.org", "203.0.113.5").status_code == 302
    # when it asks once more, then it is refused and no more mail goes
    response = _ask(client, "alice@example.org", "203.0.113.5")
    assert response.status_code == 429
    assert "Too many reset requests" in response.content.decode()
    assert len(mail.outbox) == settings.PASSWORD_RESET_ADDRESS_LIMIT
    # and another address still may ask
    assert _ask(client, "alice@example.org", "192.0.2.77").status_code == 302


def test_it_unlocks_the_account_and_ends_its_other_sessions(client, alice_email, settings):
    # given alice signed in on another computer, and her account locked from many addresses
    settings.AXES_ENABLED = True
    elsewhere = sign_in(Client(), alice_email.user)
    assert elsewhere.get(reverse("today")).status_code == 200
    for a in range(settings.SIGN_IN_ACCOUNT_FAILURE_LIMIT):
        Client().post(
            reverse("login"),
            {"username": "alice", "password": "wrong"},
            REMOTE_ADDR=f"198.51.100.{a + 1}",
        )
    locked = Client().post(
        reverse("login"), {"username": "alice", "password": PASSWORD}, REMOTE_ADDR="192.0.2.10"
    )
    assert locked.status_code == 429
    # when she resets her password
    _ask(client, "alice@example.org")
    _set_password(Client(), _link(mail.outbox[0]))
    # then she signs in with it at once, and the other computer is signed out
    me = Client()
    response = me.post(
        reverse("login"), {"username": "alice", "password": NEW_PASSWORD}, REMOTE_ADDR="192.0.2.10"
    )
    assert response.status_code == 302
    assert "_auth_user_id" in me.session
    assert elsewhere.get(reverse("today"))["Location"].startswith(reverse("login"))


def test_it_links_every_error_to_its_field(client, alice_email):
    # when the reset forms are sent with mistakes
    bad_email = _ask(client, "not an address").content.decode()
    _ask(client, "alice@example.org")
    page = client.get(_link(mail.outbox[0]), follow=True)
    mismatch = client.post(
        page.redirect_chain[-1][0], {"new_password1": "abc", "new_password2": "abd"}
    ).content.decode()
    # then each error is shown, and every aria-describedby names an id on the page
    assert 'id="id_email-error"' in bad_email
    assert 'id="id_new_password2-error"' in mismatch
    for body in (bad_email, mismatch):
        assert _described_ids_exist(body) == []
    # and every input has its label
    for body in (bad_email, mismatch):
        for input_id in re.findall(r'<input id="([^"]+)"', body):
            assert f'for="{input_id}"' in body
