"""Forms for products (with their ingredients) and lots."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeAlias, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from mesoclinic.clinics.models import Clinic
from mesoclinic.formulary.choices import RecallContactOutcome
from mesoclinic.formulary.models import Ingredient, Lot, Product
from mesoclinic.records.forms import DateInput, DateTimeLocalField, Textarea, VersionedForm

if TYPE_CHECKING:
    # django-stubs makes these Django classes generic, but Django's own cannot be subscripted
    # at runtime (django_stubs_ext.monkeypatch() is not installed): the model parameters are
    # for the type checker only.
    _ProductForm: TypeAlias = forms.ModelForm[Product]
    _IngredientForm: TypeAlias = forms.ModelForm[Ingredient]
    _IngredientFormSet: TypeAlias = forms.BaseInlineFormSet[Ingredient, Product, "IngredientForm"]
    _LotForm: TypeAlias = forms.ModelForm[Lot]
    _LotChoiceField: TypeAlias = forms.ModelChoiceField[Lot]
else:
    _ProductForm = _IngredientForm = _LotForm = forms.ModelForm
    _IngredientFormSet = forms.BaseInlineFormSet
    _LotChoiceField = forms.ModelChoiceField

# Substance codes are the dose engine's keys (spec/dose-check.md): lower-case snake_case,
# e.g. lidocaine, deoxycholic_acid. A free-text spelling would silently escape a limit.
SUBSTANCE_CODE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")


def normalise_substance(text: str) -> str:
    """'Deoxycholic acid' and 'deoxycholic-acid' both become 'deoxycholic_acid'."""
    return re.sub(r"[\s\-]+", "_", text.strip().lower())


class ProductForm(VersionedForm, _ProductForm):
    class Meta:
        model = Product
        fields = ["name", "manufacturer", "procedure_type", "is_active", "notes"]
        widgets = {"notes": Textarea(attrs={"rows": 2})}
        labels = {
            "name": _("Name"),
            "manufacturer": _("Manufacturer"),
            "procedure_type": _("Procedure type"),
            "is_active": _("Active (offered when recording sessions)"),
            "notes": _("Notes"),
        }

    def __init__(self, *args: Any, clinic: Clinic, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.clinic = clinic

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        clash = Product.objects.for_clinic(self.clinic).filter(name__iexact=name)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("Another product of this clinic already has this name."))
        return name


class IngredientForm(_IngredientForm):
    class Meta:
        model = Ingredient
        fields = ["substance", "mg_per_ml"]
        labels = {"substance": _("Substance"), "mg_per_ml": _("Concentration (mg/mL)")}
        # No code in the words: a code is typed as it is in every language (listed in <code>
        # under the table), while the words around it translate.
        help_texts = {
            "substance": _("a lower-case code with underscores, as listed under the table")
        }

    def clean_substance(self) -> str:
        code = normalise_substance(self.cleaned_data["substance"])
        if not SUBSTANCE_CODE.match(code):
            raise forms.ValidationError(
                _("Use a lower-case code with underscores, e.g. lidocaine or deoxycholic_acid.")
            )
        return code

    def clean_mg_per_ml(self) -> Decimal:
        value: Decimal = self.cleaned_data["mg_per_ml"]
        if value < 0:
            raise forms.ValidationError(_("A concentration cannot be negative."))
        return value


class BaseIngredientFormSet(_IngredientFormSet):
    def clean(self) -> None:
        seen: set[str] = set()
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE"):
                continue
            substance = form.cleaned_data.get("substance")
            if not substance:
                continue
            if substance in seen:
                form.add_error(
                    "substance",
                    gettext(
                        "%(substance)s is listed twice; give each substance once with its "
                        "concentration."
                    )
                    % {"substance": substance},
                )
            seen.add(substance)
        super().clean()


IngredientFormSet: type[forms.BaseInlineFormSet[Ingredient, Product, IngredientForm]] = (
    forms.inlineformset_factory(
        Product,
        Ingredient,
        form=IngredientForm,
        formset=BaseIngredientFormSet,
        extra=2,
        min_num=1,
        validate_min=True,
        can_delete=True,
    )
)


class LotReceiveForm(_LotForm):
    class Meta:
        model = Lot
        fields = [
            "product",
            "lot_number",
            "expiry_date",
            "received_on",
            "quantity_received",
            "vial_volume_ml",
            "vial_type",
        ]
        widgets = {
            "expiry_date": DateInput(),
            "received_on": DateInput(),
        }
        labels = {
            "product": _("Product"),
            "lot_number": _("Lot number"),
            "expiry_date": _("Expiry date"),
            "received_on": _("Received on"),
            "quantity_received": _("Quantity (vials or syringes)"),
            "vial_volume_ml": _("Volume per vial (mL)"),
            "vial_type": _("Single- or multi-dose"),
        }

    def __init__(self, *args: Any, clinic: Clinic, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.clinic = clinic
        products = Product.objects.for_clinic(clinic).filter(is_active=True)
        cast("forms.ModelChoiceField[Product]", self.fields["product"]).queryset = products
        # Batch and expiry prove the product was in date and make recalls traceable
        # (https://aestheticlinic.io/templates/treatment-record-template), so both are required.
        for name in ("expiry_date", "received_on", "vial_volume_ml"):
            self.fields[name].required = True
        self.fields["received_on"].initial = timezone.localdate()

    def clean_lot_number(self) -> str:
        number: str = self.cleaned_data["lot_number"].strip()
        if not number:
            raise forms.ValidationError(_("Enter the lot number printed on the pack."))
        return number

    def clean_quantity_received(self) -> int:
        quantity: int = self.cleaned_data["quantity_received"]
        if quantity < 1:
            raise forms.ValidationError(_("Receive at least one vial or syringe."))
        return quantity

    def clean_vial_volume_ml(self) -> Decimal:
        volume: Decimal = self.cleaned_data["vial_volume_ml"]
        if volume <= 0:
            raise forms.ValidationError(_("The volume per vial must be more than 0 mL."))
        return volume

    def clean_received_on(self) -> dt.date:
        received: dt.date = self.cleaned_data["received_on"]
        if received > timezone.localdate():
            raise forms.ValidationError(_("A lot cannot be received in the future."))
        return received

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        product, number = data.get("product"), data.get("lot_number")
        if (
            product
            and number
            and Lot.objects.for_clinic(self.clinic)
            .filter(product=product, lot_number__iexact=number)
            .exists()
        ):
            self.add_error(
                "lot_number",
                gettext("Lot %(lot)s of %(product)s has already been received.")
                % {"lot": number, "product": product},
            )
        expiry, received = data.get("expiry_date"), data.get("received_on")
        if expiry and received and expiry < received:
            self.add_error(
                "expiry_date", gettext("This lot had already expired when it was received.")
            )
        return data


class LotStatusForm(VersionedForm):
    """Quarantine, recall or release a lot: why, and the version of the lot the page showed."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        widget=Textarea(attrs={"rows": 2}),
        help_text=_("e.g. manufacturer recall notice number, or why the lot is held"),
    )

    def clean_reason(self) -> str:
        reason: str = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Give the reason."))
        return reason


