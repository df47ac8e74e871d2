"""URLs of the dosing app (mounted at /dosing/): the practice's dose limits."""

from __future__ import annotations

from django.urls import path

from mesoclinic.dosing import views

app_name = "dosing"
urlpatterns = [
    path("limits/", views.limit_list, name="limits"),
    path("limits/new/", views.limit_create, name="limit_create"),
    path("limits/<uuid:public_id>/tighten/", views.limit_tighten, name="limit_tighten"),
    path("limits/<uuid:public_id>/retire/", views.limit_retire, name="limit_retire"),
]
