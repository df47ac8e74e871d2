"""Billing: the price list, invoices and credit notes, payments and prepaid packages."""

from __future__ import annotations

from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "mesoclinic.billing"
    label = "billing"
    verbose_name = "Billing"

    def ready(self) -> None:
        from mesoclinic.billing.packages import use_package_on_signing
        from mesoclinic.treatments.signals import session_signed

        # Signing (treatments, a lower layer) announces the signature; billing takes one
        # session off the patient's package in the same transaction.
        session_signed.connect(use_package_on_signing, dispatch_uid="billing.use_package")
