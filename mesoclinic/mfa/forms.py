"""Forms of the second sign-in step."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from mesoclinic.clinics.choices import MEMBER_LANGUAGE_CHOICES
from mesoclinic.mfa.choices import RequiredFor


class LanguageForm(forms.Form):
    """The language of one's own pages, in every clinic; blank: the clinic's default."""

    language = forms.ChoiceField(
        label=_("Language"), choices=MEMBER_LANGUAGE_CHOICES, required=False
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
        help_text=_("The 6-digit code your authenticator app shows, or one of your recovery codes"),
    )


class PasswordForm(forms.Form):
    """Re-authentication before a change to one's own devices."""

    password = forms.CharField(
        label=_("Your password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    device = forms.CharField(widget=forms.HiddenInput, required=False)


class ClinicPolicyForm(forms.Form):
    required_for = forms.ChoiceField(
        label=_("Second sign-in step required for"),
        choices=RequiredFor.choices,
        help_text=_("An authenticator app code or a passkey after the password"),
    )
