"""Image intake: an uploaded picture becomes freshly encoded pixels, or a reason it is refused.

Pure (Pillow, no Django) so that every app that takes pictures uses the same checks: the
aftercare check-in photo today, the clinical photo series next. The upload's bytes are only
ever read here; what is kept is a new file written from the decoded pixels, so whatever an
upload carried besides its pixels is gone:

- only JPEG, PNG and WebP are opened (Pillow is told to try no other decoder, so a GIF, TIFF,
  BMP, SVG, PDF or HTML file is refused before any decoding);
- the size in pixels is read from the header and checked against a limit before the pixels
  are decoded (decompression bombs), and Pillow's own bomb warning is an error here;
- a truncated or corrupt file is refused, never half-loaded;
- the EXIF orientation is applied to the pixels, then EXIF (GPS, camera serial, maker notes),
  XMP, comments and text chunks are all dropped; only a valid ICC colour profile is kept;
- anything before or after the image data (an HTML or script polyglot) is not copied, since
  only the re-encoded pixels are written;
- an animated image keeps its first frame.

The output is PNG when the source is PNG or has transparency (lossless stays lossless), JPEG
otherwise.
"""

from __future__ import annotations

import io
import re
import struct
import warnings
import zlib
from dataclasses import dataclass
from typing import Final

from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

# Formats accepted, by Pillow's format name; nothing else is even tried.
ALLOWED_FORMATS: Final = ("JPEG", "PNG", "WEBP")
# What Pillow's JPEG opener may report: many phones write MPO, a JPEG followed by more
# pictures (a depth map, a second lens); its first picture is the photo.
_OPENED_FORMATS: Final = frozenset({*ALLOWED_FORMATS, "MPO"})

# Not a clinical number: the largest picture accepted, in pixels. A phone camera takes 12 to
# 48 megapixels; decoded RGB costs 3 bytes a pixel, so this bounds one upload's memory at
# about 150 MB. Pillow's own warning starts at 89.5 megapixels (Image.MAX_IMAGE_PIXELS).
DEFAULT_MAX_PIXELS: Final = 50_000_000

# An ICC profile larger than this is not a colour profile a camera or phone writes.
MAX_ICC_BYTES: Final = 1024 * 1024

JPEG_QUALITY: Final = 92

_ORIENTATION: Final = 0x0112  # the EXIF tag

# The ICC colour space that fits each mode the intake writes.
_ICC_SPACES: Final = {
    "RGB": "RGB",
    "RGBA": "RGB",
    "L": "GRAY",
    "LA": "GRAY",
    "I": "GRAY",
    "I;16": "GRAY",
    "1": "GRAY",
    "CMYK": "CMYK",
}

NOT_AN_IMAGE = "This file is not a JPEG, PNG or WebP image."
DAMAGED = "This image is damaged and cannot be read."

# Modes each output format stores without conversion.
_JPEG_MODES: Final = frozenset({"L", "RGB", "CMYK"})
_PNG_MODES: Final = frozenset({"1", "L", "LA", "I", "I;16", "RGB", "RGBA"})

# What a decoder raises on a file it cannot read (truncated, corrupt, inconsistent).
_DECODE_ERRORS: Final = (
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    IndexError,
    KeyError,
    TypeError,
    struct.error,
    zlib.error,
)


class ImageRejectedError(Exception):
    """The upload is not a picture that can be kept; the message is for the person sending it."""


class NotAnImageError(ImageRejectedError):
    def __init__(self) -> None:
        super().__init__(NOT_AN_IMAGE)


class DamagedImageError(ImageRejectedError):
    def __init__(self) -> None:
        super().__init__(DAMAGED)


class ImageTooLargeError(ImageRejectedError):
    def __init__(self, pixels: int | None, max_pixels: int) -> None:
        self.pixels = pixels
        self.max_pixels = max_pixels
        limit = _megapixels(max_pixels)
        if pixels is None:
            message = f"This image is too large (the limit is {limit} megapixels)."
        else:
            message = (
                f"This image is too large ({_megapixels(pixels)} megapixels; the limit is {limit})."
            )
        super().__init__(message)


@dataclass(frozen=True)
class CleanImage:
    """A re-encoded picture: the only bytes that may be stored or served."""

    content: bytes
    content_type: str
    extension: str
    width_px: int
    height_px: int
    source_format: str


def _megapixels(pixels: int) -> str:
    value = pixels / 1_000_000
    return f"{value:.0f}" if value >= 10 else f"{value:.2g}"


