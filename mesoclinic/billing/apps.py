"""Billing: the price list, invoices and credit notes, payments and prepaid packages."""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "mesoclinic.billing"
    label = "billing"
    verbose_name = "Billing"

    def ready(self) -> None:
        from mesoclinic.treatments.signals import session_signed

        # Signing (treatments, a lower layer) announces the signature; billing takes one
        # session off the patient's package in the same transaction.
        session_signed.connect(use_package_on_signing, dispatch_uid="billing.use_package")


def use_package_on_signing(sender: Any, **kwargs: Any) -> None:
    # billing.packages (and billing.services) load with the first signature, not with every
    # command's start-up (issue 11: commands that start at once).
    from mesoclinic.billing.packages import use_package_on_signing as receiver

    receiver(sender, **kwargs)
