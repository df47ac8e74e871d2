"""Forms of the billing pages: settings, price list, invoice lines, payments, packages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeAlias

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from mesoclinic.billing.choices import PaymentMethod
from mesoclinic.billing.models import BillingSettings, PriceItem
from mesoclinic.clinics.models import Clinic
from mesoclinic.records.forms import DateInput, Textarea, VersionedForm

if TYPE_CHECKING:
    _SettingsForm: TypeAlias = forms.ModelForm[BillingSettings]
    _PriceForm: TypeAlias = forms.ModelForm[PriceItem]
    _ItemField: TypeAlias = forms.ModelChoiceField[PriceItem]
else:
    _SettingsForm = _PriceForm = forms.ModelForm
    _ItemField = forms.ModelChoiceField


class SettingsForm(VersionedForm, _SettingsForm):
    class Meta:
        model = BillingSettings
        fields = ["default_vat_rate_percent", "invoice_prefix", "credit_note_prefix"]


class PriceItemForm(VersionedForm, _PriceForm):
    class Meta:
        model = PriceItem
        fields = [
            "name",
            "indication",
            "area",
            "sessions",
            "unit_price",
            "vat_rate_percent",
            "is_active",
        ]


def _items(clinic: Clinic, *, packages: bool) -> Any:
    items = PriceItem.objects.for_clinic(clinic).filter(is_active=True)
    return items.filter(sessions__gt=1) if packages else items.filter(sessions=1)


class AddLineForm(forms.Form):
    item = _ItemField(queryset=PriceItem.objects.none(), label=_("Price list item"))
    quantity = forms.DecimalField(
        label=_("Quantity"),
        max_digits=7,
        decimal_places=2,
        initial=Decimal(1),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal(1000))],
    )

    def __init__(self, *args: Any, clinic: Clinic, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = _items(clinic, packages=False)  # type: ignore[attr-defined]


class PaymentForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    method = forms.ChoiceField(label=_("Method"), choices=PaymentMethod.choices)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=Textarea(attrs={"rows": 2}))


class CreditForm(ReasonForm):
    """A refund: why, and per line of the invoice the amount before VAT to refund (at most
    what remains of it; blank or 0 refunds nothing of that line). It opens with what remains
    of every line, so issuing it untouched refunds the rest of the invoice."""

    def __init__(self, *args: Any, credits: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.line_fields: list[tuple[str, Any]] = []
        for found in credits:
            if found.remaining.net <= 0:
                continue
            name = f"line_{found.line.pk}"
            self.fields[name] = forms.DecimalField(
                label=_("Refund of %(line)s, before VAT") % {"line": found.line.description},
                required=False,
                max_digits=12,
                decimal_places=2,
                min_value=Decimal(0),
                max_value=found.remaining.net,
                initial=found.remaining.net,
            )
            self.line_fields.append((name, found.line))

    def amounts_net(self) -> dict[int, Decimal]:
        """{line pk: amount before VAT} of the lines with an amount to refund."""
        return {
            line.pk: self.cleaned_data[name]
            for name, line in self.line_fields
            if self.cleaned_data.get(name)
        }


class SellPackageForm(forms.Form):
    item = _ItemField(queryset=PriceItem.objects.none(), label=_("Package"))

    def __init__(self, *args: Any, clinic: Clinic, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = _items(clinic, packages=True)  # type: ignore[attr-defined]


class DayForm(forms.Form):
    day = forms.DateField(label=_("Day"), widget=DateInput())


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DateInput())
    end = forms.DateField(label=_("To"), widget=DateInput())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start: dt.date | None = data.get("start")
        end: dt.date | None = data.get("end")
        if start and end and end < start:
            raise forms.ValidationError(_("The end date is before the start date."))
        return data
