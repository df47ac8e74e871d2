"""The visit's measurement form (date, session, weight, then one row per measured value)
and the form that corrects one measurement entered in error."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeAlias

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy

from mesoclinic.clinical_codes import AREAS, MEASUREMENT_KINDS, RATERS, SIDES, SITE_ROLES
from mesoclinic.clinics.models import Clinic
from mesoclinic.outcomes.models import Measurement
from mesoclinic.outcomes.rules import field_label, measurement_problems, value_problem
from mesoclinic.outcomes.services import Row
from mesoclinic.records.forms import DateInput, VersionedForm
from mesoclinic.treatments.models import TreatmentSession

if TYPE_CHECKING:
    # django-stubs makes these Django classes generic, but Django's own cannot be subscripted
    # at runtime (django_stubs_ext.monkeypatch() is not installed): the model parameters are
    # for the type checker only.
    _SessionChoiceField: TypeAlias = forms.ModelChoiceField[TreatmentSession]
    _RowFormSet: TypeAlias = forms.BaseFormSet["RowForm"]
    _MeasurementForm: TypeAlias = forms.ModelForm[Measurement]
else:
    _SessionChoiceField = forms.ModelChoiceField
    _RowFormSet = forms.BaseFormSet
    _MeasurementForm = forms.ModelForm

# Body weight is entered once per visit in its own field, not as a row.
ROW_KINDS: list[tuple[str, Any]] = [("", "—")] + [(k.code, gettext_lazy(k.label)) for k in MEASUREMENT_KINDS.values() if k.per_area]  # fmt: skip
OPPOSITE_SIDE = {"left": "right", "right": "left"}
ROW_FIELDS = ("kind", "area", "side", "site_role", "rater", "value")


def _blank(codes: dict[str, str], label: Any = "—") -> list[tuple[str, Any]]:
    # The codes stay; their labels show in the reader's language.
    return [("", label), *((code, gettext_lazy(text)) for code, text in codes.items())]


def session_label(session: TreatmentSession) -> str:
    return f"{session.performed_at:%Y-%m-%d} · {session.get_indication_display()}"


class SessionChoiceField(_SessionChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return session_label(obj)


def not_in_future(day: dt.date, label: str) -> dt.date:
    if day > timezone.localdate():
        raise forms.ValidationError(
            gettext("%(label)s cannot be in the future.") % {"label": label}
        )
    return day


class VisitForm(forms.Form):
    measured_on = forms.DateField(label=gettext_lazy("Date measured"), widget=DateInput())
    session = SessionChoiceField(
        label=gettext_lazy("Session"),
        queryset=TreatmentSession.objects.none(),
        required=False,
        empty_label=gettext_lazy("— not linked to a session —"),
        help_text=gettext_lazy("The session these were measured at, if any"),
    )
    weight_kg = forms.DecimalField(
        label=gettext_lazy("Weight (kg)"),
        required=False,
        max_digits=8,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}),
        help_text=gettext_lazy("Body weight at this visit; changes of more than 5% are flagged"),
    )

    def __init__(
        self, *args: Any, sessions: QuerySet[TreatmentSession], clinic: Clinic, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = sessions  # type: ignore[attr-defined]
        self.clinic = clinic

    def clean_measured_on(self) -> dt.date:
        return not_in_future(self.cleaned_data["measured_on"], gettext("Date measured"))

    def clean_weight_kg(self) -> Decimal | None:
        weight: Decimal | None = self.cleaned_data.get("weight_kg")
        if weight is not None:
            problem = value_problem("weight_kg", weight)
            if problem:
                raise forms.ValidationError(problem.split(": ", 1)[1])
        return weight

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        session, on = data.get("session"), data.get("measured_on")
        if session is not None and on is not None:
            day = self.clinic.day_of(session.performed_at)
            if day > on:
                self.add_error(
                    "session",
                    gettext("the session of %(day)s is after the date measured")
                    % {"day": f"{day:%Y-%m-%d}"},
                )
        return data


class RowForm(forms.Form):
    """One measured value. A row without a value is left out (prefilled rows may stay empty)."""

    kind = forms.ChoiceField(
        label=pgettext_lazy("measurement", "Kind"), choices=ROW_KINDS, required=False
    )
    area = forms.ChoiceField(label=gettext_lazy("Area"), choices=_blank(AREAS), required=False)
    side = forms.ChoiceField(label=gettext_lazy("Side"), choices=_blank(SIDES), required=False)
    site_role = forms.ChoiceField(
        label=gettext_lazy("Site role"),
        choices=_blank(SITE_ROLES, gettext_lazy("— derive —")),
        required=False,
    )
    rater = forms.ChoiceField(label=gettext_lazy("Rater"), choices=_blank(RATERS), required=False)
    value = forms.DecimalField(
        label=gettext_lazy("Value"),
        required=False,
        max_digits=8,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        number = int(self.prefix.rsplit("-", 1)[-1]) + 1 if self.prefix else 1
        for f in self.fields.values():
            # The table header names the column; each control still needs its own name.
            f.widget.attrs["aria-label"] = gettext("%(field)s, row %(number)s") % {
                "field": f.label,
                "number": number,
            }
            # Rows are shown in a table, so each message must name its own field.
            f.error_messages["invalid_choice"] = gettext("%(field)s: choose one from the list") % {
                "field": f.label
            }
        for key in ("invalid", "max_digits", "max_decimal_places", "max_whole_digits"):
            self.fields["value"].error_messages[key] = gettext(
                "Value: enter a number with at most 2 decimals"
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        if data.get("value") is None:
            data["skip"] = True
            return data
        problems = measurement_problems(
            data.get("kind", ""),
            data.get("value"),
            area=data.get("area", ""),
            side=data.get("side", ""),
            site_role=data.get("site_role", ""),
            rater=data.get("rater", ""),
        )
        for name, message in problems.items():
            # The message already names the field and the range; keep it whole.
            self.add_error(name, message)
        return data

    def as_row(self) -> Row | None:
        data = self.cleaned_data
        if data.get("skip"):
            return None
        return Row(
            kind=data["kind"],
            value=data["value"],
            area=data["area"],
            side=data["side"],
            site_role=data["site_role"],
            rater=data["rater"],
        )


class BaseRowFormSet(_RowFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        seen: dict[tuple[str, ...], int] = {}
        for number, form in enumerate(self.forms, start=1):
            row = form.as_row()
            if row is None:
                continue
            key = (row.kind, row.area, row.side, row.rater)
            if key in seen:
                raise forms.ValidationError(
                    gettext(
                        "Row %(number)s repeats row %(first)s (same kind, area, side and "
                        "rater); enter each value once."
                    )
                    % {"number": number, "first": seen[key]}
                )
            seen[key] = number

    def rows(self) -> list[Row]:
        return [r for r in (f.as_row() for f in self.forms) if r is not None]


RowFormSet = forms.formset_factory(
    RowForm, formset=BaseRowFormSet, extra=0, max_num=60, validate_max=True
)


def control_rows(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """For each left or right row, the opposite side as an untreated control (split-body),
    unless that row is already there."""
    present = {(r.get("kind"), r.get("area"), r.get("side"), r.get("rater")) for r in rows}
    added = []
    for r in rows:
        opposite = OPPOSITE_SIDE.get(r.get("side", ""))
        if not opposite or not r.get("kind") or not r.get("area"):
            continue
        key = (r.get("kind"), r.get("area"), opposite, r.get("rater"))
        if key in present:
            continue
        present.add(key)
        added.append({**r, "side": opposite, "site_role": "control", "value": ""})
    return added


class MeasurementEditForm(VersionedForm, _MeasurementForm):
    """Correct one measurement entered in error; carries the version it was read at."""

    class Meta:
        model = Measurement
        fields = ["measured_on", "kind", "area", "side", "site_role", "rater", "value"]
        widgets = {"measured_on": DateInput()}
        # The same words as the visit form's rows (and as the rules' messages).
        labels = {
            "measured_on": gettext_lazy("Date measured"),
            "kind": pgettext_lazy("measurement", "Kind"),
            "area": gettext_lazy("Area"),
            "side": gettext_lazy("Side"),
            "site_role": gettext_lazy("Site role"),
            "rater": gettext_lazy("Rater"),
            "value": gettext_lazy("Value"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site_role"].help_text = gettext("Leave empty to derive it from the sessions")
        if self.instance.pk:
            kind = MEASUREMENT_KINDS[self.instance.kind]
            words = {"field": field_label(kind), "low": kind.minimum, "high": kind.maximum}
            self.fields["value"].help_text = (
                gettext("%(field)s, %(low)s to %(high)s, whole numbers") % words
                if kind.integer
                else gettext("%(field)s, %(low)s to %(high)s") % words
            )

    def clean_measured_on(self) -> dt.date:
        return not_in_future(self.cleaned_data["measured_on"], gettext("Date measured"))

    def _post_clean(self) -> None:
        super()._post_clean()  # type: ignore[misc]
        # Model.clean's messages start with the field's name, which the shared form
        # template adds again: keep one ("Area: required for Circumference").
        for name in list(self.errors):
            if name not in self.fields:
                continue
            label = self.fields[name].label
            # French typography puts a space before the colon.
            fixed = [
                str(e).removeprefix(f"{label}: ").removeprefix(f"{label} : ")
                for e in self.errors[name]
            ]
            self.errors[name] = self.error_class(fixed)
