"""Treatment plan forms: the course and its areas."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeAlias, cast

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mesoclinic.clinics.models import Membership
from mesoclinic.clinics.roles import Perm
from mesoclinic.consultations.models import Consultation
from mesoclinic.patients.models import Patient
from mesoclinic.plans.models import PlanArea, TreatmentPlan
from mesoclinic.records.forms import (
    CurrencyMixin,
    DateInput,
    Textarea,
    VersionedForm,
    VersionField,
)

if TYPE_CHECKING:
    # django-stubs makes these Django classes generic, but Django's own cannot be subscripted
    # at runtime (django_stubs_ext.monkeypatch() is not installed): the model parameters are
    # for the type checker only.
    _PlanForm: TypeAlias = forms.ModelForm[TreatmentPlan]
    _AnyAreaFormSet: TypeAlias = forms.BaseInlineFormSet[Any, Any, Any]
else:
    _PlanForm = forms.ModelForm
    _AnyAreaFormSet = forms.BaseInlineFormSet


class PlanForm(CurrencyMixin, VersionedForm, _PlanForm):
    price_field = "estimated_price"

    class Meta:
        model = TreatmentPlan
        fields = [
            "indication",
            "protocol",
            "planned_sessions",
            "interval_days",
            "start_date",
            "estimated_price",
            "currency",
            "consultation",
            "lifestyle_advice",
        ]
        widgets = {
            "start_date": DateInput(),
            "lifestyle_advice": Textarea(attrs={"rows": 3}),
        }
        labels = {
            "indication": _("Indication"),
            "protocol": _("Protocol name"),
            "planned_sessions": _("Planned sessions"),
            "interval_days": _("Interval (days)"),
            "start_date": _("Start date"),
            "estimated_price": _("Estimated price of the course"),
            "currency": _("Currency"),
            "consultation": _("Based on consultation"),
            "lifestyle_advice": _("Lifestyle advice"),
        }
        help_texts = {
            "lifestyle_advice": _(
                "Diet, exercise and keeping weight stable: weight change "
                "confounds the result of a fat or cellulite course."
            ),
        }

    def __init__(self, *args: Any, patient: Patient, membership: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        consultation = cast("forms.ModelChoiceField[Consultation]", self.fields["consultation"])
        consultation.queryset = Consultation.objects.restrict(
            membership, Perm.VIEW_CLINICAL
        ).filter(patient=patient)
        consultation.empty_label = gettext("— none —")
        self.default_currency = membership.clinic.currency
        self.fields["currency"].initial = self.default_currency
        self.fields["currency"].help_text = gettext("left blank: %(currency)s") % {
            "currency": self.default_currency
        }

    def clean_planned_sessions(self) -> int:
        value: int = self.cleaned_data["planned_sessions"]
        if value < 1:
            raise forms.ValidationError(_("Plan at least one session."))
        return value

    def clean_interval_days(self) -> int:
        value: int = self.cleaned_data["interval_days"]
        if value < 1:
            raise forms.ValidationError(_("The interval must be at least 1 day."))
        return value


class BaseAreaFormSet(_AnyAreaFormSet):
    """Areas with sides; the same area and side twice is refused on the row.

    Shared by plan areas and session areas (treatments.forms), hence any model.
    """

    def clean(self) -> None:
        seen: set[tuple[Any, Any]] = set()
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE"):
                continue
            key = (form.cleaned_data.get("area"), form.cleaned_data.get("side"))
            if not all(key):
                continue
            if key in seen:
                form.add_error("side", gettext("This area and side is already listed."))
            seen.add(key)
        super().clean()


# Lazy labels: the stubs type labels as str, and a lazy string is one at render time.
AREA_LABELS: dict[str, Any] = {"area": _("Area"), "side": _("Side")}

PlanAreaFormSet: type[
    forms.BaseInlineFormSet[PlanArea, TreatmentPlan, forms.ModelForm[PlanArea]]
] = forms.inlineformset_factory(
    TreatmentPlan,
    PlanArea,
    fields=["area", "side"],
    formset=BaseAreaFormSet,
    labels=AREA_LABELS,
    extra=2,
    min_num=1,
    validate_min=True,
    can_delete=True,
)


class PlanStatusForm(forms.Form):
    version = VersionField()
