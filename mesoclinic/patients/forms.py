"""Patient registration and demographics forms."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeAlias

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mesoclinic.patients.fields import PATIENT_FIELDS, PatientFieldAccess
from mesoclinic.patients.models import Patient
from mesoclinic.records.forms import DateInput, Textarea, VersionedForm

if TYPE_CHECKING:
    # django-stubs makes these Django classes generic, but Django's own cannot be subscripted
    # at runtime (django_stubs_ext.monkeypatch() is not installed): the model parameters are
    # for the type checker only.
    _PatientForm: TypeAlias = forms.ModelForm[Patient]
else:
    _PatientForm = forms.ModelForm


class PatientForm(VersionedForm, _PatientForm):
    """A patient's details, limited to the fields the user's role may edit (``access``): the
    others are neither rendered nor read from the post, so they keep their stored values."""

    class Meta:
        model = Patient
        fields = [
            "given_name",
            "family_name",
            "birth_date",
            "sex",
            "height_cm",
            "phone",
            "email",
            "address",
            "preferred_language",
            "allergies",
            "current_medications",
        ]
        widgets = {
            "birth_date": DateInput(),
            "address": Textarea(attrs={"rows": 2}),
            "allergies": Textarea(attrs={"rows": 2}),
            "current_medications": Textarea(attrs={"rows": 2}),
        }
        labels = {
            "given_name": _("Given name"),
            "family_name": _("Family name"),
            "birth_date": _("Birth date"),
            "sex": _("Sex"),
            "height_cm": _("Height (cm)"),
            "phone": _("Phone"),
            "email": _("Email"),
            "address": _("Address"),
            "allergies": _("Allergies"),
            "current_medications": _("Current medications"),
            "preferred_language": _("Language"),
        }

    def __init__(self, *args: Any, access: PatientFieldAccess, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in [n for n in self.fields if n in PATIENT_FIELDS and not access.edits(n)]:
            del self.fields[name]
        # Who the patient is, how to reach them, then what a clinician needs.
        self.order_fields(access.visible_in_order())
        for name in ("given_name", "family_name", "birth_date"):
            if name in self.fields:
                self.fields[name].required = True

    def clean_birth_date(self) -> dt.date:
        born: dt.date = self.cleaned_data["birth_date"]
        today = timezone.localdate()
        if born > today:
            raise forms.ValidationError(_("Birth date cannot be in the future."))
        if born.year < 1900:
            raise forms.ValidationError(_("Birth date must be in 1900 or later."))
        return born

    def clean_height_cm(self) -> Decimal | None:
        height: Decimal | None = self.cleaned_data.get("height_cm")
        if height is not None and not Decimal(100) <= height <= Decimal(250):
            raise forms.ValidationError(_("Height must be between 100 and 250 cm."))
        return height


class DifferentPersonForm(forms.Form):
    """The user's answer to a possible-duplicate warning: the patients shown (their public ids,
    so a confirmation covers only what was on the screen) and whether this is someone else."""

    prefix = "duplicates"

    shown = forms.CharField(widget=forms.HiddenInput, required=False)
    confirmed = forms.BooleanField(
        label=_("This is a different person from the patients listed above"),
        required=False,
    )

    def different_from(self) -> set[uuid.UUID]:
        """The public ids the user confirmed to be someone else (none unless ticked)."""
        if not self.is_valid() or not self.cleaned_data["confirmed"]:
            return set()
        ids = set()
        for text in self.cleaned_data["shown"].split(","):
            try:
                ids.add(uuid.UUID(text.strip()))
            except ValueError:
                continue
        return ids


class PatientSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name, MRN or birth date (YYYY-MM-DD)"),
        required=False,
        max_length=100,
    )
