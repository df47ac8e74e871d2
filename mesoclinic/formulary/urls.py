"""URLs of the formulary app."""

from __future__ import annotations

from django.urls import path

from mesoclinic.formulary import views

app_name = "formulary"
urlpatterns = [
    path("", views.product_list, name="products"),
    path("products/new/", views.product_create, name="product_create"),
    path("products/<uuid:public_id>/edit/", views.product_edit, name="product_edit"),
    path("lots/", views.lot_list, name="lots"),
    path("lots/receive/", views.lot_receive, name="lot_receive"),
    path("lots/<uuid:public_id>/", views.lot_detail, name="lot_detail"),
    path("lots/<uuid:public_id>/open/", views.lot_open, name="lot_open"),
    path(
        "lots/<uuid:public_id>/<slug:action>/",
        views.lot_status,
        name="lot_status",
    ),
]
