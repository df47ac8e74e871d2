"""The Permissions-Policy header: which of the browser's powerful features a page may use.

No page of the site needs the camera, the microphone or the device's location, so every page
denies them (``camera=()``): a script that slipped past the Content-Security-Policy cannot
switch the camera on. One page needs the camera: the clinical photo capture page shows the
tablet's live camera under the baseline's ghost. Its view is decorated with
``allow_features("camera")``, which sends ``camera=(self)`` with that page alone. A policy
applies to the document it came with, so every other page keeps the camera denied.
Static files never reach this middleware (WhiteNoise answers them earlier); they are no
documents, so the policy would mean nothing there.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

from django.http import HttpRequest, HttpResponse

HEADER = "Permissions-Policy"
# The features denied on every page unless a view allows one for the site's own origin.
DENIED_FEATURES = ("camera", "microphone", "geolocation")

_V = TypeVar("_V", bound=Callable[..., HttpResponse])


def policy(allowed: tuple[str, ...] = ()) -> str:
    """The header's value: each feature denied, or allowed for the site's own origin only."""
    unknown = set(allowed) - set(DENIED_FEATURES)
    if unknown:
        raise ValueError(f"not a feature this policy lists: {sorted(unknown)}")
    return ", ".join(
        f"{feature}=(self)" if feature in allowed else f"{feature}=()"
        for feature in DENIED_FEATURES
    )


def allow_features(*features: str) -> Callable[[_V], _V]:
    """Let the view's own pages use ``features`` (for the site's origin, never a frame's).
    Put it under ``requires``, so that a refusal page keeps every feature denied."""
    value = policy(features)

    def decorator(view: _V) -> _V:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            response = view(request, *args, **kwargs)
            response[HEADER] = value
            return response

        return cast(_V, wrapped)

    return decorator


class PermissionsPolicyMiddleware:
    """Denies the listed features on every answer whose view did not allow one."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if HEADER not in response:
            response[HEADER] = policy()
        return response
