"""Every form of the project shows dates, times and multi-line text through the shared widgets
(records/forms.py), so that no form renders a stored date empty or changes a text's line
breaks when it is saved untouched."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from importlib import import_module
from pathlib import Path
from typing import cast

import pytest
from django import forms
from django.apps import apps
from django.forms.forms import BaseForm
from django.test import override_settings
from django.utils import timezone

from mesoclinic.records.forms import DateInput, DateTimeLocalField, DateTimeLocalInput, Textarea

PROJECT = Path(__file__).resolve().parent.parent / "mesoclinic"
DJANGO_WIDGET = re.compile(r"forms\.(DateInput|DateTimeInput|SplitDateTimeWidget|Textarea)\b")


def _subclasses(cls: type) -> Iterator[type]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _project_forms() -> list[type[BaseForm]]:
    for app in apps.get_app_configs():
        if app.name.startswith("mesoclinic.") and (Path(app.path) / "forms.py").exists():
            import_module(f"{app.name}.forms")
    found = {c for c in _subclasses(BaseForm) if c.__module__.startswith("mesoclinic.")}
    return sorted(found, key=lambda c: f"{c.__module__}.{c.__qualname__}")


def test_it_uses_the_shared_widgets_in_every_form():
    # given every form class of the project
    classes = _project_forms()
    assert len(classes) > 20, "too few forms found to mean anything"
    # when their fields are read
    wrong = []
    for cls in classes:
        for name, field in cls.base_fields.items():  # type: ignore[attr-defined]
            where = f"{cls.__module__}.{cls.__qualname__}.{name}"
            widget = field.widget
            # then dates, times and multi-line text use the shared widgets
            if isinstance(field, forms.DateTimeField) and not isinstance(
                widget, DateTimeLocalInput
            ):
                wrong.append(f"{where}: {type(widget).__name__}, not DateTimeLocalInput")
            elif isinstance(field, forms.DateField) and not isinstance(widget, DateInput):
                wrong.append(f"{where}: {type(widget).__name__}, not DateInput")
            elif isinstance(widget, forms.Textarea) and not isinstance(widget, Textarea):
                wrong.append(f"{where}: Django's Textarea, not records.forms.Textarea")
    assert wrong == [], "\n".join(wrong)


def test_it_builds_no_date_time_or_text_widget_of_its_own():
    # given the project's Python files (fields added in a form's __init__ are not class fields)
    found = []
    for path in PROJECT.rglob("*.py"):
        if "tests" in path.parts or path.name == "forms.py" and path.parent.name == "records":
            continue
        # when they are searched for Django's own date, time and text widgets
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if DJANGO_WIDGET.search(line):
                found.append(f"{path.relative_to(PROJECT)}:{number}: {line.strip()}")
    # then none is used: records/forms.py holds the project's one of each
    assert found == [], "\n".join(found)


@override_settings(LANGUAGE_CODE="en-gb")
def test_it_renders_a_date_as_iso_whatever_the_language():
    # given a date, in a language whose dates read 14/03/2025
    widget = DateInput()
    # when it is rendered
    html = widget.render("birth_date", dt.date(2025, 3, 14))
    # then a browser's date picker can show it
    assert 'type="date"' in html
    assert 'value="2025-03-14"' in html


@pytest.mark.parametrize(
    ("stored", "shown", "step"),
    [
        (dt.datetime(2025, 3, 14, 9, 30, tzinfo=dt.UTC), "2025-03-14T10:30", None),
        (dt.datetime(2025, 3, 14, 9, 30, 15, tzinfo=dt.UTC), "2025-03-14T10:30:15", "any"),
        (
            dt.datetime(2025, 3, 14, 9, 30, 15, 250000, tzinfo=dt.UTC),
            "2025-03-14T10:30:15.25",
            "any",
        ),
    ],
)
def test_it_renders_a_time_in_the_clinic_zone_to_its_stored_precision(stored, shown, step):
    # given a time stored in UTC, and a clinic in Paris (UTC+1 in March)
    field = DateTimeLocalField()
    with timezone.override("Europe/Paris"):
        # when the form renders it
        widget = cast(forms.Widget, field.widget)
        html = widget.render("performed_at", field.prepare_value(stored))
        # then it is shown in the clinic's zone, seconds only when it has them
        assert f'value="{shown}"' in html
        assert 'type="datetime-local"' in html
        assert (f'step="{step}"' in html) if step else "step=" not in html
        # and read back, it is the same instant
        assert field.clean(shown) == stored


def test_it_stores_a_textarea_with_the_line_breaks_every_other_writer_uses():
    # given text typed in a browser, which sends line breaks as CRLF
    field = forms.CharField(widget=Textarea)
    posted = field.widget.value_from_datadict({"notes": "first\r\nsecond\rthird"}, {}, "notes")
    # when it is cleaned, then its line breaks are LF
    assert field.clean(posted) == "first\nsecond\nthird"
