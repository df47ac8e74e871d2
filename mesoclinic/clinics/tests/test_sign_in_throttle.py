"""Sign-in throttling cannot be sidestepped by changing address, spraying accounts, or forging
X-Forwarded-For; a legitimate user elsewhere still gets in; the lockout page says how to unlock."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.db.models import F, Sum
from django.test import Client, RequestFactory
from django.urls import reverse

from conftest import PASSWORD
from mesoclinic.clinics.client_address import client_address

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _throttling_on(settings):
    settings.AXES_ENABLED = True


def _sign_in(username: str, password: str, address: str, forwarded: str | None = None):
    client = Client()
    extra: dict[str, Any] = {"REMOTE_ADDR": address}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    response = client.post(reverse("login"), {"username": username, "password": password}, **extra)
    return response, client


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def _checked(username: str) -> int:
    """How many wrong passwords for ``username`` were actually checked (locked tries are not)."""
    total = AccessAttempt.objects.filter(username=username).aggregate(n=Sum("failures_since_start"))
    return total["n"] or 0


def test_it_locks_an_account_guessed_from_many_addresses(settings, alice):
    # given 50 addresses, each trying 10 wrong passwords for alice
    refused = 0
    for a in range(50):
        for _ in range(10):
            response, _client = _sign_in("alice", "wrong guess", f"198.51.100.{a + 1}")
            refused += response.status_code == 429
    # then only the account's hourly limit of guesses was checked, across all addresses
    assert _checked("alice") == settings.SIGN_IN_ACCOUNT_FAILURE_LIMIT
    # (the answers that were not a lockout page: the wrong guesses below the limits)
    assert 500 - refused < settings.SIGN_IN_ACCOUNT_FAILURE_LIMIT
    # and even the right password from yet another address is refused for now
    response, client = _sign_in("alice", PASSWORD, "192.0.2.200")
    assert response.status_code == 429
    assert not _signed_in(client)


def test_it_stops_a_password_spray_from_one_address(settings, riverside):
    # given 30 accounts
    for i in range(30):
        User.objects.create_user(f"user{i}", password=PASSWORD)
    # when one address tries one common password against each
    outcomes = [
        _sign_in(f"user{i}", "Summer2026!", "203.0.113.5")[0].status_code for i in range(30)
    ]
    # then it is stopped at the per-address limit
    assert outcomes.count(200) == settings.SIGN_IN_ADDRESS_FAILURE_LIMIT - 1
    assert outcomes.count(429) == 30 - settings.SIGN_IN_ADDRESS_FAILURE_LIMIT + 1
    # and the page says the pause belongs to the address, which a password reset does not lift
    body = _sign_in("user29", PASSWORD, "203.0.113.5")[0].content.decode()
    assert "from your network address" in body
    assert "does not lift it" in body


def test_it_lets_the_real_user_in_from_another_address_after_a_spray(alice):
    # given a spray of 30 other accounts from one address
    for i in range(30):
        _sign_in(f"someone{i}", "Summer2026!", "203.0.113.5")
    # when alice signs in from her own address
    response, client = _sign_in("alice", PASSWORD, "192.0.2.10")
    # then she is in
    assert response.status_code == 302
    assert _signed_in(client)


def test_it_locks_one_address_quickly_without_locking_the_account_elsewhere(settings, alice):
    # given five wrong passwords for alice from one desk
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in("alice", "typo", "192.0.2.10")
    # then that desk is paused, but alice signs in from another
    assert _sign_in("alice", PASSWORD, "192.0.2.10")[0].status_code == 429
    response, client = _sign_in("alice", PASSWORD, "192.0.2.11")
    assert response.status_code == 302
    assert _signed_in(client)


def test_it_does_not_let_a_sign_in_of_ones_own_clear_the_address_count(settings, alice, bob):
    # given an attacker with an account of their own (bob) spraying from one address
    limit = settings.SIGN_IN_ADDRESS_FAILURE_LIMIT
    for i in range(limit - 1):
        _sign_in(f"someone{i}", "Summer2026!", "203.0.113.5")
    # when they sign in as bob from that address, then spray once more
    assert _sign_in("bob", PASSWORD, "203.0.113.5")[0].status_code == 302
    response, _client = _sign_in("someone-else", "Summer2026!", "203.0.113.5")
    # then the address is locked: bob's success cleared only bob's own failures
    assert response.status_code == 429


def test_it_unlocks_when_the_time_shown_has_passed(settings, alice):
    # given alice's account locked from many addresses
    for a in range(settings.SIGN_IN_ACCOUNT_FAILURE_LIMIT):
        _sign_in("alice", "wrong", f"198.51.100.{a + 1}")
    assert _sign_in("alice", PASSWORD, "192.0.2.10")[0].status_code == 429
    # when the account's window has passed since the failures
    window = dt.timedelta(minutes=settings.SIGN_IN_ACCOUNT_MINUTES)
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - window)
    # then she signs in
    response, client = _sign_in("alice", PASSWORD, "192.0.2.10")
    assert response.status_code == 302
    assert _signed_in(client)


def test_it_tells_a_locked_out_owner_when_and_how_to_unlock(settings, alice):
    # given alice's account locked across addresses
    for a in range(settings.SIGN_IN_ACCOUNT_FAILURE_LIMIT):
        response, _client = _sign_in("alice", "wrong", f"198.51.100.{a + 1}")
    # then the lockout page says until when, that a reset unlocks it, and that the admin can
    body = response.content.decode()
    assert response.status_code == 429
    assert "is paused until" in body
    assert "minutes from now" in body
    assert reverse("password_reset") in body
    assert "unlocks the account at once" in body
    assert "Ask your clinic's admin to unlock it" in body


def test_it_ignores_a_forged_x_forwarded_for_without_trusted_proxies(settings, riverside):
    # given no trusted proxy (the default) and one address forging a new X-Forwarded-For each time
    settings.TRUSTED_PROXY_COUNT = 0
    outcomes = [
        _sign_in(f"user{i}", "Summer2026!", "203.0.113.5", forwarded=f"10.9.{i}.1")[0].status_code
        for i in range(30)
    ]
    # then every try is counted against the connection's own address
    assert outcomes.count(429) == 30 - settings.SIGN_IN_ADDRESS_FAILURE_LIMIT + 1


def test_it_counts_the_hop_the_trusted_proxy_vouches_for(settings, alice):
    # given one trusted proxy (every request arrives from it) and an attacker at 198.51.100.66
    # who forges the left part of X-Forwarded-For
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.1"
    for i in range(settings.AXES_FAILURE_LIMIT):
        _sign_in("alice", "wrong", proxy, forwarded=f"192.0.2.{i + 1}, 198.51.100.66")
    # then the attacker's own address is paused for alice, whatever they forge
    attacker, _client = _sign_in("alice", PASSWORD, proxy, forwarded="192.0.2.99, 198.51.100.66")
    assert attacker.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.66"}
    # and alice, behind the same proxy at her own address, signs in
    response, client = _sign_in("alice", PASSWORD, proxy, forwarded="192.0.2.10")
    assert response.status_code == 302
    assert _signed_in(client)


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "1.1.1.1, 2.2.2.2", "10.0.0.1"),
        (1, "1.1.1.1, 2.2.2.2", "2.2.2.2"),
        (2, "1.1.1.1, 2.2.2.2", "1.1.1.1"),
        (1, "", "10.0.0.1"),
        (3, "2.2.2.2", "10.0.0.1"),
        (1, "not-an-address", "10.0.0.1"),
    ],
)
def test_it_takes_the_client_address_from_the_trusted_hop(settings, count, forwarded, expected):
    # given a number of trusted proxies and a request arriving from 10.0.0.1
    settings.TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    # then the client is the hop the proxies vouch for, never one the client wrote
    assert client_address(request) == expected
