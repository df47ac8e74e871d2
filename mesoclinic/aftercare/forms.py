"""The patient's check-in form (phone-sized, no account) and the staff forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext, gettext_lazy

from mesoclinic.aftercare.choices import CallOutcome, DailyImpact
from mesoclinic.aftercare.models import ACK_NOTE_REQUIRED
from mesoclinic.aftercare.questions import OutcomeQuestion, Symptom
from mesoclinic.aftercare.translated import choices as translated_choices
from mesoclinic.aftercare.translated import outcome_question
from mesoclinic.records.forms import Textarea
from mesoclinic.uploads.fields import ImageUploadField

YES_NO = [("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No"))]

# Not a clinical number: the largest photo accepted, so one upload cannot fill the disk.
DEFAULT_PHOTO_MAX_BYTES = 10 * 1024 * 1024


class CheckInForm(forms.Form):
    """How the patient is: yes/no symptom questions, pain 0–10, the impact on daily life, an
    optional photo and note, and at outcome visits the patient-reported scales."""

    def __init__(
        self,
        *args: Any,
        symptoms: tuple[Symptom, ...],
        outcome_questions: list[OutcomeQuestion],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.symptoms = symptoms
        self.outcome_questions = outcome_questions
        for symptom in symptoms:
            self.fields[symptom.key] = forms.ChoiceField(
                label=gettext(symptom.question), choices=YES_NO, widget=forms.RadioSelect
            )
        self.fields["pain_score"] = forms.TypedChoiceField(
            label=gettext(
                "How much pain do you have where you were treated? "
                "(0 = none, 10 = the worst imaginable)"
            ),
            choices=[(n, str(n)) for n in range(11)],
            coerce=int,
            widget=forms.RadioSelect(attrs={"class": "scale"}),
        )
        self.fields["impact"] = forms.ChoiceField(
            label=gettext("How much do these problems affect your daily life?"),
            choices=DailyImpact.choices,
            widget=forms.RadioSelect,
        )
        for q in outcome_questions:
            self.fields[q.key] = forms.TypedChoiceField(
                label=outcome_question(q),
                choices=translated_choices(q.choices),
                coerce=int,
                widget=forms.RadioSelect(attrs={"class": "scale"}),
            )
        self.fields["anything_else"] = forms.CharField(
            label=gettext("Anything else you want your clinic to know?"),
            required=False,
            max_length=2000,
            widget=Textarea(attrs={"rows": 3}),
        )
        # Checked and re-encoded by uploads.intake: what is stored is new pixels, never the
        # upload (no EXIF location or camera serial, nothing appended to the picture).
        self.fields["photo"] = ImageUploadField(
            label=gettext("Photo of the treated area (optional)"),
            required=False,
            help_text=gettext("A JPEG, PNG or WebP picture, up to 10 MB."),
            max_bytes=getattr(settings, "AFTERCARE_PHOTO_MAX_BYTES", DEFAULT_PHOTO_MAX_BYTES),
        )

    def answers(self) -> dict[str, Any]:
        """The answers as stored: booleans for yes/no, whole numbers for scores."""
        data = self.cleaned_data
        answers: dict[str, Any] = {s.key: data[s.key] == "yes" for s in self.symptoms}
        answers["pain_score"] = data["pain_score"]
        answers["impact"] = data["impact"]
        for q in self.outcome_questions:
            answers[q.key] = data[q.key]
        if data.get("anything_else"):
            answers["anything_else"] = data["anything_else"]
        return answers


class CallForm(forms.Form):
    """A phone call about a check-in."""

    outcome = forms.ChoiceField(label=gettext_lazy("Call outcome"), choices=CallOutcome.choices)
    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        max_length=2000,
        widget=Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("What was agreed. Record symptoms as adverse events."),
    )


class AcknowledgeForm(forms.Form):
    """Closing an escalation: what was done about it is the record of the follow-up."""

    note = forms.CharField(
        label=gettext_lazy("What was done"),
        max_length=2000,
        widget=Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy(
            "Who saw or phoned the patient and what was decided (e.g. seen today, "
            "antibiotics started, booked for review)."
        ),
        error_messages={"required": gettext_lazy(ACK_NOTE_REQUIRED)},
    )

    def clean_note(self) -> str:
        note: str = (self.cleaned_data.get("note") or "").strip()
        if not note:
            raise forms.ValidationError(gettext(ACK_NOTE_REQUIRED))
        return note
