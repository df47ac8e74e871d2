"""``get_<field>_display`` without rebuilding the field's choices at every call.

Django's own builds ``dict(make_hashable(field.flatchoices))`` each time it is called, and
``make_hashable`` hashes every label: a lazy label is translated to be hashed, so one call
translated every label of the field. A chart shows about a hundred such values, which made
several hundred catalogue look-ups per request (issue 11). Here the value → label map is
built once per field, the labels staying lazy, and only the label shown is translated, in
the language of the request, as before.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable

_LABELS: dict[Any, dict[Any, Any]] = {}


class ChoiceLabels:
    """Mixin for models: the same ``get_<field>_display`` results as Django's, cached map."""

    def _get_FIELD_display(self, field: models.Field[Any, Any]) -> Any:  # noqa: N802 (Django's name)
        labels = _LABELS.get(field)
        if labels is None:
            # Later duplicates win, as in Django's dict(...); the labels are not hashed.
            labels = _LABELS[field] = {make_hashable(v): label for v, label in field.flatchoices}
        value = getattr(self, field.attname)
        return force_str(labels.get(make_hashable(value), value), strings_only=True)
