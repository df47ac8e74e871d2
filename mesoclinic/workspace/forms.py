"""Staff management forms for clinic admins."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeAlias

from django import forms
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from mesoclinic.clinics.choices import Profession, Role
from mesoclinic.clinics.models import (
    IDLE_TIMEOUT_MINUTES_MAX,
    IDLE_TIMEOUT_MINUTES_MIN,
    Clinic,
)
from mesoclinic.records.forms import CurrencyMixin, VersionedForm

if TYPE_CHECKING:
    # django-stubs makes these Django classes generic, but Django's own cannot be subscripted
    # at runtime (django_stubs_ext.monkeypatch() is not installed): the model parameters are
    # for the type checker only.
    _ClinicForm: TypeAlias = forms.ModelForm[Clinic]
else:
    _ClinicForm = forms.ModelForm


class StaffProfileFields(forms.Form):
    profession = forms.ChoiceField(
        choices=[("", _("— not a clinician —")), *Profession.choices],
        required=False,
        label=_("Profession"),
    )
    registration_number = forms.CharField(
        max_length=50, required=False, label=_("Registration number")
    )
    registration_body = forms.CharField(
        max_length=100, required=False, label=_("Registration body")
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        role = data.get("role")
        if role in (Role.PRACTITIONER, Role.NURSE) and not data.get("profession"):
            self.add_error("profession", _("A practitioner or nurse needs a profession."))
        if role == Role.PRACTITIONER and not data.get("registration_number"):
            # Records name who injected on whose licence (reference §7, record contents).
            self.add_error("registration_number", _("A practitioner needs a registration number."))
        return data


class StaffCreateForm(StaffProfileFields):
    username = forms.CharField(max_length=150, label=_("Username"))
    first_name = forms.CharField(max_length=150, label=_("First name"))
    last_name = forms.CharField(max_length=150, label=_("Last name"))
    email = forms.EmailField(required=False, label=_("E-mail"))
    role = forms.ChoiceField(choices=Role.choices, label=_("Role"))
    password = forms.CharField(
        widget=forms.PasswordInput,
        label=_("Password"),
        help_text=_("At least 10 characters; share it privately."),
    )

    field_order = [
        "username", "first_name", "last_name", "email", "role",
        "profession", "registration_number", "registration_body", "password",
    ]  # fmt: skip

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"].strip()
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("That username is taken; choose another."))
        return username

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        password = data.get("password")
        if password:
            candidate = User(
                username=data.get("username", ""), first_name=data.get("first_name", "")
            )
            try:
                validate_password(password, candidate)
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return data


class StaffEditForm(VersionedForm, StaffProfileFields):
    role = forms.ChoiceField(choices=Role.choices, label=_("Role"))
    is_active = forms.BooleanField(required=False, label=_("Active in this clinic"))

    field_order = ["role", "is_active", "profession", "registration_number", "registration_body"]


class ClinicSettingsForm(CurrencyMixin, VersionedForm, _ClinicForm):
    """The clinic's own settings, for its admin. ``version`` is the one the page was read at;
    a save without it, or after someone else saved, is refused (workspace.services)."""

    # The clinic keeps seconds (a test can make them tiny); its admin thinks in minutes.
    idle_timeout_minutes = forms.IntegerField(
        label=_("Sign out after inactivity (minutes)"),
        min_value=IDLE_TIMEOUT_MINUTES_MIN,
        max_value=IDLE_TIMEOUT_MINUTES_MAX,
        help_text=format_lazy(
            _(
                "A member who makes no request for this long is signed out, with a warning "
                "two minutes before ({minimum} to {maximum}; 15 by default)"
            ),
            minimum=IDLE_TIMEOUT_MINUTES_MIN,
            maximum=IDLE_TIMEOUT_MINUTES_MAX,
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault(
            "idle_timeout_minutes", round(self.instance.idle_timeout_seconds / 60)
        )

    class Meta:
        model = Clinic
        fields = ["name", "time_zone", "currency", "screening_valid_months", "default_language"]
        labels = {
            "name": _("Clinic name"),
            "time_zone": _("Time zone"),
            "currency": _("Currency"),
            "screening_valid_months": _("Screening valid for (months)"),
            "default_language": _("Default language"),
        }
        help_texts = {
            "time_zone": _("An IANA name such as Europe/London: dates on the clinic's day use it"),
            "currency": _("ISO 4217 code for prices, e.g. GBP or EUR"),
            "screening_valid_months": _(
                "A session is signed only after a signed screening at "
                "most this many months before it (1 to 24; 12 by default)"
            ),
        }

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("This field is required."))
        return name

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        minutes = data.get("idle_timeout_minutes")
        if minutes is not None:
            data["idle_timeout_seconds"] = minutes * 60
        return data

    def clean_time_zone(self) -> str:
        return str(self.cleaned_data["time_zone"]).strip()
