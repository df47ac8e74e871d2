"""The words and numbers a chart writes itself (its tooltips), in the reader's language.

Pure: Django gives its translator and number format at start-up (``clinics/apps.py``);
without them (pure tests) charts speak English with Python's numbers. The messages are in
the project's catalogue (``mesoclinic/locale``); axis labels and titles come translated from
the page that draws the chart.
"""

from __future__ import annotations

from collections.abc import Callable


def _same(text: str) -> str:
    return text


_translate: Callable[[str], str] = _same
_localize_number: Callable[[str], str] = _same


def use(translate: Callable[[str], str], localize_number: Callable[[str], str]) -> None:
    """Install the translator and the number writer (a number as Python writes it, "1.5",
    to the active language's "1,5")."""
    global _translate, _localize_number
    _translate, _localize_number = translate, localize_number


def _(message: str) -> str:
    return _translate(message)


def number(text: str) -> str:
    return _localize_number(text)


def interval_title(label: str, estimate: str, low: str, high: str) -> str:
    return _("%(label)s: %(estimate)s (95%% CI %(low)s to %(high)s)") % {
        "label": label,
        "estimate": number(estimate),
        "low": number(low),
        "high": number(high),
    }


def value_title(label: str, value: str) -> str:
    return _("%(label)s: %(value)s") % {"label": label, "value": number(value)}


def point_title(series: str, value: str, day: str) -> str:
    return _("%(series)s: %(value)s on %(day)s") % {
        "series": series,
        "value": number(value),
        "day": day,
    }
