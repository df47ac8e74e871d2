"""Sign-in throttling that an attacker cannot sidestep by changing address or account.

django-axes records each failed sign-in as a row per (username, address, browser) with its
count and the time of its latest failure. This handler counts those rows three ways, each
with its own limit and window (settings ``SIGN_IN_RULES``, from the environment):

- per **account and address** (the quick lockout: a typo-prone user at one desk),
- per **account**, across every address (many addresses guessing one password),
- per **address**, across every account (one address spraying a common password).

Sign-in is refused while any of the three is at its limit. A run of failures counts until its
window has passed since its latest failure, so no window ever lets through more than its limit.
Failures made while locked are not recorded (``AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT``
off), so the unlock time the lockout page shows holds. A successful sign-in, a completed
password reset and an admin's unlock clear the account's own rows, never an address's: a
spraying attacker cannot clear their address by signing in to an account of their own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

ACCOUNT_AND_ADDRESS = "account_and_address"
ACCOUNT = "account"
ADDRESS = "address"


@dataclass(frozen=True)
class Rule:
    """One way of counting failures: at most ``limit`` within ``window_minutes``."""

    key: str
    limit: int
    window_minutes: int

    @property
    def window(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.window_minutes)


@dataclass(frozen=True)
class Lock:
    """Why sign-in is refused (which rule) and when it will be allowed again."""

    rule: str
    until: dt.datetime

    @property
    def account_wide(self) -> bool:
        """Locked for the account (a password reset or an admin can lift it), not the address."""
        return self.rule in (ACCOUNT, ACCOUNT_AND_ADDRESS)


def rules() -> list[Rule]:
    """The three rules, read from settings on each call (so tests and deployments can set them)."""
    return [
        Rule(ACCOUNT_AND_ADDRESS, settings.AXES_FAILURE_LIMIT, settings.AXES_COOLOFF_MINUTES),
        Rule(ACCOUNT, settings.SIGN_IN_ACCOUNT_FAILURE_LIMIT, settings.SIGN_IN_ACCOUNT_MINUTES),
        Rule(ADDRESS, settings.SIGN_IN_ADDRESS_FAILURE_LIMIT, settings.SIGN_IN_ADDRESS_MINUTES),
    ]


def longest_window(request: HttpRequest | None = None) -> dt.timedelta:
    """axes' cool-off: it deletes rows older than this, so it must outlast every window."""
    return max(rule.window for rule in rules())


Row = tuple[dt.datetime, int]


def _unlocks_at(rows: list[Row], rule: Rule, now: dt.datetime) -> dt.datetime | None:
    """When ``rule`` stops refusing, or None if it does not refuse now."""
    counted = sorted(row for row in rows if row[0] > now - rule.window)
    total = sum(failures for _, failures in counted)
    if total < rule.limit:
        return None
    # The oldest runs age out first; the lock ends when enough have gone to fall below the limit.
    for latest, failures in counted:
        total -= failures
        if total < rule.limit:
            return latest + rule.window
    return now  # unreachable: the loop always falls below a positive limit


def lock_for(
    username: str | None, address: str | None, now: dt.datetime | None = None
) -> Lock | None:
    """The lock that refuses ``username`` from ``address`` now (the latest-ending), or None."""
    now = now or timezone.now()
    recent = AccessAttempt.objects.filter(attempt_time__gt=now - longest_window()).filter(
        Q(username=username) | Q(ip_address=address)
    )
    rows = list(
        recent.values_list("username", "ip_address", "attempt_time", "failures_since_start")
    )
    groups: dict[str, list[Row]] = {
        ACCOUNT_AND_ADDRESS: [(t, n) for u, a, t, n in rows if u == username and a == address],
        ACCOUNT: [(t, n) for u, _, t, n in rows if u == username],
        ADDRESS: [(t, n) for _, a, t, n in rows if a == address],
    }
    locks = [
        Lock(rule.key, until)
        for rule in rules()
        if (until := _unlocks_at(groups[rule.key], rule, now)) is not None
    ]
    # An account-wide lock is the one its owner can do something about: name it first.
    return max(locks, key=lambda lock: (lock.account_wide, lock.until), default=None)


def account_lock(username: str, now: dt.datetime | None = None) -> Lock | None:
    """The account's own lock for the staff page: account-wide, or from at least one address."""
    now = now or timezone.now()
    rows = AccessAttempt.objects.filter(
        username=username, attempt_time__gt=now - longest_window()
    ).values_list("ip_address", "attempt_time", "failures_since_start")
    by_address: dict[str | None, list[Row]] = {}
    for address, latest, failures in rows:
        by_address.setdefault(address, []).append((latest, failures))
    pair, account = rules()[0], rules()[1]
    every = [row for runs in by_address.values() for row in runs]
    account_until = _unlocks_at(every, account, now)
    locks = [Lock(ACCOUNT, account_until)] if account_until else []
    locks += [
        Lock(ACCOUNT_AND_ADDRESS, until)
        for runs in by_address.values()
        if (until := _unlocks_at(runs, pair, now))
    ]
    return max(locks, key=lambda lock: lock.until, default=None)


def unlock_account(username: str) -> int:
    """Forget the account's failed sign-ins (from every address); returns how many runs."""
    count, _ = AccessAttempt.objects.filter(username=username).delete()
    return int(count)


class SignInThrottle(AxesDatabaseHandler):  # type: ignore[misc]  # axes is untyped
    """axes' database handler, deciding with the three rules instead of one parameter set."""

    def get_failures(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        # axes compares this number with AXES_FAILURE_LIMIT: answer the limit itself when any
        # rule refuses, else a number below it.
        username = get_client_username(request, credentials)
        lock = lock_for(username, request.axes_ip_address, request.axes_attempt_time)
        return int(get_failure_limit(request, credentials)) if lock else 0

    def reset_user_attempts(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        # On a successful sign-in: the account's failures only, not its address's (see above).
        return unlock_account(get_client_username(request, credentials))


def lockout_response(
    request: Any, original_response: HttpResponse | None, credentials: dict[str, Any] | None
) -> HttpResponse:
    """The lockout page (429): which lock, when it ends, and how its owner can lift it sooner."""
    username = get_client_username(request, credentials)
    now = timezone.now()
    lock = lock_for(username, getattr(request, "axes_ip_address", None), now)
    minutes_left = max(1, -(-int((lock.until - now).total_seconds()) // 60)) if lock else None
    return render(
        request,
        "registration/locked_out.html",
        {"lock": lock, "minutes_left": minutes_left, "username": username or ""},
        status=429,
    )
