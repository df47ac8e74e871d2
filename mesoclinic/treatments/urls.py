"""URLs of the treatments app (mounted at /sessions/)."""

from __future__ import annotations

from django.urls import path

from mesoclinic.treatments import correction_views, injection_map_views, sign_views, views

app_name = "treatments"
urlpatterns = [
    path("new/<uuid:patient_id>/", views.session_create, name="create"),
    path("<uuid:public_id>/", views.session_detail, name="detail"),
    path("<uuid:public_id>/edit/", views.session_edit, name="edit"),
    path("<uuid:public_id>/lines/", views.line_add, name="line_add"),
    path(
        "<uuid:public_id>/lines/<uuid:line_id>/remove/",
        views.line_remove,
        name="line_remove",
    ),
    path(
        "<uuid:public_id>/lines/<uuid:line_id>/correct/",
        correction_views.line_correct,
        name="line_correct",
    ),
    path("<uuid:public_id>/sign/", sign_views.session_sign, name="sign"),
    path("<uuid:public_id>/amend/", views.session_amend, name="amend"),
    path("<uuid:public_id>/map/", injection_map_views.map_edit, name="map"),
    path("<uuid:public_id>/map/place/", injection_map_views.map_place, name="map_place"),
    path("<uuid:public_id>/map/remove/", injection_map_views.map_remove, name="map_remove"),
    path("<uuid:public_id>/map/fragment/", injection_map_views.map_fragment, name="map_fragment"),
    path("<uuid:public_id>/map/amend/", injection_map_views.map_amend, name="map_amend"),
    path("<uuid:public_id>/summary/", injection_map_views.session_summary, name="summary"),
]
