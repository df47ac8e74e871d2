"""Treatment plan forms: the course and its areas."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeAlias, cast

from django import forms

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
            "protocol": "Protocol name",
            "interval_days": "Interval (days)",
            "estimated_price": "Estimated price of the course",
            "consultation": "Based on consultation",
        }
        help_texts = {
            "lifestyle_advice": "Diet, exercise and keeping weight stable: weight change "
            "confounds the result of a fat or cellulite course.",
        }

    def __init__(self, *args: Any, patient: Patient, membership: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        consultation = cast("forms.ModelChoiceField[Consultation]", self.fields["consultation"])
        consultation.queryset = Consultation.objects.restrict(
            membership, Perm.VIEW_CLINICAL
        ).filter(patient=patient)
        consultation.empty_label = "— none —"
        self.default_currency = membership.clinic.currency
        self.fields["currency"].initial = self.default_currency
        self.fields["currency"].help_text = f"left blank: {self.default_currency}"

    def clean_planned_sessions(self) -> int:
        value: int = self.cleaned_data["planned_sessions"]
        if value < 1:
            raise forms.ValidationError("Plan at least one session.")
        return value

    def clean_interval_days(self) -> int:
        value: int = self.cleaned_data["interval_days"]
        if value < 1:
            raise forms.ValidationError("The interval must be at least 1 day.")
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
                form.add_error("side", "This area and side is already listed.")
            seen.add(key)
        super().clean()


PlanAreaFormSet: type[
    forms.BaseInlineFormSet[PlanArea, TreatmentPlan, forms.ModelForm[PlanArea]]
] = forms.inlineformset_factory(
    TreatmentPlan,
    PlanArea,
    fields=["area", "side"],
    formset=BaseAreaFormSet,
    extra=2,
    min_num=1,
    validate_min=True,
    can_delete=True,
)


class PlanStatusForm(forms.Form):
    version = VersionField()
