"""The recall search, its call list and recording a contact, at /formulary/recall/ where they
have always been; the code lives in safety because it reads what was injected."""

from __future__ import annotations

from django.urls import path

from mesoclinic.safety import recall_views

app_name = "recall"
urlpatterns = [
    path("", recall_views.recall_page, name="search"),
    path("call-list.csv", recall_views.recall_csv, name="call_list"),
    path("patients/<uuid:public_id>/contact/", recall_views.recall_contact, name="contact"),
]
