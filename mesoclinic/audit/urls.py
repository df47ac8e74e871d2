"""Audit trail browsing for clinic admins."""

from __future__ import annotations

from django.urls import path

from mesoclinic.audit import views

app_name = "audit"
urlpatterns = [path("", views.audit_list, name="list")]
