"""At most five wrong second-step codes per user in any fifteen minutes (issue 10; ASVS 2.2.1).

Counted in the database (``WrongCode``), not in a process's memory, so that every worker of
the server refuses alike. Wrong codes, refused passkeys and wrong passwords on the
re-authentication form all count: each is a guess at something that guards the account.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext

from mesoclinic.mfa.models import WrongCode

MAX_WRONG_CODES = 5
WINDOW = dt.timedelta(minutes=15)


def blocked_until(user: Any, now: dt.datetime | None = None) -> dt.datetime | None:
    """When this user may try again, or None if a code may be tried now."""
    now = now or timezone.now()
    recent = list(
        WrongCode.objects.filter(user=user, at__gt=now - WINDOW)
        .order_by("-at")
        .values_list("at", flat=True)[:MAX_WRONG_CODES]
    )
    if len(recent) < MAX_WRONG_CODES:
        return None
    # The fifth most recent failure leaves the window first, freeing one try.
    return recent[-1] + WINDOW


def note_wrong_code(user: Any, now: dt.datetime | None = None) -> int:
    """Count one wrong code; returns how many the user has in the current window."""
    now = now or timezone.now()
    WrongCode.objects.create(user=user, at=now)
    WrongCode.objects.filter(user=user, at__lte=now - WINDOW).delete()
    return WrongCode.objects.filter(user=user, at__gt=now - WINDOW).count()


def refusal(until: dt.datetime) -> str:
    """What the person is told: when, in their clinic's time, they may try again."""
    local = timezone.localtime(until)
    return gettext(
        "Too many wrong codes: %(count)d in %(minutes)d minutes. "
        "Try again after %(time)s (%(zone)s)."
    ) % {
        "count": MAX_WRONG_CODES,
        "minutes": int(WINDOW.total_seconds() // 60),
        "time": f"{local:%H:%M}",
        "zone": f"{local:%Z}",
    }
