"""URLs of the billing app."""

from __future__ import annotations

from django.urls import path

from mesoclinic.billing import price_views, views

app_name = "billing"
urlpatterns = [
    path("", views.home, name="home"),
    path("settings/", price_views.settings_edit, name="settings"),
    path("prices/", price_views.price_list, name="prices"),
    path("prices/new/", price_views.price_create, name="price_create"),
    path("prices/<uuid:public_id>/edit/", price_views.price_edit, name="price_edit"),
    path("takings/", views.takings, name="takings"),
    path("export/", views.export, name="export"),
    path("patients/<uuid:public_id>/", views.patient_billing, name="patient"),
    path("patients/<uuid:public_id>/invoice/", views.invoice_new, name="invoice_new"),
    path("patients/<uuid:public_id>/package/", price_views.package_sell, name="package_sell"),
    path("sessions/<uuid:public_id>/invoice/", views.session_invoice, name="session_invoice"),
    path("invoices/<uuid:public_id>/", views.invoice_detail, name="invoice"),
    path("invoices/<uuid:public_id>/lines/", views.invoice_line_add, name="line_add"),
    path("invoices/<uuid:public_id>/lines/remove/", views.invoice_line_remove, name="line_remove"),
    path("invoices/<uuid:public_id>/issue/", views.invoice_issue, name="issue"),
    path("invoices/<uuid:public_id>/delete/", views.invoice_delete, name="delete"),
    path("invoices/<uuid:public_id>/pay/", views.invoice_pay, name="pay"),
    path("invoices/<uuid:public_id>/refund/", views.invoice_credit, name="refund"),
    path("invoices/<uuid:public_id>/pdf/", views.invoice_pdf, name="pdf"),
    path("packages/<uuid:public_id>/", views.package_detail, name="package"),
    path("packages/<uuid:public_id>/void/", price_views.package_void, name="package_void"),
    path("uses/<uuid:public_id>/reverse/", price_views.package_use_reverse, name="use_reverse"),
]
