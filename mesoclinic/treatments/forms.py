"""Session, area, injection-line and amendment forms."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeAlias, cast

from django import forms
from django.contrib.auth.models import User
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mesoclinic.clinical_codes import AREAS, SIDES, TECHNIQUES, choices
from mesoclinic.clinics.choices import Role
from mesoclinic.clinics.models import Membership
from mesoclinic.clinics.roles import Perm
from mesoclinic.formulary.choices import LotStatus
from mesoclinic.formulary.models import Lot, Product
from mesoclinic.patients.models import Patient
from mesoclinic.plans.forms import BaseAreaFormSet
from mesoclinic.plans.models import PlanStatus, TreatmentPlan
from mesoclinic.records.forms import CurrencyMixin, DateTimeLocalField, Textarea, VersionedForm
from mesoclinic.treatments.models import SessionArea, TreatmentSession

if TYPE_CHECKING:
    # django-stubs makes these Django classes generic, but Django's own cannot be subscripted
    # at runtime (django_stubs_ext.monkeypatch() is not installed): the model parameters are
    # for the type checker only.
    _StaffChoiceField: TypeAlias = forms.ModelChoiceField[User]
    _SessionForm: TypeAlias = forms.ModelForm[TreatmentSession]
    _SessionAreaForm: TypeAlias = forms.ModelForm[SessionArea]
else:
    _StaffChoiceField = forms.ModelChoiceField
    _SessionForm = _SessionAreaForm = forms.ModelForm

# Depth bounds are those of the Injection model (0–20 mm): the deepest technique in
# ../shared/reference/mesotherapy-clinical.md §1.1 is a 13 mm needle fully inserted
# (https://www.mesoderm.es/mesotherapy/).
DEPTH_MIN_MM, DEPTH_MAX_MM = Decimal(0), Decimal(20)


class StaffChoiceField(_StaffChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.get_username())


class SessionForm(VersionedForm, _SessionForm):
    """The session header. Indication and protocol default from the plan when left blank."""

    performed_at = DateTimeLocalField(
        label=_("Date and time"), help_text=_("in the clinic's time zone")
    )

    class Meta:
        model = TreatmentSession
        fields = [
            "performed_at",
            "practitioner",
            "plan",
            "indication",
            "protocol",
            "anaesthesia",
            "technique",
            "needle",
            "depth_mm",
            "notes",
        ]
        labels = {
            "indication": _("Indication"),
            "protocol": _("Protocol"),
            "anaesthesia": _("Anaesthesia"),
            "technique": _("Technique"),
            "depth_mm": _("Depth (mm)"),
            "plan": _("Course (plan)"),
            "needle": _("Needle"),
            "notes": _("Notes"),
        }
        widgets = {"notes": Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, patient: Patient, membership: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        staff = Membership.objects.filter(
            clinic=membership.clinic,
            is_active=True,
            role__in=[Role.PRACTITIONER, Role.NURSE],
        ).values("user_id")
        self.fields["practitioner"] = StaffChoiceField(
            queryset=User.objects.filter(pk__in=staff).order_by("last_name", "first_name"),
            label=_("Practitioner"),
            help_text=_("who injected"),
        )
        plan = cast("forms.ModelChoiceField[TreatmentPlan]", self.fields["plan"])
        # A closed course takes no new sessions; a draft keeps the plan it already has.
        plan.queryset = TreatmentPlan.objects.restrict(membership, Perm.VIEW_CLINICAL).filter(
            Q(status=PlanStatus.ACTIVE) | Q(pk=self.instance.plan_id), patient=patient
        )
        plan.empty_label = "— no plan —"
        self.fields["indication"].required = False
        self.fields["indication"].help_text = gettext("left blank: the plan's indication")

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        plan: TreatmentPlan | None = data.get("plan")
        if not data.get("indication"):
            if plan is None:
                self.add_error(
                    "indication", gettext("Choose the indication, or a plan to take it from.")
                )
            else:
                data["indication"] = plan.indication
        if plan is not None and not data.get("protocol"):
            data["protocol"] = plan.protocol
        return data


class SessionAreaForm(CurrencyMixin, _SessionAreaForm):
    price_field = "price"

    class Meta:
        model = SessionArea
        fields = ["area", "side", "price", "currency"]
        labels = {
            "area": _("Area"),
            "side": _("Side"),
            "price": _("Price (optional)"),
            "currency": _("Currency"),
        }

    def __init__(self, *args: Any, currency: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.default_currency = currency
        self.fields["currency"].widget.attrs["placeholder"] = currency


SessionAreaFormSet: type[
    forms.BaseInlineFormSet[SessionArea, TreatmentSession, forms.ModelForm[SessionArea]]
] = forms.inlineformset_factory(
    TreatmentSession,
    SessionArea,
    form=SessionAreaForm,
    formset=BaseAreaFormSet,
    extra=2,
    min_num=1,
    validate_min=True,
    can_delete=True,
)


def site_key(area: str, side: str) -> str:
    return f"{area}:{side}"


class InjectionForm(forms.Form):
    """One injection line. The lot list offers only lots usable on the session's date; a lot
    posted anyway is checked again by treatments.services.add_injection."""

    site = forms.ChoiceField(label=_("Area and side"))
    product = forms.ModelChoiceField(queryset=Product.objects.none(), label=_("Product"))
    lot = forms.ModelChoiceField(queryset=Lot.objects.none(), label=_("Lot"))
    volume_ml = forms.DecimalField(label=_("Volume (mL)"), max_digits=7, decimal_places=3)
    points = forms.IntegerField(label=_("Points"), min_value=1)
    depth_mm = forms.DecimalField(
        label=_("Depth (mm)"),
        max_digits=4,
        decimal_places=1,
        required=False,
        validators=[MinValueValidator(DEPTH_MIN_MM), MaxValueValidator(DEPTH_MAX_MM)],
    )
    technique = forms.ChoiceField(
        label=_("Technique"),
        choices=[("", "— as the session —"), *choices(TECHNIQUES)],
        required=False,
    )

    def __init__(self, *args: Any, session: TreatmentSession, on: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.session = session
        cast(forms.ChoiceField, self.fields["site"]).choices = [
            (site_key(a.area, a.side), f"{AREAS[a.area]} ({SIDES[a.side]})")
            for a in session.areas.all()
        ]
        cast(
            "forms.ModelChoiceField[Product]", self.fields["product"]
        ).queryset = Product.objects.for_clinic(session.clinic).filter(is_active=True)
        lots = Lot.objects.for_clinic(session.clinic).select_related("product")
        cast("forms.ModelChoiceField[Lot]", self.fields["lot"]).queryset = lots
        offered = lots.filter(status=LotStatus.AVAILABLE).order_by("product__name", "expiry_date")
        usable = [lot for lot in offered if lot.unusable_reason(on) is None]
        self.fields["lot"].widget.choices = [("", "---------")] + [
            (
                lot.pk,
                f"{lot.product.name} · lot {lot.lot_number} "
                f"(exp {lot.expiry_date:%Y-%m-%d}, {lot.remaining_ml} mL left)"
                if lot.expiry_date
                else f"{lot.product.name} · lot {lot.lot_number}",
            )
            for lot in usable
        ]

    def clean_volume_ml(self) -> Decimal:
        volume: Decimal = self.cleaned_data["volume_ml"]
        if volume <= 0:
            raise forms.ValidationError(_("The volume must be more than 0 mL."))
        return volume

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        product, lot = data.get("product"), data.get("lot")
        if product is not None and lot is not None and lot.product_id != product.pk:
            self.add_error(
                "lot",
                gettext("Lot %(lot)s is a lot of %(lot_product)s, not %(product)s.")
                % {"lot": lot.lot_number, "lot_product": lot.product, "product": product},
            )
        site = data.get("site")
        if site:
            data["area"], data["side"] = site.split(":", 1)
        return data


# The amendable fields' names, as the amendment form and the session's "as signed" list say them.
AMENDABLE_LABELS: dict[str, Any] = {
    "indication": _("Indication"),
    "protocol": _("Protocol"),
    "anaesthesia": _("Anaesthesia"),
    "technique": _("Technique"),
    "needle": _("Needle"),
    "depth_mm": _("Depth (mm)"),
    "notes": _("Notes"),
}


class AmendmentForm(forms.Form):
    """A correction to a signed session: the fields that may change, and why."""

    AMENDABLE = (
        "indication",
        "protocol",
        "anaesthesia",
        "technique",
        "needle",
        "depth_mm",
        "notes",
    )

    reason = forms.CharField(
        label=_("Reason for the amendment"), widget=Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, session: TreatmentSession, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_fields = forms.fields_for_model(
            TreatmentSession,
            fields=self.AMENDABLE,
            labels=AMENDABLE_LABELS,
            widgets={"notes": Textarea(attrs={"rows": 3})},
        )
        for name in self.AMENDABLE:
            field = model_fields[name]
            field.initial = session.effective(name)
            self.fields[name] = field
        self.fields["reason"] = self.fields.pop("reason")  # the reason comes last

    def clean_reason(self) -> str:
        reason: str = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Say why the signed record is being corrected."))
        return reason

    def changes(self) -> dict[str, Any]:
        found = {name: self.cleaned_data.get(name) for name in self.AMENDABLE}
        if found["depth_mm"] is not None:
            # "4" and "4.0" are the same depth; store it as the model does, to one decimal.
            found["depth_mm"] = found["depth_mm"].quantize(Decimal("0.1"))
        return found


class SignForm(forms.Form):
    """Signing a session, with the dose-check override when the check found violations.

    ``dose_check`` carries the digest of the violations the page showed
    (dosing.services.DoseCheck.digest), so an override covers exactly what the practitioner
    read; an override without it is refused.
    """

    dose_check = forms.CharField(widget=forms.HiddenInput, required=False)
    override = forms.BooleanField(
        label=_("Override the dose check"),
        required=False,
        help_text=_("only when the clinical situation justifies going beyond the limits listed"),
    )
    override_reason = forms.CharField(
        label=_("Reason for the override"),
        required=False,
        max_length=2000,
        widget=Textarea(attrs={"rows": 2}),
    )

    # The signing gates (treatments.gates): ``contraindication_check`` is the digest of the
    # contraindications the page listed, so an override or acknowledgement covers just those.
    contraindication_check = forms.CharField(widget=forms.HiddenInput, required=False)
    contraindication_override = forms.BooleanField(
        label=_("Override the contraindication"),
        required=False,
        help_text=_(
            "only when the clinical situation justifies treating despite the absolute "
            "contraindication listed"
        ),
    )
    contraindication_override_reason = forms.CharField(
        label=_("Reason for treating despite the contraindication"),
        required=False,
        max_length=2000,
        widget=Textarea(attrs={"rows": 2}),
    )
    acknowledge_relative = forms.BooleanField(
        label=_("I have weighed the relative contraindications listed"), required=False
    )

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        reason = (data.get("override_reason") or "").strip()
        data["override_reason"] = reason
        if data.get("override") and not reason:
            self.add_error(
                "override_reason",
                gettext("Write the clinical reason for signing despite the dose check."),
            )
        if reason and not data.get("override"):
            self.add_error(
                "override", gettext("Tick “Override the dose check” to sign with this reason.")
            )
        if data.get("override") and not (data.get("dose_check") or "").strip():
            # Without the digest nobody can tell which violations the override answers.
            self.add_error(
                "override",
                gettext(
                    "The dose check this override answers was not sent with it; review the "
                    "violations shown and confirm the override again."
                ),
            )
        why = (data.get("contraindication_override_reason") or "").strip()
        data["contraindication_override_reason"] = why
        if data.get("contraindication_override") and not why:
            self.add_error(
                "contraindication_override_reason",
                gettext("Write the clinical reason for treating despite the contraindication."),
            )
        if why and not data.get("contraindication_override"):
            self.add_error(
                "contraindication_override",
                gettext("Tick “Override the contraindication” to sign with this reason."),
            )
        confirming = data.get("contraindication_override") or data.get("acknowledge_relative")
        if confirming and not (data.get("contraindication_check") or "").strip():
            # As for the dose check: without the digest nobody can tell what was confirmed.
            self.add_error(
                "contraindication_override"
                if data.get("contraindication_override")
                else "acknowledge_relative",
                gettext(
                    "The contraindications this answers were not sent with it; review the "
                    "findings shown and confirm again."
                ),
            )
        return data

    def gate_arguments(self) -> dict[str, Any]:
        """The sign_session arguments of the signing gates, from the cleaned form."""
        data = self.cleaned_data
        return {
            "contraindication_override_reason": data["contraindication_override_reason"]
            if data["contraindication_override"]
            else "",
            "relative_acknowledged": bool(data["acknowledge_relative"]),
            "contraindications_seen": data["contraindication_check"] or None,
        }
