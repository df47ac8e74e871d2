"""Forms of the injection map: place a point, remove one, amend a signed line's map.

The place form is the map without JavaScript: the position is typed as fractions of the
diagram (0 at the left or top edge, 1 at the right or bottom). ``static/treatments/
injection-map.js`` fills the same fields from a click, a tap or the keyboard grid.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mesoclinic.records.forms import Textarea
from mesoclinic.treatments.injection_map import Mark, checked_mark
from mesoclinic.treatments.injection_map_models import Diagram, MapMarkKind


class PlacePointForm(forms.Form):
    """A point or zone of the chosen line, on the chosen diagram."""

    diagram = forms.ChoiceField(label=_("Diagram"), choices=Diagram.choices)
    x = forms.DecimalField(
        label=_("Across"),
        help_text=_("0 is the left edge of the diagram, 1 the right edge, 0.5 the middle"),
        widget=forms.NumberInput(attrs={"step": "0.001"}),
        min_value=Decimal(0),
        max_value=Decimal(1),
        decimal_places=3,
    )
    y = forms.DecimalField(
        label=_("Down"),
        help_text=_("0 is the top edge of the diagram, 1 the bottom edge"),
        widget=forms.NumberInput(attrs={"step": "0.001"}),
        min_value=Decimal(0),
        max_value=Decimal(1),
        decimal_places=3,
    )
    kind = forms.ChoiceField(
        label=_("Mark"), choices=MapMarkKind.choices, initial=MapMarkKind.POINT
    )

    def mark(self) -> Mark:
        data = self.cleaned_data
        return Mark(data["diagram"], data["x"], data["y"], data["kind"])


class MapAmendmentForm(forms.Form):
    """A signed line's map as corrected, one mark a row, and why."""

    marks = forms.CharField(
        label=_("Marks of this line, one a row"),
        required=False,
        help_text=_(
            "Each row: diagram code, across and down (0 to 1), and point or zone, "
            "e.g. submental 0.400 0.550 point. Leave empty to record that the line has no map."
        ),
        widget=Textarea(attrs={"rows": 8}),
    )
    reason = forms.CharField(
        label=_("Reason for the amendment"), widget=Textarea(attrs={"rows": 2})
    )

    def clean_marks(self) -> list[Mark]:
        text: str = self.cleaned_data["marks"]
        marks = []
        for number, row in enumerate(text.splitlines(), start=1):
            if not row.strip():
                continue
            try:
                parsed = Mark.parse(row)
                marks.append(checked_mark(parsed.diagram, parsed.x, parsed.y, parsed.kind))
            except (ValueError, ArithmeticError, ValidationError):
                raise ValidationError(
                    gettext(
                        "Row %(number)s is not a mark: write the diagram code, across and "
                        "down (0 to 1) and point or zone, e.g. submental 0.400 0.550 point."
                    )
                    % {"number": number}
                ) from None
        return marks
