"""A small copy of a re-encoded photo for lists, slots and the ghost overlay.

Pure (Pillow, no Django). It is made from the intake's output (already decoded, turned upright
and stripped of metadata), never from the upload, and written fresh with no metadata.
"""

from __future__ import annotations

import io
from typing import Final

from PIL import Image

# Not a clinical number: the longest side of a thumbnail in pixels, enough for a slot on a
# tablet and for the ghost overlay, small enough that a page of them loads fast.
THUMBNAIL_MAX_PX: Final = 640
THUMBNAIL_QUALITY: Final = 85


def thumbnail_jpeg(clean_content: bytes, *, max_px: int = THUMBNAIL_MAX_PX) -> bytes:
    """A JPEG no larger than ``max_px`` on its longest side, from the intake's re-encoded
    bytes (JPEG or PNG)."""
    with Image.open(io.BytesIO(clean_content), formats=("JPEG", "PNG")) as image:
        # draft() lets the JPEG decoder scale down while decoding (far less memory for a
        # 24-megapixel photo); PNG ignores it.
        image.draft("RGB", (max_px, max_px))
        small = image.convert("RGB")
        small.thumbnail((max_px, max_px))
        small.info = {}
        out = io.BytesIO()
        small.save(out, format="JPEG", quality=THUMBNAIL_QUALITY)
        return out.getvalue()
