"""A clinic admin unlocks a staff member's sign-in and e-mails them a reset link, from the staff
page; only admins, only for their own clinic's staff, and every time in the audit trail."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD
from mesoclinic.audit.models import AuditEvent
from mesoclinic.clinics.choices import Role
from mesoclinic.clinics.models import Membership
from tests.second_step import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def locked_alice(alice, settings):
    """alice, with an e-mail address, locked out after guesses from many addresses."""
    settings.AXES_ENABLED = True
    alice.user.email = "alice@example.org"
    alice.user.save()
    for a in range(settings.SIGN_IN_ACCOUNT_FAILURE_LIMIT):
        Client().post(
            reverse("login"),
            {"username": "alice", "password": "wrong"},
            REMOTE_ADDR=f"198.51.100.{a + 1}",
        )
    return alice


def _alice_signs_in() -> int:
    return (
        Client()
        .post(
            reverse("login"), {"username": "alice", "password": PASSWORD}, REMOTE_ADDR="192.0.2.10"
        )
        .status_code
    )


@pytest.fixture
def hilltop_admin(hilltop):
    user = User.objects.create_user("hana", password=PASSWORD, first_name="Hana", last_name="Hill")
    return Membership.objects.create(user=user, clinic=hilltop, role=Role.ADMIN)


def test_it_shows_the_admin_that_a_member_is_locked(login, ada, locked_alice):
    # when the admin opens alice's staff page
    body = login(ada).get(reverse("staff_edit", args=[locked_alice.public_id])).content.decode()
    # then it says she is locked, until when, and offers to unlock her and send a reset link
    assert "Sign-in is paused after failed attempts" in body
    assert reverse("staff_unlock", args=[locked_alice.public_id]) in body
    assert reverse("staff_send_reset", args=[locked_alice.public_id]) in body


def test_it_lets_the_admin_unlock_a_member(login, ada, locked_alice):
    # given alice is locked out
    assert _alice_signs_in() == 429
    # when the admin unlocks her
    response = login(ada).post(reverse("staff_unlock", args=[locked_alice.public_id]))
    # then she signs in, and the unlock is in the audit trail
    assert response.status_code == 302
    assert _alice_signs_in() == 302
    event = AuditEvent.objects.get(detail__startswith="sign-in unlocked")
    assert (event.user, event.object_id) == (ada.user, str(locked_alice.public_id))


def test_it_lets_the_admin_e_mail_a_reset_link(login, ada, locked_alice):
    # when the admin sends alice a reset link
    login(ada).post(reverse("staff_send_reset", args=[locked_alice.public_id]))
    # then alice receives a working link, and the sending is in the audit trail
    assert [m.to for m in mail.outbox] == [["alice@example.org"]]
    assert "Ada Adams" in mail.outbox[0].body
    event = AuditEvent.objects.get(detail="password reset link e-mailed")
    assert (event.user, event.object_id) == (ada.user, str(locked_alice.public_id))
    # and setting a new password with it unlocks her
    found = re.search(r"https?://[^/\s]+(/\S+)", str(mail.outbox[0].body))
    assert found
    link = found.group(1)
    visitor = Client()
    form_url = visitor.get(link, follow=True).redirect_chain[-1][0]
    new = "a brand new long passphrase"
    visitor.post(form_url, {"new_password1": new, "new_password2": new})
    response = Client().post(
        reverse("login"), {"username": "alice", "password": new}, REMOTE_ADDR="192.0.2.10"
    )
    assert response.status_code == 302


def test_it_says_so_when_there_is_no_address_to_send_to(login, ada, alice):
    # given alice has no e-mail address
    response = login(ada).post(reverse("staff_send_reset", args=[alice.public_id]), follow=True)
    # then nothing is sent, nothing is audited, and the admin is told why
    assert mail.outbox == []
    assert not AuditEvent.objects.filter(detail="password reset link e-mailed").exists()
    assert "no e-mail address" in response.content.decode()


@pytest.mark.parametrize("name", ["staff_unlock", "staff_send_reset"])
def test_it_refuses_a_member_who_is_not_an_admin(login, nina, locked_alice, name):
    # when a nurse tries it
    response = login(nina).post(reverse(name, args=[locked_alice.public_id]))
    # then it is refused, and alice stays locked with no mail sent
    assert response.status_code == 403
    assert _alice_signs_in() == 429
    assert mail.outbox == []


@pytest.mark.parametrize("name", ["staff_unlock", "staff_send_reset"])
def test_it_refuses_another_clinics_admin(hilltop_admin, locked_alice, name):
    # when Hilltop's admin tries it on Riverside's alice
    client = sign_in(Client(), hilltop_admin.user)
    response = client.post(reverse(name, args=[locked_alice.public_id]))
    # then it is a 404, and alice stays locked with no mail sent and nothing audited
    assert response.status_code == 404
    assert _alice_signs_in() == 429
    assert mail.outbox == []
    assert not AuditEvent.objects.filter(object_id=str(locked_alice.public_id)).exists()


def test_it_does_nothing_on_a_get(login, ada, locked_alice):
    # when the unlock address is opened (a reload, a copied link)
    response = login(ada).get(reverse("staff_unlock", args=[locked_alice.public_id]))
    # then nothing is unlocked
    assert response.status_code == 405
    assert _alice_signs_in() == 429
