"""Serving a stored picture to staff: as a download, never rendered as a page."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers
from django.utils.http import content_disposition_header

# Only what the intake writes; anything else goes out as opaque bytes.
SERVED_TYPES = frozenset({"image/jpeg", "image/png", "image/webp"})


def private_image_response(content: bytes, *, content_type: str, filename: str) -> HttpResponse:
    """The picture as an attachment with its stored content type, which the browser may not
    second-guess (nosniff), may not run anything in (a sandboxed, empty CSP) and may not keep.
    The caller has checked the clinic and role and audited the view; ``filename`` must hold
    no patient data (a public id and the extension)."""
    response = HttpResponse(
        content,
        content_type=content_type if content_type in SERVED_TYPES else "application/octet-stream",
    )
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    # object-src and frame-ancestors spelled out as on every page (tests/test_security_headers.py):
    # default-src does not cover frame-ancestors, so without it the picture could be framed.
    response["Content-Security-Policy"] = (
        "default-src 'none'; object-src 'none'; frame-ancestors 'none'; sandbox"
    )
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    add_never_cache_headers(response)
    return response
