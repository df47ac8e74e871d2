"""The form that corrects one injection line of a signed session."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeAlias, cast

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mesoclinic.clinical_codes import TECHNIQUES, choices
from mesoclinic.formulary.models import Lot, Product
from mesoclinic.records.forms import Textarea
from mesoclinic.treatments.corrections import (
    DEPTH_MAX_MM,
    DEPTH_MIN_MM,
    LineValues,
    site_label,
)
from mesoclinic.treatments.models import Injection, TreatmentSession

if TYPE_CHECKING:
    # django-stubs makes these Django classes generic, but Django's own cannot be subscripted
    # at runtime (django_stubs_ext.monkeypatch() is not installed): the model parameters are
    # for the type checker only.
    _LotChoiceField: TypeAlias = forms.ModelChoiceField[Lot]
else:
    _LotChoiceField = forms.ModelChoiceField


class LotChoiceField(_LotChoiceField):
    """Every lot of the clinic, including expired and recalled ones: a correction records
    what was injected, whatever state the lot was in."""

    def label_from_instance(self, obj: Any) -> str:
        lot = cast(Lot, obj)
        expiry = f", exp {lot.expiry_date:%Y-%m-%d}" if lot.expiry_date else ""
        state = "" if lot.status == "available" else f", {lot.get_status_display().lower()}"
        return f"{lot.product.name} · lot {lot.lot_number}{expiry}{state}"


class LineCorrectionForm(forms.Form):
    """A line's values as they should have been recorded, and why; pre-filled with the line
    as it now stands. ``checked`` carries the fingerprint of the values whose dose check the
    page showed, so a save always follows a look at the corrected dose."""

    checked = forms.CharField(widget=forms.HiddenInput, required=False)
    site = forms.ChoiceField(label=_("Area and side"))
    product = forms.ModelChoiceField(queryset=Product.objects.none(), label=_("Product"))
    lot = LotChoiceField(queryset=Lot.objects.none(), label=_("Lot"))
    volume_ml = forms.DecimalField(
        label=_("Volume (mL)"), max_digits=7, decimal_places=3, min_value=Decimal("0.001")
    )
    points = forms.IntegerField(label=_("Points"), min_value=1, required=False)
    depth_mm = forms.DecimalField(
        label=_("Depth (mm)"),
        max_digits=4,
        decimal_places=1,
        required=False,
        validators=[MinValueValidator(DEPTH_MIN_MM), MaxValueValidator(DEPTH_MAX_MM)],
    )
    technique = forms.ChoiceField(
        label=_("Technique"), choices=[("", "—"), *choices(TECHNIQUES)], required=False
    )
    reason = forms.CharField(
        label=_("Reason for the correction"),
        max_length=2000,
        widget=Textarea(attrs={"rows": 2}),
        help_text=_("what was wrong and how you know (e.g. the vial label in the notes)"),
    )

    def __init__(
        self, *args: Any, session: TreatmentSession, line: Injection, **kwargs: Any
    ) -> None:
        kwargs.setdefault(
            "initial",
            {
                "site": f"{line.area}:{line.side}",
                "product": line.product_id,
                "lot": line.lot_id,
                "volume_ml": line.volume_ml.normalize(),
                "points": line.points,
                "depth_mm": line.depth_mm,
                "technique": line.technique,
            },
        )
        super().__init__(*args, **kwargs)
        self.line = line
        sites = [(f"{a.area}:{a.side}", site_label(a.area, a.side)) for a in session.areas.all()]
        cast(forms.ChoiceField, self.fields["site"]).choices = sites
        # Active products, and the line's own even if it has since been withdrawn.
        cast(
            "forms.ModelChoiceField[Product]", self.fields["product"]
        ).queryset = Product.objects.for_clinic(session.clinic).filter(
            Q(is_active=True) | Q(pk=line.product_id)
        )
        cast("forms.ModelChoiceField[Lot]", self.fields["lot"]).queryset = (
            Lot.objects.for_clinic(session.clinic)
            .select_related("product")
            .order_by("product__name", "lot_number")
        )
        if line.points is not None:
            # A count recorded at signing is needed by the labelled-dose check; keep one.
            self.fields["points"].required = True

    def clean_reason(self) -> str:
        reason: str = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Say why the signed line is being corrected."))
        return reason

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        product, lot = data.get("product"), data.get("lot")
        if product is not None and lot is not None and lot.product_id != product.pk:
            self.add_error(
                "lot",
                gettext("Lot %(lot)s is a lot of %(lot_product)s, not %(product)s.")
                % {"lot": lot.lot_number, "lot_product": lot.product, "product": product},
            )
        if data.get("depth_mm") is not None:
            # "6" and "6.0" are the same depth; compare and store it as the model does.
            data["depth_mm"] = data["depth_mm"].quantize(Decimal("0.1"))
        return data

    def values(self) -> LineValues:
        data = self.cleaned_data
        area, side = data["site"].split(":", 1)
        return LineValues(
            area=area,
            side=side,
            product=data["product"],
            lot=data["lot"],
            volume_ml=data["volume_ml"],
            points=data.get("points"),
            depth_mm=data.get("depth_mm"),
            technique=data.get("technique") or "",
        )
