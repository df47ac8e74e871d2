"""Recording an adverse event and following its course to resolution."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, TypeAlias

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy

from mesoclinic.clinics.models import Clinic
from mesoclinic.formulary.models import Lot
from mesoclinic.outcomes.forms import SessionChoiceField
from mesoclinic.records.forms import DateInput, Textarea, VersionedForm
from mesoclinic.safety.models import RESOLVED_OUTCOMES, AdverseEvent, Outcome
from mesoclinic.treatments.models import Injection, TreatmentSession

if TYPE_CHECKING:
    # django-stubs makes these Django classes generic, but Django's own cannot be subscripted
    # at runtime (django_stubs_ext.monkeypatch() is not installed): the model parameters are
    # for the type checker only.
    _LotChoiceField: TypeAlias = forms.ModelChoiceField[Lot]
    _AdverseEventForm: TypeAlias = forms.ModelForm[AdverseEvent]
else:
    _LotChoiceField = forms.ModelChoiceField
    _AdverseEventForm = forms.ModelForm


class LotChoiceField(_LotChoiceField):
    def label_from_instance(self, obj: Lot) -> str:
        if obj.expiry_date:
            return gettext("%(product)s lot %(lot)s, expires %(expiry)s") % {"product": obj.product.name, "lot": obj.lot_number, "expiry": f"{obj.expiry_date:%Y-%m-%d}"}  # fmt: skip
        return gettext("%(product)s lot %(lot)s") % {
            "product": obj.product.name,
            "lot": obj.lot_number,
        }


class AdverseEventForm(VersionedForm, _AdverseEventForm):
    """Type, onset, severity, seriousness and causality; the session and lot it is attributed
    to; and its course (last seen unresolved, resolution date and outcome)."""

    session = SessionChoiceField(
        label=gettext_lazy("Session"),
        queryset=TreatmentSession.objects.none(),
        required=False,
        empty_label=gettext_lazy("— not attributed to a session —"),
    )
    lot = LotChoiceField(
        label=gettext_lazy("Lot"),
        queryset=Lot.objects.none(),
        required=False,
        empty_label=gettext_lazy("— no lot —"),
        help_text=gettext_lazy("A lot injected in the chosen session"),
    )

    class Meta:
        model = AdverseEvent
        fields = [
            "event_type",
            "onset_date",
            "severity",
            "serious",
            "causality",
            "session",
            "lot",
            "last_seen_unresolved",
            "resolved_date",
            "outcome",
            "notes",
        ]
        widgets = {
            "onset_date": DateInput(),
            "last_seen_unresolved": DateInput(),
            "resolved_date": DateInput(),
            "notes": Textarea(attrs={"rows": 3}),
        }
        labels = {
            "event_type": gettext_lazy("Type"),
            "onset_date": gettext_lazy("Onset date"),
            "severity": gettext_lazy("Severity"),
            "causality": gettext_lazy("Causality"),
            "outcome": pgettext_lazy("adverse event", "Outcome"),
            "notes": gettext_lazy("Notes"),
            "serious": gettext_lazy("Serious"),
            "last_seen_unresolved": gettext_lazy("Last seen unresolved"),
            "resolved_date": gettext_lazy("Resolved date"),
        }
        help_texts = {
            "last_seen_unresolved": gettext_lazy("The last contact at which it had not resolved"),
            "causality": gettext_lazy("WHO-UMC category"),
            # The ICH E2A definition of a serious adverse event.
            "serious": gettext_lazy(
                "Fatal, life-threatening, needing or prolonging hospital care, "
                "causing lasting disability, or otherwise medically important"
            ),
        }

    def __init__(
        self,
        *args: Any,
        sessions: QuerySet[TreatmentSession],
        lots: QuerySet[Lot],
        clinic: Clinic,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = sessions  # type: ignore[attr-defined]
        self.fields["lot"].queryset = lots.select_related("product")  # type: ignore[attr-defined]
        self.clinic = clinic
        still_followed = ("", gettext("— still being followed —"))
        self.fields["outcome"].choices = [still_followed, *Outcome.choices]  # type: ignore[attr-defined]

    def clean_onset_date(self) -> dt.date:
        onset: dt.date = self.cleaned_data["onset_date"]
        if onset > timezone.localdate():
            raise forms.ValidationError(gettext("cannot be in the future."))
        return onset

    def _not_future(self, name: str) -> None:
        day = self.cleaned_data.get(name)
        if day is not None and day > timezone.localdate():
            self.add_error(name, gettext("cannot be in the future."))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        onset = data.get("onset_date")
        resolved = data.get("resolved_date")
        last_seen = data.get("last_seen_unresolved")
        outcome = data.get("outcome", "")
        session = data.get("session")
        lot = data.get("lot")
        self._not_future("resolved_date")
        self._not_future("last_seen_unresolved")
        if onset is not None:
            if resolved is not None and resolved < onset:
                self.add_error(
                    "resolved_date",
                    gettext("must be on or after the onset date (%(onset)s).")
                    % {"onset": f"{onset:%Y-%m-%d}"},
                )
            if last_seen is not None and last_seen < onset:
                self.add_error(
                    "last_seen_unresolved",
                    gettext("must be on or after the onset date (%(onset)s).")
                    % {"onset": f"{onset:%Y-%m-%d}"},
                )
        if resolved is not None and last_seen is not None and last_seen >= resolved:
            self.add_error(
                "last_seen_unresolved",
                gettext(
                    "must be before the resolved date (%(resolved)s); it was seen resolved then."
                )
                % {"resolved": f"{resolved:%Y-%m-%d}"},
            )
        if resolved is not None and outcome and outcome not in RESOLVED_OUTCOMES:
            self.add_error(
                "outcome",
                gettext(
                    "“%(outcome)s” does not go with a resolved date; choose "
                    "recovered, or recovered with sequelae."
                )
                % {"outcome": Outcome(outcome).label},
            )
        if outcome in RESOLVED_OUTCOMES and resolved is None:
            self.add_error("resolved_date", gettext("required when the outcome is recovered."))
        if session is not None and onset is not None:
            day = self.clinic.day_of(session.performed_at)
            if day > onset:
                self.add_error(
                    "session",
                    gettext(
                        "the session of %(day)s is after the onset date; an event cannot "
                        "be caused by a later session."
                    )
                    % {"day": f"{day:%Y-%m-%d}"},
                )
        if lot is not None:
            if session is None:
                self.add_error("lot", gettext("choose the session the lot was used in first."))
            elif not Injection.objects.in_effect().filter(session=session, lot=lot).exists():
                self.add_error(
                    "lot",
                    gettext("lot %(lot)s was not used in the session of %(day)s.")
                    % {
                        "lot": lot.lot_number,
                        "day": f"{self.clinic.day_of(session.performed_at):%Y-%m-%d}",
                    },
                )
        return data
