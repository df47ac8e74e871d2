"""URLs of the evidence app.

The views are imported when a page is first asked for, not with the URLconf: they bring
numpy, pandas, scipy and fpdf (~1 s and ~110 MiB), and every management command imports the
URLconf for its system checks, so ``recall`` or ``dose-check`` would pay for them
(tests/test_light_imports.py).
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import path

app_name = "evidence"


def _lazy(name: str, module: str = "views") -> Callable[..., HttpResponse]:
    """The view ``name`` of ``evidence.<module>``, imported at its first request."""

    def view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        target: Callable[..., HttpResponse] = getattr(import_module(f"mesoclinic.evidence.{module}"), name)  # fmt: skip
        return target(request, *args, **kwargs)

    view.__name__ = view.__qualname__ = name
    view.__module__ = f"mesoclinic.evidence.{module}"
    return view


urlpatterns = [
    path("", _lazy("index"), name="index"),
    path("sites/", _lazy("site_list", "site_views"), name="sites"),
    path("sites/<uuid:public_id>/remove/", _lazy("site_remove", "site_views"), name="site_remove"),
    path("pooled/<slug:indication>/", _lazy("pooled_page", "site_views"), name="pooled"),
    path("<slug:indication>/", _lazy("indication_page"), name="indication"),
    path("<slug:indication>/report/", _lazy("printable"), name="print"),
    path("<slug:indication>/report.pdf", _lazy("pdf"), name="pdf"),
]
