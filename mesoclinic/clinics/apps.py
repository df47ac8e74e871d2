"""Clinics, staff memberships with a role per clinic, and practitioner profiles."""

from __future__ import annotations

from decimal import Decimal

from django.apps import AppConfig
from django.utils.formats import number_format
from django.utils.translation import gettext, gettext_lazy

from mesoclinic import clinical_codes
from mesoclinic.charts import words as charts_words

# Before any model is defined (this module is imported while Django lists the apps, before
# their models): the shared code lists' labels are given to models and forms translatable.
clinical_codes.translate_labels_with(gettext_lazy)


class ClinicsConfig(AppConfig):
    name = "mesoclinic.clinics"
    label = "clinics"
    verbose_name = "Clinics"

    def ready(self) -> None:
        # The sign-in clock starts on every sign-in (a receiver of user_logged_in).
        from mesoclinic.clinics import session_timeout  # noqa: F401

        # Charts (pure) write their tooltips in the reader's language and number format.
        charts_words.use(gettext, lambda text: number_format(Decimal(text)))