def _pixels_in(message: str) -> int | None:
    """The pixel count in Pillow's decompression-bomb message, when it says one."""
    found = re.search(r"\((\d+) pixels\)", message)
    return int(found.group(1)) if found else None


def _valid_icc(icc: object, mode: str) -> bytes | None:
    """The ICC profile if littleCMS can parse it and it describes the colours of ``mode``
    (RGB, grey or CMYK), else None: the picture is stored without one."""
    if not isinstance(icc, bytes) or not icc or len(icc) > MAX_ICC_BYTES:
        return None
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        space = str(profile.profile.xcolor_space).strip()
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError, AttributeError):
        return None
    return icc if _ICC_SPACES.get(mode) == space else None


def _oriented(image: Image.Image) -> Image.Image:
    """The pixels turned as the EXIF orientation says; a broken EXIF block is ignored."""
    try:
        orientation = image.getexif().get(_ORIENTATION, 1)
        if orientation not in range(2, 9):
            # No turn needed; exif_transpose would still copy every pixel.
            return image
        turned = ImageOps.exif_transpose(image)
    except _DECODE_ERRORS:
        return image
    return turned if turned is not None else image


def _output_mode(image: Image.Image, as_png: bool) -> str:
    mode = image.mode
    if as_png:
        if "transparency" in image.info:
            # A palette or colour-key transparency lives in .info, which is not kept.
            return "RGBA"
        if mode in _PNG_MODES:
            return mode
        return "RGBA" if "A" in mode else "RGB"
    return mode if mode in _JPEG_MODES else "RGB"


def reencode(data: bytes, *, max_pixels: int = DEFAULT_MAX_PIXELS) -> CleanImage:
    """Decode ``data`` as a JPEG, PNG or WebP picture and encode its pixels into a new file.

    Raises ImageRejectedError (NotAnImageError, ImageTooLargeError, DamagedImageError) with a
    message for the sender. Never returns any of the input's bytes other than a valid ICC
    profile.
    """
    if not data:
        raise NotAnImageError
    with warnings.catch_warnings():
        # Pillow warns, and only warns, between MAX_IMAGE_PIXELS and twice that. The warning
        # filter is process-wide (not thread-safe under gunicorn threads), so it is only the
        # second guard: the first is the explicit max_pixels check from the header below.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise ImageTooLargeError(_pixels_in(str(exc)), max_pixels) from None
        except UnidentifiedImageError:
            raise NotAnImageError from None
        except _DECODE_ERRORS:
            raise DamagedImageError from None
        with image:
            return _reencode_open(image, max_pixels)


def _reencode_open(image: Image.Image, max_pixels: int) -> CleanImage:
    source_format = str(image.format)
    if source_format not in _OPENED_FORMATS:
        raise NotAnImageError
    width_px, height_px = image.size
    pixels = width_px * height_px
    # Checked from the header, before a single pixel is decoded.
    if pixels > max_pixels:
        raise ImageTooLargeError(pixels, max_pixels)
    if pixels == 0:
        raise DamagedImageError
    try:
        if getattr(image, "n_frames", 1) > 1:
            image.seek(0)
        image.load()
        source_icc = image.info.get("icc_profile")
        turned = _oriented(image)
        has_alpha = "A" in turned.mode or "transparency" in turned.info
        as_png = source_format == "PNG" or has_alpha
        mode = _output_mode(turned, as_png)
        fresh = turned.convert(mode) if turned.mode != mode else turned
        icc = _valid_icc(source_icc, mode)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageTooLargeError(_pixels_in(str(exc)), max_pixels) from None
    except _DECODE_ERRORS:
        raise DamagedImageError from None
    # Nothing of the source's metadata travels with the pixels: the encoders read comments,
    # transparency and profiles from .info as well as from their arguments.
    fresh.info = {}
    out = io.BytesIO()
    params: dict[str, object] = {"icc_profile": icc} if icc else {}
    try:
        if as_png:
            fresh.save(out, format="PNG", **params)
            content_type, extension = "image/png", "png"
        else:
            fresh.save(out, format="JPEG", quality=JPEG_QUALITY, **params)
            content_type, extension = "image/jpeg", "jpg"
    except _DECODE_ERRORS:
        # A picture Pillow decoded but cannot write back: refused rather than a server error.
        raise DamagedImageError from None
    return CleanImage(
        content=out.getvalue(),
        content_type=content_type,
        extension=extension,
        width_px=fresh.width,
        height_px=fresh.height,
        source_format=source_format,
    )
