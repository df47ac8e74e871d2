"""URLs of the evidence app.

The views are imported when a page is first asked for, not with the URLconf: they bring
numpy, pandas, scipy and fpdf (~1 s and ~110 MiB), and every management command imports the
URLconf for its system checks, so ``recall`` or ``dose-check`` would pay for them
(tests/test_light_imports.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import path

app_name = "evidence"


def _lazy(name: str) -> Callable[..., HttpResponse]:
    """The view ``name`` of ``evidence.views``, imported at its first request."""

    def view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        from mesoclinic.evidence import views

        target: Callable[..., HttpResponse] = getattr(views, name)
        return target(request, *args, **kwargs)

    view.__name__ = view.__qualname__ = name
    view.__module__ = "mesoclinic.evidence.views"
    return view


urlpatterns = [
    path("", _lazy("index"), name="index"),
    path("<slug:indication>/", _lazy("indication_page"), name="indication"),
    path("<slug:indication>/report/", _lazy("printable"), name="print"),
    path("<slug:indication>/report.pdf", _lazy("pdf"), name="pdf"),
]
