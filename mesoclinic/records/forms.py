"""Form pieces every record form shares: the version an edit was read at, and the date,
date-and-time and multi-line text inputs.

A browser's ``<input type="date">`` and ``<input type="datetime-local">`` accept only ISO values
(``2025-03-14``, ``2025-03-14T09:30``); any other text, such as the clinic language's
``14/03/2025``, is dropped and the field is shown, and submitted, empty. Every form of the
project uses these two widgets so that a stored date is always shown and posted back as stored.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise as _StrPromise

from mesoclinic.records.models import INCOMPLETE_EDIT

ISO_DATE = "%Y-%m-%d"
LOCAL_MINUTE = "%Y-%m-%dT%H:%M"


class DateInput(forms.DateInput):
    """A date picker whose value is always an ISO date."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format=ISO_DATE)


class DateTimeLocalInput(forms.DateTimeInput):
    """A date-and-time picker showing the time in the clinic's zone (the middleware activates it
    for every request; times are stored in UTC).

    A time is shown to the minute, the picker's own step; one stored with seconds (an import,
    a registry bundle) is shown with them (and milliseconds, the picker's finest), with a step
    that lets the browser submit them, so that saving the form unchanged does not round it.
    """

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format=LOCAL_MINUTE)

    def format_value(self, value: Any) -> str | None:
        if not isinstance(value, dt.datetime):
            return super().format_value(value)
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        text: str = value.strftime(LOCAL_MINUTE)
        # The picker takes at most milliseconds; finer digits come only from code, never a form.
        millis = value.microsecond // 1000
        if value.second or millis:
            text += value.strftime(":%S")
        if millis:
            text += f".{millis:03d}".rstrip("0")
        return text

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context(name, value, attrs)
        shown = context["widget"]["value"] or ""
        if shown.count(":") > 1:
            context["widget"]["attrs"]["step"] = "any"
        return context


class DateTimeLocalField(forms.DateTimeField):
    """A date and time typed in the clinic's zone; reads the picker's ISO value, with or
    without seconds."""

    widget = DateTimeLocalInput


class Textarea(forms.Textarea):
    """A multi-line text box. Browsers send its line breaks as CRLF; they are stored as LF, as
    every other writer stores them, so that saving an untouched form changes nothing."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        value = super().value_from_datadict(data, files, name)
        if isinstance(value, str):
            return value.replace("\r\n", "\n").replace("\r", "\n")
        return value


class VersionField(forms.IntegerField):
    """The version of the record the form was read at (records.services.save_versioned).

    Required: an edit that does not say which version it changed is refused, never saved over
    whatever the row holds now."""

    widget = forms.HiddenInput
    default_error_messages = {
        "required": INCOMPLETE_EDIT,
        "invalid": INCOMPLETE_EDIT,
        "min_value": INCOMPLETE_EDIT,
        "max_value": INCOMPLETE_EDIT,
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**31 - 1)
        super().__init__(**kwargs)


class VersionedForm(forms.Form):
    """Base of a form that edits an existing record: it carries the version it was read at.

    The version is the record's (a model form's instance) or ``read_version``; a form that
    creates a record has neither, and no version field. A missing or unreadable version is
    shown with the form's own errors, since the field itself is hidden.
    """

    version = VersionField()

    def __init__(self, *args: Any, read_version: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if read_version is None and instance is not None and instance.pk is not None:
            read_version = instance.version
        if read_version is None:
            del self.fields["version"]
        else:
            self.fields["version"].initial = read_version

    @property
    def read_version(self) -> int:
        """The version the posted form was read at; only after a successful is_valid()."""
        return int(self.cleaned_data["version"])

    def full_clean(self) -> None:
        super().full_clean()
        errors = getattr(self, "_errors", None)
        if errors and "version" in errors:
            del errors["version"]
            self.add_error(None, INCOMPLETE_EDIT)


class ReadVersionForm(forms.Form):
    """The form of a button that acts on a record (close, retire, quarantine, delete): only the
    version of the record the page showed."""

    version = VersionField()


CURRENCY_CODE = re.compile(r"^[A-Z]{3}$")

# The mixins are typed as forms but are not forms themselves (no fields, no metaclass): the
# form class that uses one puts it before its form base.
if TYPE_CHECKING:
    _Form = forms.BaseForm
else:
    _Form = object


class CurrencyMixin(_Form):
    """A form with a ``currency`` field: an ISO 4217 code, typed in any case.

    A form with a price names it in ``price_field``: a negative price is refused, and a price
    given without a currency is in ``default_currency`` (the clinic's, set by the form).
    """

    price_field: str | None = None
    default_currency = ""

    def clean_currency(self) -> str:
        code = str(self.cleaned_data.get("currency") or "").strip().upper()
        if code and not CURRENCY_CODE.match(code):
            raise forms.ValidationError(_("Use a three-letter ISO 4217 code such as GBP or EUR."))
        return code

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if self.price_field is None:
            return data
        price = data.get(self.price_field)
        if price is not None and price < 0:
            self.add_error(self.price_field, _("A price cannot be negative."))
        elif price is not None and not data.get("currency"):
            data["currency"] = self.default_currency
            instance = getattr(self, "instance", None)
            if instance is not None:
                instance.currency = self.default_currency
        return data


class SourceMixin(_Form):
    """A form whose ``source`` says where a rule or a number comes from: required, and kept
    without surrounding blanks. ``source_needed`` is the message when it is missing."""

    source_needed: str | _StrPromise = _("Say where this comes from (guideline, paper, policy).")

    def clean_source(self) -> str:
        source = str(self.cleaned_data.get("source") or "").strip()
        if not source:
            raise forms.ValidationError(self.source_needed)
        return source
