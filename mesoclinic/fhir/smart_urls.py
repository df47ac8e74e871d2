"""SMART Backend Services under ``/fhir/R4/``: the token endpoint and its discovery document."""

from __future__ import annotations

from django.urls import path

from mesoclinic.fhir.smart import views

app_name = "fhir_smart"
urlpatterns = [
    path("auth/token", views.token, name="token"),
    path(".well-known/smart-configuration", views.smart_configuration, name="configuration"),
]
