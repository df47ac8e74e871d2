"""Appointment forms: booking (from the calendar, the chart or the plan), moving, cancelling,
and the clinic's appointment types and rooms/devices."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mesoclinic.appointments.choices import ResourceKind
from mesoclinic.appointments.models import AppointmentType, Resource
from mesoclinic.appointments.services import BOOKABLE_ROLES
from mesoclinic.clinics.models import Clinic, Membership
from mesoclinic.patients.models import Patient
from mesoclinic.records.forms import DateTimeLocalField, Textarea, VersionedForm


class _MemberChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


def bookable_members(clinic: Clinic) -> Any:
    return (
        Membership.objects.filter(clinic=clinic, role__in=BOOKABLE_ROLES, is_active=True)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "pk")
    )


class BookingForm(VersionedForm):
    """When, with whom, where. ``to_field_name`` is the public id: no row number in a page."""

    appointment_type = forms.ModelChoiceField(
        label=_("Type"), queryset=AppointmentType.objects.none(), to_field_name="public_id"
    )
    starts_at = DateTimeLocalField(label=_("Starts at"))
    practitioner = _MemberChoice(
        label=_("Practitioner"), queryset=Membership.objects.none(), to_field_name="public_id"
    )
    room = forms.ModelChoiceField(
        label=_("Room"),
        queryset=Resource.objects.none(),
        to_field_name="public_id",
        required=False,
    )
    device = forms.ModelChoiceField(
        label=_("Device"),
        queryset=Resource.objects.none(),
        to_field_name="public_id",
        required=False,
    )
    early_reason = forms.CharField(
        label=_("Reason for booking early"),
        required=False,
        max_length=1000,
        widget=Textarea(attrs={"rows": 2}),
        help_text=_("Needed only when the session is booked before its earliest date."),
    )

    def __init__(self, *args: Any, clinic: Clinic, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        types = AppointmentType.objects.for_clinic(clinic).filter(is_active=True)
        resources = Resource.objects.for_clinic(clinic).filter(is_active=True)
        self.fields["appointment_type"].queryset = types  # type: ignore[attr-defined]
        self.fields["practitioner"].queryset = bookable_members(clinic)  # type: ignore[attr-defined]
        self.fields["room"].queryset = resources.filter(kind=ResourceKind.ROOM)  # type: ignore[attr-defined]
        self.fields["device"].queryset = resources.filter(kind=ResourceKind.DEVICE)  # type: ignore[attr-defined]


class NewBookingForm(BookingForm):
    """A booking from the calendar names the patient by their MRN (reception has it on the
    card or the chart); from the chart or the plan the patient is known."""

    mrn = forms.CharField(label=_("Patient MRN"), max_length=64)

    field_order = ["mrn", "appointment_type", "starts_at", "practitioner", "room", "device"]

    def __init__(self, *args: Any, clinic: Clinic, patient: Patient | None, **kwargs: Any) -> None:
        super().__init__(*args, clinic=clinic, **kwargs)
        self.clinic = clinic
        self.patient = patient
        if patient is not None:
            del self.fields["mrn"]

    def clean_mrn(self) -> str:
        mrn = str(self.cleaned_data.get("mrn") or "").strip()
        found = Patient.objects.for_clinic(self.clinic).filter(mrn=mrn).first()
        if found is None:
            raise forms.ValidationError(_("No patient of the clinic has this MRN."))
        self.patient = found
        return mrn


class CancelForm(VersionedForm):
    reason = forms.CharField(
        label=_("Reason for cancelling"), max_length=1000, widget=Textarea(attrs={"rows": 2})
    )


class StatusForm(VersionedForm):
    status = forms.CharField(max_length=20, widget=forms.HiddenInput)


if TYPE_CHECKING:
    _TypeForm = forms.ModelForm[AppointmentType]
    _ResourceForm = forms.ModelForm[Resource]
else:
    _TypeForm = _ResourceForm = forms.ModelForm


class AppointmentTypeForm(VersionedForm, _TypeForm):
    """A type of visit; an edit carries the version it was read at."""

    class Meta:
        model = AppointmentType
        fields = [
            "name",
            "duration_minutes",
            "is_treatment",
            "needs_room",
            "needs_device",
            "is_active",
        ]
        widgets = {"duration_minutes": forms.NumberInput(attrs={"min": 5, "max": 480})}

    def clean_duration_minutes(self) -> int:
        minutes = int(self.cleaned_data["duration_minutes"])
        if not 5 <= minutes <= 480:
            raise forms.ValidationError(_("Give a duration between 5 and 480 minutes."))
        return minutes


class ResourceForm(VersionedForm, _ResourceForm):
    class Meta:
        model = Resource
        fields = ["kind", "name", "is_active"]
