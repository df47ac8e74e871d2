"""URLs of the evidence app."""

from __future__ import annotations

from django.urls import path

from mesoclinic.evidence import views

app_name = "evidence"
urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:indication>/", views.indication_page, name="indication"),
    path("<slug:indication>/report/", views.printable, name="print"),
    path("<slug:indication>/report.pdf", views.pdf, name="pdf"),
]
