"""Patient registration and demographics forms."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone

from mesoclinic.patients.models import Patient
from mesoclinic.records.forms import DateInput, Textarea, VersionedForm


class PatientForm(VersionedForm, forms.ModelForm):
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
            "allergies",
            "current_medications",
        ]
        widgets = {
            "birth_date": DateInput(),
            "address": Textarea(attrs={"rows": 2}),
            "allergies": Textarea(attrs={"rows": 2}),
            "current_medications": Textarea(attrs={"rows": 2}),
        }
        labels = {"height_cm": "Height (cm)"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["given_name"].required = True
        self.fields["family_name"].required = True
        self.fields["birth_date"].required = True

    def clean_birth_date(self) -> dt.date:
        born: dt.date = self.cleaned_data["birth_date"]
        today = timezone.localdate()
        if born > today:
            raise forms.ValidationError("Birth date cannot be in the future.")
        if born.year < 1900:
            raise forms.ValidationError("Birth date must be in 1900 or later.")
        return born

    def clean_height_cm(self) -> Decimal | None:
        height: Decimal | None = self.cleaned_data.get("height_cm")
        if height is not None and not Decimal(100) <= height <= Decimal(250):
            raise forms.ValidationError("Height must be between 100 and 250 cm.")
        return height


class PatientSearchForm(forms.Form):
    q = forms.CharField(
        label="Name, MRN or birth date (YYYY-MM-DD)",
        required=False,
        max_length=100,
    )
