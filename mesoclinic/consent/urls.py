"""URLs of the consent app."""

from __future__ import annotations

from django.urls import URLPattern, path  # noqa: F401

app_name = "consent"
urlpatterns: list[URLPattern] = []
