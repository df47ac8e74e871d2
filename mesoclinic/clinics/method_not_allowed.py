"""A page for "405 Method Not Allowed" in the site's layout.

Django answers a GET on a POST-only address (a Sign, Close or Record button's target) with an
empty 405, which browsers show as a bare "HTTP ERROR 405". People reach one by reloading or
going back after pressing such a button, or by opening a copied address. This middleware turns
that empty answer into a page that says nothing was done by the visit and links back to the
record the button belongs to (the nearest address above it that opens with GET), to the page
the person came from, and to Today. It shows no record data: only addresses already in the URL.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils.http import url_has_allowed_host_and_scheme


def accepts_get(view: Any) -> bool:
    """False when the view (or a view it wraps) is limited by ``require_http_methods`` to
    methods without GET, such as ``require_POST``."""
    func = view
    while func is not None:
        code = getattr(func, "__code__", None)
        closure = getattr(func, "__closure__", None)
        if code is not None and closure and "request_method_list" in code.co_freevars:
            methods = closure[code.co_freevars.index("request_method_list")].cell_contents
            if "GET" not in methods:
                return False
        func = getattr(func, "__wrapped__", None)
    return True


def record_page(path: str) -> str | None:
    """The nearest address above ``path`` that opens with GET (a session's page above its
    /sign/ address), or None when there is none below the site's root."""
    parts = [p for p in path.split("/") if p]
    while len(parts) > 1:
        parts.pop()
        candidate = "/" + "/".join(parts) + "/"
        try:
            match = resolve(candidate)
        except Resolver404:
            continue
        if accepts_get(match.func):
            return candidate
    return None


def previous_page(request: HttpRequest) -> str | None:
    referer: str = request.META.get("HTTP_REFERER", "")
    if not referer or not url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return None
    if referer.split("?", 1)[0].endswith(request.path):
        return None
    return referer


class MethodNotAllowedPageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 405 or response.content or getattr(request, "htmx", False):
            return response
        page = render(
            request,
            "405.html",
            {
                "record_page": record_page(request.path),
                "previous_page": previous_page(request),
                "method": request.method,
            },
            status=405,
        )
        if response.has_header("Allow"):
            page["Allow"] = response["Allow"]
        return page
