"""The chart's version stamps: what the cached history of a chart is keyed by."""

from __future__ import annotations

from django.db import models


class ChartVersion(models.Model):
    """A random stamp per patient (``p:<id>``) and per clinic (``c:<id>``), replaced by a
    database trigger on every insert, update and delete of a row the chart's history shows
    (``chart_triggers.py``); the cached history is keyed by both (``chart_cache.py``).

    Written only by the triggers, never by Django. A random stamp, not a counter: a rolled-back
    write (a test's, or a request's whose transaction failed after it rendered a chart) leaves
    no number that a later write could give again to different rows.
    """

    scope = models.CharField(max_length=40, primary_key=True)
    stamp = models.CharField(max_length=40)

    def __str__(self) -> str:
        return f"{self.scope} {self.stamp}"
