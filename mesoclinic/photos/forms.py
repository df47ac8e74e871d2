"""The form of one photo slot: which view, and the picture (upload or the tablet's camera)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from mesoclinic.uploads.fields import ImageUploadField

# Not a clinical number: the largest photo file accepted. A 24-megapixel phone or camera JPEG
# is about 5 to 12 MB; this leaves room and stops one upload filling the disk.
DEFAULT_MAX_BYTES = 25 * 1024 * 1024


def max_bytes() -> int:
    return int(getattr(settings, "CLINICAL_PHOTO_MAX_BYTES", DEFAULT_MAX_BYTES))


class PhotoForm(forms.Form):
    """One view of the visit's series. ``views`` are the codes the visit's series holds."""

    view = forms.ChoiceField(label=_("View"), widget=forms.HiddenInput)

    def __init__(self, *args: Any, views: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        view_field = self.fields["view"]
        assert isinstance(view_field, forms.ChoiceField)
        view_field.choices = views
        self.fields["image"] = ImageUploadField(
            max_bytes=max_bytes(),
            label=_("Photo"),
            help_text=_("Take it with the tablet's camera or choose a JPEG, PNG or WebP file."),
            # capture: a tablet or phone opens its rear camera; a desktop shows a file chooser.
            widget=forms.FileInput(attrs={"accept": "image/*", "capture": "environment"}),
        )
