"""The form a clinic admin registers a backend client with."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mesoclinic.clinics.choices import Role
from mesoclinic.clinics.models import Clinic
from mesoclinic.fhir.access import scope_types
from mesoclinic.fhir.models import BackendClient
from mesoclinic.fhir.smart.keys import KeySetError, check_key_set
from mesoclinic.records.forms import Textarea


class ClientForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=120,
        help_text=_("The system that will call the API, e.g. “Hospital integration engine”."),
    )
    role = forms.ChoiceField(
        label=_("Acts as"),
        choices=Role.choices,
        help_text=_(
            "The client reads what a staff member of this role may read, never more. "
            "A researcher's client gets no patient-level data."
        ),
    )
    scopes = forms.CharField(
        label=_("Granted scopes"),
        max_length=500,
        initial="system/*.read",
        help_text=_(
            "Space-separated SMART scopes: system/*.read for everything the role reads, or "
            "types such as system/Patient.read system/Observation.read."
        ),
    )
    jwks = forms.CharField(
        label=_("Public keys (JWK Set)"),
        widget=Textarea(attrs={"rows": 8, "spellcheck": "false"}),
        help_text=_(
            'The client\'s public keys as a JWK Set ({"keys": [...]}): RSA of at least 2048 '
            "bits for RS384, or EC P-384 for ES384, each with a kid. Never a private key."
        ),
    )

    def __init__(self, *args: Any, clinic: Clinic, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.clinic = clinic

    def clean_name(self) -> str:
        name = str(self.cleaned_data["name"]).strip()
        if BackendClient.objects.filter(clinic=self.clinic, name=name).exists():
            raise forms.ValidationError(_("A client of this clinic already has this name."))
        return name

    def clean_scopes(self) -> str:
        scopes = " ".join(str(self.cleaned_data["scopes"]).split())
        for scope in scopes.split():
            if scope_types(scope) == frozenset():
                raise forms.ValidationError(
                    _("%(scope)s is not a read scope of the form system/Type.read.")
                    % {"scope": scope}
                )
        if not scopes:
            raise forms.ValidationError(_("Grant at least one scope."))
        return scopes

    def clean_jwks(self) -> dict[str, Any]:
        try:
            return check_key_set(str(self.cleaned_data["jwks"]))
        except KeySetError as exc:
            raise forms.ValidationError(str(exc)) from exc

    @staticmethod
    def pretty(jwks: dict[str, Any]) -> str:
        return json.dumps(jwks, indent=2)
