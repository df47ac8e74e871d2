"""The consultation form: concerns, plan scope, the medical-history questionnaire as explicit
yes/no/unknown questions, body measures, the body-image screen and the assessment."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.forms.boundfield import BoundField
from django.forms.utils import ErrorList
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mesoclinic.clinical_codes import AREAS, INDICATIONS, check_measurement_value, choices
from mesoclinic.consultations.questions import ANSWERS, DETAILS, NOT_ASKED, QUESTIONS, SECTIONS
from mesoclinic.records.forms import DateTimeLocalField, Textarea, VersionedForm

# The labels are translated when shown (the questions module is pure, so it only marks them).
# The percent sign is a placeholder's value, so that the message is a plain format string in
# every catalogue; lazy, so each request reads it in its own language.
WEIGHT_CHANGE_HELP = lazy(
    lambda: gettext("If known; a change over %(percent)s is flagged") % {"percent": "5%"}, str
)()
TRI_CHOICES = [(code, _(label)) for code, label in ANSWERS.items()]
BODY_IMAGE_CHOICES = [
    ("no", _("Screened: no concern")),
    ("yes", _("Screened: concern raised")),
    ("unknown", _("Not screened")),
]
# Fields an amendment may correct. The visit date is not among them: a consultation on another
# day is another consultation.
AMENDABLE = (
    "concerns",
    "indications",
    "areas",
    "questionnaire",
    "body_image_concern",
    "body_image_notes",
    "weight_kg",
    "height_cm",
    "weight_stable_6_months",
    "assessment",
)


def _tri_to_bool(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


def _bool_to_tri(value: bool | None) -> str:
    if value is None:
        return "unknown"
    return "yes" if value else "no"


class _LabelledGroup:
    """Radios or checkboxes wrapped in an element with a group role named by the question, so a
    screen reader announces "Pregnant?, Yes" rather than a bare "Yes"."""

    template_name = "consultations/widgets/labelled_group.html"
    group_role = "group"

    def get_context(self, name: str, value: Any, attrs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context(name, value, attrs)  # type: ignore[misc]
        context["widget"]["group_role"] = self.group_role
        context["widget"]["group_label"] = getattr(self, "group_label", name)
        return context


class AnswerRadios(_LabelledGroup, forms.RadioSelect):
    group_role = "radiogroup"


class LabelledCheckboxes(_LabelledGroup, forms.CheckboxSelectMultiple):
    pass


@dataclass
class FieldSection:
    """A titled group of a form's fields, shaped like a form so that "_form_fields.html" can
    draw it (the questionnaire is too long to show as one undivided grid)."""

    title: str
    fields: list[BoundField]
    form: forms.Form
    first: bool = False
    # Screening questions: each answer with the reason it was not asked, drawn side by side.
    questions: list[tuple[BoundField, BoundField]] | None = None

    def visible_fields(self) -> list[BoundField]:
        return self.fields

    def hidden_fields(self) -> list[BoundField]:
        return self.form.hidden_fields() if self.first else []

    def non_field_errors(self) -> ErrorList:
        return self.form.non_field_errors() if self.first else ErrorList()


def _tenths(value: Decimal | None) -> Decimal | None:
    # Stored with one decimal place: "168" and "168.0" are the same height, so an amendment
    # must not see a change between them.
    return value.quantize(Decimal("0.1")) if value is not None else None


def _checked_weight(value: Decimal | None) -> Decimal | None:
    if value is None:
        return None
    expected = check_measurement_value("weight_kg", value)
    if expected is not None:
        raise forms.ValidationError(gettext("must be %(range)s.") % {"range": expected})
    return _tenths(value)


class ConsultationForm(VersionedForm):
    """A new consultation, a draft's edit (with the ``read_version`` it was read at), or an
    amendment of a signed one (``amending``)."""

    consulted_at = DateTimeLocalField(label=_("Date and time of consultation"))
    concerns = forms.CharField(
        label=_("Concerns (in the patient's words)"), widget=Textarea(attrs={"rows": 3})
    )
    indications = forms.MultipleChoiceField(
        label=_("Indications considered"),
        choices=choices(INDICATIONS),
        widget=LabelledCheckboxes,
    )
    areas = forms.MultipleChoiceField(
        label=_("Areas considered"), choices=choices(AREAS), widget=LabelledCheckboxes
    )
    weight_kg = forms.DecimalField(
        label=_("Weight (kg)"), required=False, max_digits=5, decimal_places=1
    )
    height_cm = forms.DecimalField(
        label=_("Height (cm)"), required=False, max_digits=5, decimal_places=1
    )
    weight_6_months_ago_kg = forms.DecimalField(
        label=_("Weight 6 months ago (kg)"),
        required=False,
        max_digits=5,
        decimal_places=1,
        help_text=WEIGHT_CHANGE_HELP,
    )
    weight_stable_6_months = forms.ChoiceField(
        label=_("Weight stable over the last 6 months?"),
        choices=TRI_CHOICES,
        initial="unknown",
        widget=AnswerRadios,
    )
    body_image_concern = forms.ChoiceField(
        label=_("Body-image (BDD) screen"),
        choices=BODY_IMAGE_CHOICES,
        initial="unknown",
        widget=AnswerRadios,
    )
    body_image_notes = forms.CharField(
        label=_("Body-image notes"),
        required=False,
        widget=Textarea(attrs={"rows": 2}),
        help_text=_("Screen used; if a concern was raised, the reasoning if treatment proceeds"),
    )
    assessment = forms.CharField(
        label=_("Assessment and recommendation"),
        required=False,
        widget=Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, amending: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.amending = amending
        for q in QUESTIONS:
            # No answer is chosen for the clinician: a draft may leave a question open, but a
            # consultation is signed only when each is answered or marked not asked with why.
            self.fields[f"q_{q.code}"] = forms.ChoiceField(
                label=gettext(q.text), choices=TRI_CHOICES, required=False, widget=AnswerRadios
            )
            self.fields[f"why_{q.code}"] = forms.CharField(
                label=gettext("Reason not asked"),
                required=False,
                max_length=300,
                widget=forms.TextInput(attrs={"class": "why-input"}),
            )
        for section, prompt in DETAILS.items():
            self.fields[f"details_{section}"] = forms.CharField(
                label=gettext(prompt), required=False, widget=Textarea(attrs={"rows": 2})
            )
        for field in self.fields.values():
            if isinstance(field.widget, _LabelledGroup):
                field.widget.group_label = str(field.label)  # type: ignore[attr-defined]
        if amending:
            del self.fields["consulted_at"]
            self.fields["reason"] = forms.CharField(
                label=gettext("Reason for the amendment"),
                widget=Textarea(attrs={"rows": 2}),
                help_text=gettext("Shown with the amendment, beside the original as signed"),
            )

    def sections(self) -> list[FieldSection]:
        visit = ["reason"] if self.amending else ["consulted_at"]
        groups: list[tuple[str, list[str]]] = [
            (gettext("Amendment") if self.amending else gettext("Visit"), visit),
            (gettext("Concerns and plan scope"), ["concerns", "indications", "areas"]),
        ]
        questions: dict[str, list[tuple[BoundField, BoundField]]] = {}
        for key, code_title in SECTIONS.items():
            title = gettext(code_title)
            questions[title] = [
                (self[f"q_{q.code}"], self[f"why_{q.code}"]) for q in QUESTIONS if q.section == key
            ]
            groups.append((title, [f"details_{key}"] if key in DETAILS else []))
        groups += [
            (
                gettext("Weight and height"),
                ["weight_kg", "height_cm", "weight_6_months_ago_kg", "weight_stable_6_months"],
            ),
            (gettext("Body image"), ["body_image_concern", "body_image_notes"]),
            (gettext("Assessment"), ["assessment"]),
        ]
        return [
            FieldSection(
                title, [self[n] for n in names], self, first=i == 0, questions=questions.get(title)
            )
            for i, (title, names) in enumerate(groups)
        ]

    def clean_consulted_at(self) -> dt.datetime:
        when: dt.datetime = self.cleaned_data["consulted_at"]
        if when > timezone.now() + dt.timedelta(minutes=5):
            raise forms.ValidationError(_("cannot be in the future."))
        return when

    def clean_weight_kg(self) -> Decimal | None:
        return _checked_weight(self.cleaned_data.get("weight_kg"))

    def clean_weight_6_months_ago_kg(self) -> Decimal | None:
        return _checked_weight(self.cleaned_data.get("weight_6_months_ago_kg"))

    def clean_height_cm(self) -> Decimal | None:
        height: Decimal | None = self.cleaned_data.get("height_cm")
        if height is not None and not Decimal(100) <= height <= Decimal(250):
            raise forms.ValidationError(_("must be between 100 and 250 cm."))
        return _tenths(height)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for q in QUESTIONS:
            answer, why = data.get(f"q_{q.code}", ""), data.get(f"why_{q.code}", "").strip()
            if why and answer in ("yes", "no"):
                self.add_error(
                    f"why_{q.code}",
                    gettext(
                        "“%(question)s” is answered %(answer)s: clear the reason, or choose "
                        "“%(not_asked)s”."
                    )
                    % {
                        "question": gettext(q.text),
                        "answer": gettext(ANSWERS[answer]).lower(),
                        "not_asked": gettext(ANSWERS[NOT_ASKED]),
                    },
                )
            elif why:
                # A reason given without choosing an answer says the question was not asked.
                data[f"q_{q.code}"] = NOT_ASKED
        if data.get("body_image_concern") == "yes" and not data.get("body_image_notes", "").strip():
            self.add_error(
                "body_image_notes",
                gettext(
                    "a concern was raised: record the screen used and the reasoning if "
                    "treatment proceeds."
                ),
            )
        return data

    def record_fields(self, stored: dict[str, Any] | None = None) -> dict[str, Any]:
        """The validated answers as Consultation field values.

        ``stored`` is the questionnaire the form was filled from: a question it does not hold
        (it was never asked, e.g. the submental ones of another indication) and that is still
        "unknown" stays out, so saving an untouched form does not change the record."""
        data = self.cleaned_data
        # An open question is left out, so a form posted back unchanged stores the same answers.
        questionnaire: dict[str, Any] = {
            q.code: data[f"q_{q.code}"] for q in QUESTIONS if data[f"q_{q.code}"]
        }
        not_asked = {
            q.code: data[f"why_{q.code}"].strip()
            for q in QUESTIONS
            if data[f"q_{q.code}"] == NOT_ASKED and data[f"why_{q.code}"].strip()
        }
        if not_asked:
            questionnaire["not_asked"] = not_asked
        questionnaire["details"] = {
            s: data[f"details_{s}"].strip() for s in DETAILS if data[f"details_{s}"].strip()
        }
        before = data.get("weight_6_months_ago_kg")
        questionnaire["weight_6_months_ago_kg"] = str(before) if before is not None else None
        if stored is not None:
            questionnaire = {
                k: v
                for k, v in questionnaire.items()
                if k in stored or v not in ("unknown", None, {})
            }
        fields: dict[str, Any] = {
            "concerns": data["concerns"].strip(),
            "indications": [c for c in INDICATIONS if c in data["indications"]],
            "areas": [c for c in AREAS if c in data["areas"]],
            "questionnaire": questionnaire,
            "body_image_concern": _tri_to_bool(data["body_image_concern"]),
            "body_image_notes": data["body_image_notes"].strip(),
            "weight_kg": data.get("weight_kg"),
            "height_cm": data.get("height_cm"),
            "weight_stable_6_months": _tri_to_bool(data["weight_stable_6_months"]),
            "assessment": data["assessment"].strip(),
        }
        if not self.amending:
            fields["consulted_at"] = data["consulted_at"]
        return fields


def initial_from(values: dict[str, Any]) -> dict[str, Any]:
    """Form initial data from stored (or effective, amended) consultation values."""
    questionnaire = values.get("questionnaire") or {}
    initial: dict[str, Any] = {
        "concerns": values.get("concerns", ""),
        "indications": values.get("indications", []),
        "areas": values.get("areas", []),
        "body_image_concern": _bool_to_tri(values.get("body_image_concern")),
        "body_image_notes": values.get("body_image_notes", ""),
        "weight_kg": values.get("weight_kg"),
        "height_cm": values.get("height_cm"),
        "weight_6_months_ago_kg": questionnaire.get("weight_6_months_ago_kg"),
        "weight_stable_6_months": _bool_to_tri(values.get("weight_stable_6_months")),
        "assessment": values.get("assessment", ""),
    }
    if values.get("consulted_at") is not None:
        initial["consulted_at"] = timezone.localtime(values["consulted_at"])
    reasons = questionnaire.get("not_asked") or {}
    for q in QUESTIONS:
        initial[f"q_{q.code}"] = questionnaire.get(q.code, "")
        initial[f"why_{q.code}"] = reasons.get(q.code, "")
    for section in DETAILS:
        initial[f"details_{section}"] = questionnaire.get("details", {}).get(section, "")
    return initial
