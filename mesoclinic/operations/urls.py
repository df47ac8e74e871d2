"""The health endpoint's address (at the site's root, where probes expect it)."""

from __future__ import annotations

from django.urls import path

from mesoclinic.operations import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
]
