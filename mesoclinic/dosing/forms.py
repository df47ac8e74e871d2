"""The practice dose-limit forms: add a limit, tighten one. Messages name the field."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeAlias, cast

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mesoclinic.clinics.models import Clinic
from mesoclinic.dosing.models import DoseLimit
from mesoclinic.dosing.rules import RuleSet, loosening_problems
from mesoclinic.dosing.services import clinic_vocabulary
from mesoclinic.dosing.vocabulary import UnknownSubstance
from mesoclinic.records.forms import SourceMixin, Textarea, VersionedForm

if TYPE_CHECKING:
    # django-stubs makes these Django classes generic, but Django's own cannot be subscripted
    # at runtime (django_stubs_ext.monkeypatch() is not installed): the model parameters are
    # for the type checker only.
    _DoseLimitForm: TypeAlias = forms.ModelForm[DoseLimit]
else:
    _DoseLimitForm = forms.ModelForm

# Both limit forms require the limit's source (records.forms.SourceMixin).
# Lazy, so each request gets it in its language; typed as the str SourceMixin declares.
LIMIT_SOURCE_NEEDED = cast("str", _("Say where this limit comes from (guideline, paper, policy)."))

# The limit fields named on the page (the model's verbose names are English only).
LIMIT_LABELS: dict[str, Any] = {
    "substance": _("Substance"),
    "protocol": _("Protocol"),
    "source": _("Source"),
}


def _check_values(form: forms.ModelForm[DoseLimit], substance: str, protocol: str) -> None:
    """At least one value, and never looser than a label limit (rules.loosening_problems)."""
    max_mg: Decimal | None = form.cleaned_data.get("max_mg")
    mg_per_kg: Decimal | None = form.cleaned_data.get("mg_per_kg")
    if max_mg is None and mg_per_kg is None and not form.has_error("max_mg"):
        form.add_error(
            "max_mg",
            gettext("Give a maximum in mg per session, or in mg/kg (mg_per_kg), or both."),
        )
        return
    problems = loosening_problems(
        RuleSet.defaults(), substance, max_mg, mg_per_kg, for_protocol=bool(protocol)
    )
    for name, problem in problems.items():
        form.add_error(name, problem)


class DatalistInput(forms.TextInput):
    """A text input offering known values in a <datalist> (typing stays possible; the form
    validates what is typed)."""

    def __init__(self, options: list[tuple[str, str]], attrs: dict[str, Any] | None = None):
        super().__init__(attrs)
        self.options = options

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        list_id = f"{(attrs or {}).get('id') or name}-options"
        html = super().render(name, value, {**(attrs or {}), "list": list_id}, renderer)
        options = format_html_join(
            "", '<option value="{}">{}</option>', ((value, label) for value, label in self.options)
        )
        return format_html('{}<datalist id="{}">{}</datalist>', html, list_id, options)


def _option_words(label: str) -> str:
    """A substance's option in the reader's language: its name where the catalogue has it
    ("collagenase"), and the other names it covers, which are names and stay as they are."""
    name, _sep, aliases = label.partition(" (also: ")
    if not aliases:
        return gettext(name)
    return gettext("%(substance)s (also: %(names)s)") % {
        "substance": gettext(name),
        "names": aliases.removesuffix(")"),
    }


class DoseLimitForm(SourceMixin, _DoseLimitForm):
    """A new practice limit on one substance, for every session or for one protocol.

    The substance must be one the clinic's products contain or the dose rules know
    (dosing.vocabulary): a limit on any other name would never apply.
    """

    source_needed = LIMIT_SOURCE_NEEDED

    class Meta:
        model = DoseLimit
        fields = ["substance", "protocol", "max_mg", "mg_per_kg", "source"]
        labels = LIMIT_LABELS
        widgets = {"source": Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, clinic: Clinic, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.vocabulary = clinic_vocabulary(clinic)
        field = self.fields["substance"]
        field.widget = DatalistInput(
            [(code, _option_words(label)) for code, label in self.vocabulary.options()],
            attrs={"autocomplete": "off", "maxlength": 100},
        )
        field.help_text = gettext(
            "an ingredient of this clinic's products or a substance the dose rules know; "
            "other names (xylocaine, lignocaine …) are stored as their code"
        )

    def clean_substance(self) -> str:
        raw: str = self.cleaned_data["substance"]
        try:
            return self.vocabulary.resolve(raw)
        except UnknownSubstance as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean_protocol(self) -> str:
        return str(self.cleaned_data.get("protocol") or "").strip()

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if data.get("substance"):
            _check_values(self, data["substance"], data.get("protocol", ""))
        return data


class TightenForm(SourceMixin, VersionedForm, _DoseLimitForm):
    """Lower an existing limit (or add its mg or mg/kg part); raising one is refused."""

    source_needed = LIMIT_SOURCE_NEEDED

    class Meta:
        model = DoseLimit
        fields = ["max_mg", "mg_per_kg", "source"]
        labels = LIMIT_LABELS
        widgets = {"source": Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.before = (self.instance.max_mg, self.instance.mg_per_kg)

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        for name, old in zip(("max_mg", "mg_per_kg"), self.before, strict=True):
            new = data.get(name)
            if old is None or self.has_error(name):
                continue
            if new is None:
                self.add_error(
                    name,
                    gettext("Removing the %(old)s limit would loosen it; retire the limit instead.")
                    % {"old": f"{old.normalize():f}"},
                )
            elif new > old:
                self.add_error(
                    name,
                    gettext(
                        "%(new)s is above the current %(old)s: a limit can only be tightened "
                        "here; retire it and add a new one with its source."
                    )
                    % {"new": f"{new.normalize():f}", "old": f"{old.normalize():f}"},
                )
        _check_values(self, self.instance.substance, self.instance.protocol)
        return data
