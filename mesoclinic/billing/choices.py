"""Billing codes: the kinds of document and the ways a patient pays."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class InvoiceKind(models.TextChoices):
    INVOICE = "invoice", _("Invoice")
    CREDIT_NOTE = "credit_note", _("Credit note")


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("Cash")
    CARD = "card", _("Card")
    TRANSFER = "transfer", _("Bank transfer")
