"""Consent template forms (admins) and the consent capture and withdrawal forms."""

from __future__ import annotations

import base64
import binascii
from typing import TYPE_CHECKING, Any, TypeAlias, cast

from django import forms
from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mesoclinic.consent.models import ConsentTemplate
from mesoclinic.consent.names import names_match
from mesoclinic.formulary.models import Product
from mesoclinic.records.forms import Textarea, VersionedForm

if TYPE_CHECKING:
    # django-stubs makes these Django classes generic, but Django's own cannot be subscripted
    # at runtime (django_stubs_ext.monkeypatch() is not installed): the model parameters are
    # for the type checker only.
    _TemplateForm: TypeAlias = forms.ModelForm[ConsentTemplate]
else:
    _TemplateForm = forms.ModelForm

PNG_DATA_URL_PREFIX = "data:image/png;base64,"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
# A drawn signature at pad size is a few kilobytes; the cap keeps the row small and refuses
# anything that is not plausibly a signature.
SIGNATURE_MAX_CHARS = 200 * 1024


def check_signature_png(value: str) -> str | None:
    """None when ``value`` is empty or a PNG data URL under the size cap; otherwise why not."""
    if not value:
        return None
    if len(value) > SIGNATURE_MAX_CHARS:
        return gettext(
            "is too large (%(size)d KB); the limit is %(limit)d KB. Clear it and sign again."
        ) % {"size": len(value) // 1024, "limit": SIGNATURE_MAX_CHARS // 1024}
    if not value.startswith(PNG_DATA_URL_PREFIX):
        return gettext("must be a PNG image drawn on the pad (a data:image/png;base64 URL).")
    try:
        raw = base64.b64decode(value[len(PNG_DATA_URL_PREFIX) :], validate=True)
    except (binascii.Error, ValueError):
        return "is not valid base64 image data. Clear it and sign again."
    if not raw.startswith(PNG_MAGIC):
        return "is not a PNG image. Clear it and sign again."
    return None


class SignaturePad(forms.Widget):
    """A <canvas> to draw on, storing a PNG data URL in a hidden input (consent/signature.js)."""

    template_name = "consent/widgets/signature.html"


class ConsentTemplateForm(VersionedForm, _TemplateForm):
    """A new template, or the next version of one (``new_version_of``, read at its version)."""

    class Meta:
        model = ConsentTemplate
        fields = ["code", "language", "title", "indication", "products", "off_label", "body"]
        widgets = {
            "body": Textarea(attrs={"rows": 20}),
            "products": forms.CheckboxSelectMultiple,
        }
        labels = {
            "code": _("Code"),
            "language": _("Language of the text"),
            "title": _("Title"),
            "indication": _("Indication"),
            "products": _("Products this consent covers (optional)"),
            "off_label": _("Discloses off-label use"),
            "body": _("Text the patient reads"),
        }

    def __init__(
        self, *args: Any, clinic: Any, new_version_of: ConsentTemplate | None = None, **kwargs: Any
    ) -> None:
        if new_version_of is not None:
            kwargs["read_version"] = new_version_of.version
        super().__init__(*args, **kwargs)
        self.clinic = clinic
        self.new_version_of = new_version_of
        self.fields["language"].required = False
        # Only this clinic's formulary; a session given with another product then needs a
        # consent that covers it (treatments.gates).
        products = cast("forms.ModelMultipleChoiceField[Product]", self.fields["products"])
        products.queryset = Product.objects.for_clinic(clinic).filter(is_active=True)
        if new_version_of is not None:
            # Versions share their code and language; both are shown but cannot change.
            self.fields["code"].disabled = True
            self.fields["code"].initial = new_version_of.code
            self.fields["language"].disabled = True
            self.fields["language"].initial = new_version_of.language

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"]
        if self.new_version_of is not None:
            return self.new_version_of.code
        return code

    def clean_language(self) -> str:
        if self.new_version_of is not None:
            return str(self.new_version_of.language)
        # Not given (an older form): the site's language, English.
        return str(self.cleaned_data.get("language") or settings.LANGUAGE_CODE)

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        code, language = data.get("code"), data.get("language")
        if self.new_version_of is None and code and language:
            # The same text in another language is the same code: a translation.
            existing = ConsentTemplate.objects.for_clinic(self.clinic).filter(
                code=code, language=language
            )
            if existing.exists():
                self.add_error(
                    "code",
                    _(
                        "a template with this code exists in this language; make a new version "
                        "of it instead."
                    ),
                )
        return data

    def clean_body(self) -> str:
        body: str = self.cleaned_data["body"].strip()
        if len(body) < 200:
            raise forms.ValidationError(
                "is too short to describe the treatment, its risks and alternatives "
                "(at least 200 characters)."
            )
        return body


class ConsentCaptureForm(forms.Form):
    read_confirmed = forms.BooleanField(
        label=_("The patient has read the text above and had their questions answered")
    )
    discussed = forms.CharField(
        label=_("Record of the consent discussion"),
        widget=Textarea(attrs={"rows": 4}),
        help_text=_("Risks and alternatives discussed, questions asked and the answers given"),
    )
    photo_consent = forms.BooleanField(
        label=_("Separate consent to clinical photographs (storage, retrieval and future use)"),
        required=False,
    )
    patient_typed_name = forms.CharField(
        label=_("Patient's full name, typed by the patient"), max_length=200
    )
    patient_signature_png = forms.CharField(
        label=_("Drawn signature"),
        required=False,
        widget=SignaturePad,
        help_text=_(
            "Optional: draw with a finger, stylus or mouse. The typed name is the signature "
            "for anyone who cannot draw."
        ),
    )

    def __init__(self, *args: Any, patient: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.patient = patient
        typed = str(self.data.get("patient_typed_name", "")).strip() if self.is_bound else ""
        if typed and not names_match(typed, patient.given_name, patient.family_name):
            # Asked only once the typed name differs from the record, right after the name.
            confirm = forms.BooleanField(
                label=gettext(
                    "The right patient is signing: “%(typed)s” is %(name)s's name as they sign it"
                )
                % {"typed": typed, "name": patient.display_name},
                required=False,
                help_text=gettext(
                    "The record says %(name)s (%(mrn)s). Tick only after checking who is "
                    "signing (e.g. a married or preferred name)."
                )
                % {"name": patient.display_name, "mrn": patient.mrn},
            )
            names = list(self.fields)
            at = names.index("patient_typed_name") + 1
            fields = list(self.fields.items())
            fields.insert(at, ("name_mismatch_confirmed", confirm))
            self.fields = dict(fields)

    def clean_patient_typed_name(self) -> str:
        name: str = self.cleaned_data["patient_typed_name"].strip()
        if len(name) < 2:
            raise forms.ValidationError(_("type the patient's full name."))
        return name

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        typed = str(data.get("patient_typed_name") or "")
        mismatch = bool(typed) and not names_match(
            typed, self.patient.given_name, self.patient.family_name
        )
        data["name_mismatch_confirmed"] = bool(mismatch and data.get("name_mismatch_confirmed"))
        if mismatch and not data["name_mismatch_confirmed"]:
            self.add_error(
                "patient_typed_name",
                gettext(
                    "does not match the name on the record, %(name)s. Check that the right "
                    "patient is signing; if this is their name as they sign it, tick the "
                    "confirmation that now appears beside it."
                )
                % {"name": self.patient.display_name},
            )
        return data

    def clean_patient_signature_png(self) -> str:
        value: str = self.cleaned_data.get("patient_signature_png", "").strip()
        problem = check_signature_png(value)
        if problem is not None:
            raise forms.ValidationError(problem)
        return value


class WithdrawForm(VersionedForm):
    reason = forms.CharField(
        label=_("Reason for withdrawal"),
        widget=Textarea(attrs={"rows": 3}),
        help_text=_("As the patient gave it, or 'no reason given'"),
    )
