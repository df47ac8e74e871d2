"""No page of the site is kept by a browser's or a proxy's cache.

Nearly every page shows patient data (a chart, a list, a check-in), and a cached copy outlives
the sign-out: the back button or a shared computer's disk would show it to the next person.
Static files never reach this middleware (WhiteNoise answers them earlier, with long caching).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers


class NoStoreMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # Cache-Control: max-age=0, no-cache, no-store, must-revalidate, private (and Expires).
        add_never_cache_headers(response)
        return response
