"""URLs of the consent app."""

from __future__ import annotations

from django.urls import path

from mesoclinic.consent import views

app_name = "consent"
urlpatterns = [
    path("templates/", views.template_list, name="templates"),
    path("templates/new/", views.template_create, name="template_create"),
    path("templates/defaults/", views.template_install_defaults, name="template_defaults"),
    path("templates/<uuid:public_id>/", views.template_detail, name="template_detail"),
    path(
        "templates/<uuid:public_id>/new-version/",
        views.template_new_version,
        name="template_new_version",
    ),
    path(
        "templates/<uuid:public_id>/deactivate/",
        views.template_deactivate,
        name="template_deactivate",
    ),
    path("new/<uuid:patient_id>/", views.consent_capture, name="capture"),
    path("<uuid:public_id>/", views.consent_detail, name="detail"),
    path("<uuid:public_id>/sign/", views.consent_sign, name="sign"),
    path("<uuid:public_id>/withdraw/", views.consent_withdraw, name="withdraw"),
]
