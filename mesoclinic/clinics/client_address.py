"""The address a request came from, as sign-in throttling and the audit trail count it.

Behind ``TRUSTED_PROXY_COUNT`` reverse proxies, each appends the address it received the
request from to ``X-Forwarded-For`` (or, like the nginx in docs/deploy.md, sets it). Reading
from the right: ``REMOTE_ADDR`` is the nearest proxy, and each trusted proxy vouches for the hop
before it, so the client is the ``TRUSTED_PROXY_COUNT``-th entry from the right of
``X-Forwarded-For``. Everything left of that was written by the client and is ignored: a forged
header cannot choose the address that failures are counted against. With the default of 0,
``X-Forwarded-For`` is never read at all.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_address(request: HttpRequest | None) -> str | None:
    """The client's address: ``REMOTE_ADDR``, or the hop the trusted proxies vouch for."""
    if request is None:
        return None
    remote: str | None = request.META.get("REMOTE_ADDR") or None
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0))
    if proxies <= 0 or remote is None:
        return remote
    forwarded = [h for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    hops = [*forwarded, remote]
    if len(hops) <= proxies:
        # Fewer hops than proxies: the request did not come through all of them (a
        # misconfiguration, or someone reaching the app directly). The only address nobody
        # could have written is the one the connection came from.
        return remote
    return _valid(hops[-(proxies + 1)]) or remote
