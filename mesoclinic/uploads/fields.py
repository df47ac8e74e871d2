"""The form field for a picture: what it cleans to is the re-encoded file, never the upload."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.formats import number_format
from django.utils.translation import gettext

from mesoclinic.uploads.intake import (
    DEFAULT_MAX_PIXELS,
    CleanImage,
    DamagedImageError,
    ImageRejectedError,
    ImageTooLargeError,
    NotAnImageError,
    _megapixels,
    reencode,
)


class CleanImageFile(ContentFile):  # type: ignore[type-arg]
    """A re-encoded picture ready for a FileField: a generated name (a UUID, nothing of the
    upload's name, so "../../x.html" or a NUL in a name cannot matter) and the content type
    of the bytes actually written."""

    def __init__(self, image: CleanImage) -> None:
        super().__init__(image.content, name=f"{uuid.uuid4().hex}.{image.extension}")
        self.content_type = image.content_type
        self.image = image


def max_pixels_setting() -> int:
    """The deployment's pixel limit (IMAGE_UPLOAD_MAX_PIXELS), or the intake's default."""
    return int(getattr(settings, "IMAGE_UPLOAD_MAX_PIXELS", DEFAULT_MAX_PIXELS))


def too_many_bytes(max_bytes: int) -> str:
    return gettext("This file is larger than %(size)s MB; please send a smaller one.") % {
        "size": _localized(f"{max_bytes / (1024 * 1024):g}")
    }


def _localized(number: str) -> str:
    """A number written in Python's way ("0.5") as the active language writes it ("0,5")."""
    return number_format(Decimal(number))


def rejection(error: ImageRejectedError) -> str:
    """The intake's refusal (pure, in English) in the language of the person sending."""
    if isinstance(error, NotAnImageError):
        return gettext("This file is not a JPEG, PNG or WebP image.")
    if isinstance(error, DamagedImageError):
        return gettext("This image is damaged and cannot be read.")
    if isinstance(error, ImageTooLargeError):
        limit = _localized(_megapixels(error.max_pixels))
        if error.pixels is None:
            return gettext("This image is too large (the limit is %(limit)s megapixels).") % {
                "limit": limit
            }
        return gettext(
            "This image is too large (%(pixels)s megapixels; the limit is %(limit)s)."
        ) % {"pixels": _localized(_megapixels(error.pixels)), "limit": limit}
    return gettext(str(error))


class ImageUploadField(forms.FileField):
    """An optional or required picture (JPEG, PNG or WebP) checked and re-encoded by
    ``uploads.intake``; cleans to a CleanImageFile, or None when nothing was sent."""

    def __init__(self, *, max_bytes: int, max_pixels: int | None = None, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})
        )
        super().__init__(**kwargs)
        self.max_bytes = max_bytes
        self.max_pixels = max_pixels if max_pixels is not None else max_pixels_setting()

    def clean(self, data: Any, initial: Any = None) -> CleanImageFile | None:
        upload = super().clean(data, initial)
        if not upload:
            return None
        if upload.size is not None and upload.size > self.max_bytes:
            raise forms.ValidationError(too_many_bytes(self.max_bytes), code="too_many_bytes")
        upload.seek(0)
        # Read at most one byte past the limit, whatever the upload claims its size is.
        content = upload.read(self.max_bytes + 1)
        if len(content) > self.max_bytes:
            raise forms.ValidationError(too_many_bytes(self.max_bytes), code="too_many_bytes")
        try:
            image = reencode(content, max_pixels=self.max_pixels)
        except ImageRejectedError as exc:
            raise forms.ValidationError(rejection(exc), code="rejected_image") from None
        return CleanImageFile(image)