class LotOpenForm(VersionedForm):
    """Opening a new multi-dose vial: when, and the beyond-use date from the product's label."""

    opened_at = DateTimeLocalField(label=_("Opened at"))
    beyond_use_date = forms.DateField(
        label=_("Beyond-use date"),
        widget=DateInput(),
        help_text=_("the last day the opened vial may be used, as the product's label says"),
    )

    def __init__(self, *args: Any, lot: Lot, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, read_version=lot.version, **kwargs)
        self.lot = lot
        self.today = today
        self.fields["opened_at"].initial = timezone.localtime().replace(second=0, microsecond=0)

    def clean_opened_at(self) -> dt.datetime:
        opened: dt.datetime = self.cleaned_data["opened_at"]
        # A minute of slack for a clock that is slightly ahead of the server's.
        if opened > timezone.now() + dt.timedelta(minutes=1):
            raise forms.ValidationError(_("A vial cannot be opened in the future."))
        received = self.lot.received_on
        if received and self.lot.clinic.day_of(opened) < received:
            raise forms.ValidationError(
                gettext("The lot was received on %(date)s; it cannot have been opened before.")
                % {"date": f"{received:%Y-%m-%d}"}
            )
        return opened

    def clean_beyond_use_date(self) -> dt.date:
        bud: dt.date = self.cleaned_data["beyond_use_date"]
        expiry = self.lot.expiry_date
        if expiry and bud > expiry:
            raise forms.ValidationError(
                gettext("The beyond-use date cannot be after the lot's expiry (%(date)s).")
                % {"date": f"{expiry:%Y-%m-%d}"}
            )
        return bud

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        opened, bud = data.get("opened_at"), data.get("beyond_use_date")
        if opened and bud and bud < self.lot.clinic.day_of(opened):
            self.add_error(
                "beyond_use_date", gettext("The beyond-use date cannot be before opening.")
            )
        return data


class RecallForm(forms.Form):
    """The recall search: a lot number and an optional date range (inclusive)."""

    lot = forms.CharField(label=_("Lot number"), max_length=100)
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def clean_lot(self) -> str:
        number: str = self.cleaned_data["lot"].strip()
        if not number:
            raise forms.ValidationError(_("Enter the lot number printed on the pack."))
        return number

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", gettext("The end date is before the start date."))
        return data


# A contact typed a few minutes fast on another device is not "in the future".
CLOCK_SKEW = dt.timedelta(minutes=5)
REACHED_NOTE_REQUIRED = _("write what the patient was told and anything they reported.")


class LotChoice(_LotChoiceField):
    def label_from_instance(self, obj: Lot) -> str:
        return gettext("%(product)s lot %(lot)s") % {
            "product": obj.product.name,
            "lot": obj.lot_number,
        }


class RecallContactForm(forms.Form):
    """One attempt to tell a patient about a recalled lot they received."""

    lot = LotChoice(label=_("Recalled lot"), queryset=Lot.objects.none(), empty_label=None)
    outcome = forms.ChoiceField(
        label=pgettext_lazy("recall contact", "Outcome"), choices=RecallContactOutcome.choices
    )
    contacted_at = DateTimeLocalField(label=_("When"), help_text=_("in the clinic's time"))
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=Textarea(attrs={"rows": 3}),
        help_text=_(
            "What the patient was told and what they said (symptoms go into an adverse "
            "event). Required when the patient was reached."
        ),
    )

    def __init__(self, *args: Any, lots: list[Lot], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.ModelChoiceField[Lot]", self.fields["lot"])
        field.queryset = Lot.objects.filter(pk__in=[lot.pk for lot in lots]).select_related(
            "product"
        )
        if not self.is_bound and "contacted_at" not in self.initial:
            self.initial["contacted_at"] = timezone.localtime().replace(second=0, microsecond=0)

    def clean_contacted_at(self) -> dt.datetime:
        when: dt.datetime = self.cleaned_data["contacted_at"]
        if when > timezone.now() + CLOCK_SKEW:
            raise forms.ValidationError(_("cannot be in the future."))
        return when

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        data["note"] = (data.get("note") or "").strip()
        if data.get("outcome") == RecallContactOutcome.REACHED and not data["note"]:
            self.add_error("note", REACHED_NOTE_REQUIRED)
        return data
