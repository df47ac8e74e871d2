"""A record's choice labels read as Django's own get_<field>_display gives them, per language."""

from __future__ import annotations

from django.db import models
from django.utils import translation

from mesoclinic.treatments.models import SessionArea


def test_it_labels_a_choice_as_django_does_in_each_language() -> None:
    # given session area rows with a known area, and one with a value no choice names
    known = SessionArea(area="abdomen", side="left")
    unknown = SessionArea(area="not-an-area", side="left")
    field = SessionArea._meta.get_field("area")
    for language in ("en", "fr", "it", "es"):
        # when each is shown in that language
        with translation.override(language):
            shown = known.get_area_display()
            # then the label is Django's, translated, and an unknown value is shown as it is
            assert shown == models.Model._get_FIELD_display(known, field)  # type: ignore[attr-defined]
            assert unknown.get_area_display() == "not-an-area"
    # and the cached labels still follow the language of each request
    with translation.override("fr"):
        french = known.get_side_display()
    with translation.override("en"):
        assert known.get_side_display() != french
