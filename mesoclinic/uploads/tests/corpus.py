"""A hostile upload corpus, generated (nothing binary is committed).

Each entry is a file an attacker, a broken phone or a confused patient could send, with what
the intake must do with it: refuse it with one of the three messages, or accept it and keep
only re-encoded pixels. Kept small in pixels so the whole corpus runs in seconds; the bombs
are small in bytes and huge only in their headers.
"""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from PIL import Image, ImageCms

NOT_IMAGE = "not an image"
TOO_LARGE = "too large"
DAMAGED = "damaged"
ACCEPTED = "accepted"

HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"
JS = b"/*x*/=1;alert(document.domain);//"
SERIAL = "SN-HOSTILE-0042"
GPS_IFD = 0x8825
EXIF_IFD = 0x8769
MAKER_NOTE = 0x927C
BODY_SERIAL = 0xA431
ORIENTATION = 0x0112


@dataclass(frozen=True)
class Case:
    name: str
    filename: str
    data: bytes
    expected: str
    icc: bool = False
    size: tuple[int, int] | None = None  # expected output size, when accepted


def _save(image: Image.Image, fmt: str, **params: object) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **params)
    return out.getvalue()


def photo(size: tuple[int, int] = (64, 48), mode: str = "RGB") -> Image.Image:
    """A small picture with some structure (a gradient), so re-encoding has real pixels."""
    image = Image.linear_gradient("L").resize(size)
    if mode == "L":
        return image
    rgb = Image.merge("RGB", (image, image.transpose(Image.Transpose.FLIP_LEFT_RIGHT), image))
    return rgb.convert(mode) if mode != "RGB" else rgb


def png_bytes(size: tuple[int, int] = (64, 48)) -> bytes:
    """A clean PNG of ``size``, as a phone or a test would send it."""
    return _save(photo(size), "PNG")


def jpeg_bytes(size: tuple[int, int] = (64, 48), **params: object) -> bytes:
    return _save(photo(size), "JPEG", **params)


def hostile_exif(orientation: int = 1) -> Image.Exif:
    """EXIF with a GPS position, a camera body serial, a maker note and a comment-like tag."""
    exif = Image.Exif()
    exif[0x010F] = "HostileCam"  # Make
    exif[0x0131] = HTML.decode()  # Software: a script where a string is expected
    exif[ORIENTATION] = orientation
    exif[GPS_IFD] = {1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)}
    exif[EXIF_IFD] = {BODY_SERIAL: SERIAL, MAKER_NOTE: b"MAKERNOTE" + HTML}
    return exif


def srgb_icc() -> bytes:
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
    return bytes(profile.tobytes())


def jpeg_with_everything() -> bytes:
    return _save(
        photo(),
        "JPEG",
        exif=hostile_exif(),
        icc_profile=srgb_icc(),
        comment=HTML,
        xmp=b"<x:xmpmeta><rdf:Description>" + HTML + b"</rdf:Description></x:xmpmeta>",
    )


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)


def png_header_only(width: int, height: int, *, depth: int = 8, colour: int = 2) -> bytes:
    """A PNG whose header claims a size and whose data is a short, highly compressed stream:
    the shape of a decompression bomb, without the gigabytes."""
    ihdr = struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 65536, 9)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", idat)
        + _png_chunk(b"IEND", b"")
    )


def jpeg_header_only(width: int, height: int) -> bytes:
    """A real small JPEG with its frame header rewritten to claim ``width`` x ``height``."""
    data = bytearray(_save(photo((16, 16)), "JPEG"))
    sof = data.index(b"\xff\xc0")
    struct.pack_into(">HH", data, sof + 5, height, width)
    return bytes(data)


def gif_bomb() -> bytes:
    """A GIF whose logical screen is 65535 x 65535: refused by format before any decoding."""
    data = bytearray(_save(Image.new("P", (8, 8)), "GIF"))
    struct.pack_into("<HH", data, 6, 65535, 65535)
    return bytes(data)


def webp_header_only(width: int, height: int) -> bytes:
    """A lossless WebP whose header claims a large canvas."""
    data = bytearray(_save(photo((16, 16)), "WEBP", lossless=True))
    vp8l = data.index(b"VP8L")
    bits = (width - 1) | ((height - 1) << 14)
    struct.pack_into(
        "<I", data, vp8l + 9, bits | (struct.unpack_from("<I", data, vp8l + 9)[0] & ~0xFFFFFFF)
    )
    return bytes(data)


def fake_webp_with_html() -> bytes:
    body = b"WEBP" + b"VP8 " + struct.pack("<I", len(HTML)) + HTML
    return b"RIFF" + struct.pack("<I", len(body)) + body


def jpeg_with_comment_script() -> bytes:
    return _save(photo(), "JPEG", comment=b"*/" + JS + HTML)


def png_with_text_chunks() -> bytes:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", HTML.decode())
    info.add_itxt("XML:com.adobe.xmp", HTML.decode(), zip=True)
    info.add_text("GPS", "51.5,-0.12", zip=True)
    return _save(photo(), "PNG", pnginfo=info, exif=hostile_exif())


def svg_with_script() -> bytes:
    return (
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        b"<script>alert(1)</script></svg>"
    )


def animated(fmt: str) -> bytes:
    frames = [photo(), photo().transpose(Image.Transpose.FLIP_TOP_BOTTOM)]
    return _save(frames[0], fmt, save_all=True, append_images=frames[1:], duration=100, loop=0)


def _builders() -> list[tuple[str, str, Callable[[], bytes], str, bool, tuple[int, int] | None]]:
    jpeg = _save(photo(), "JPEG")
    png = _save(photo(), "PNG")
    return [
        # accepted and neutralised
        ("plain JPEG", "me.jpg", lambda: jpeg, ACCEPTED, False, (64, 48)),
        ("plain PNG", "me.png", lambda: png, ACCEPTED, False, (64, 48)),
        ("lossy WebP", "me.webp", lambda: _save(photo(), "WEBP"), ACCEPTED, False, (64, 48)),
        (
            "JPEG with GPS, serial, maker note, XMP, comment and ICC",
            "gps.jpg",
            jpeg_with_everything,
            ACCEPTED,
            True,
            (64, 48),
        ),
        (
            "JPEG turned by EXIF orientation 6",
            "turned.jpg",
            lambda: _save(photo(), "JPEG", exif=hostile_exif(orientation=6)),
            ACCEPTED,
            False,
            (48, 64),
        ),
        ("JPEG with HTML appended", "poly.jpg", lambda: jpeg + HTML, ACCEPTED, False, (64, 48)),
        ("JPEG with JS appended", "poly.js.jpg", lambda: jpeg + JS, ACCEPTED, False, (64, 48)),
        ("PNG with HTML after IEND", "poly.png", lambda: png + HTML, ACCEPTED, False, (64, 48)),
        (
            "JPEG with a script in its comment",
            "comment.jpg",
            jpeg_with_comment_script,
            ACCEPTED,
            False,
            (64, 48),
        ),
        (
            "JPEG with HTML in EXIF",
            "exif.jpg",
            lambda: _save(photo(), "JPEG", exif=hostile_exif()),
            ACCEPTED,
            False,
            (64, 48),
        ),
        (
            "PNG with text, iTXt XMP and eXIf chunks",
            "text.png",
            png_with_text_chunks,
            ACCEPTED,
            False,
            (64, 48),
        ),
        (
            "CMYK JPEG",
            "cmyk.jpg",
            lambda: _save(photo(mode="CMYK"), "JPEG"),
            ACCEPTED,
            False,
            (64, 48),
        ),
        (
            "grey JPEG",
            "grey.jpg",
            lambda: _save(photo(mode="L"), "JPEG"),
            ACCEPTED,
            False,
            (64, 48),
        ),
        (
            "16-bit grey PNG",
            "deep.png",
            lambda: _save(photo(mode="L").convert("I;16"), "PNG"),
            ACCEPTED,
            False,
            (64, 48),
        ),
        (
            "palette PNG with transparency",
            "pal.png",
            lambda: _save(photo().convert("P"), "PNG", transparency=0),
            ACCEPTED,
            False,
            (64, 48),
        ),
        (
            "RGBA PNG",
            "alpha.png",
            lambda: _save(photo(mode="RGBA"), "PNG"),
            ACCEPTED,
            False,
            (64, 48),
        ),
        (
            "animated WebP (first frame kept)",
            "anim.webp",
            lambda: animated("WEBP"),
            ACCEPTED,
            False,
            (64, 48),
        ),
        (
            "animated PNG (first frame kept)",
            "anim.png",
            lambda: animated("PNG"),
            ACCEPTED,
            False,
            (64, 48),
        ),
        (
            "PNG with an ICC profile",
            "icc.png",
            lambda: _save(photo(), "PNG", icc_profile=srgb_icc()),
            ACCEPTED,
            True,
            (64, 48),
        ),
        (
            "JPEG named ../../etc/passwd",
            "../../etc/passwd",
            lambda: jpeg,
            ACCEPTED,
            False,
            (64, 48),
        ),
        ("JPEG with a NUL in its name", "me.jpg\x00.html", lambda: jpeg, ACCEPTED, False, (64, 48)),
        ("JPEG named .html", "page.html", lambda: jpeg, ACCEPTED, False, (64, 48)),
        # refused: not one of the three formats
        ("zero bytes", "empty.jpg", lambda: b"", NOT_IMAGE, False, None),
        ("HTML renamed .jpg", "page.jpg", lambda: HTML, NOT_IMAGE, False, None),
        ("SVG with a script", "logo.svg", svg_with_script, NOT_IMAGE, False, None),
        ("SVG renamed .png", "logo.png", svg_with_script, NOT_IMAGE, False, None),
        ("fake WebP holding HTML", "fake.webp", fake_webp_with_html, DAMAGED, False, None),
        ("PDF renamed .jpg", "scan.jpg", lambda: b"%PDF-1.4\n" + HTML, NOT_IMAGE, False, None),
        (
            "JPEG magic then HTML",
            "magic.jpg",
            lambda: b"\xff\xd8\xff\xe0" + HTML,
            DAMAGED,
            False,
            None,
        ),
        (
            "PNG magic then HTML",
            "magic.png",
            lambda: b"\x89PNG\r\n\x1a\n" + HTML,
            NOT_IMAGE,
            False,
            None,
        ),
        ("TIFF", "scan.tif", lambda: _save(photo(), "TIFF"), NOT_IMAGE, False, None),
        ("BMP", "paint.bmp", lambda: _save(photo(), "BMP"), NOT_IMAGE, False, None),
        ("GIF", "still.gif", lambda: _save(photo(), "GIF"), NOT_IMAGE, False, None),
        ("animated GIF", "anim.gif", lambda: animated("GIF"), NOT_IMAGE, False, None),
        ("GIF bomb 65535 x 65535", "bomb.gif", gif_bomb, NOT_IMAGE, False, None),
        ("ICO", "favicon.ico", lambda: _save(photo((32, 32)), "ICO"), NOT_IMAGE, False, None),
        # refused: too many pixels, read from the header before decoding
        (
            "PNG bomb 20000 x 20000 (400 Mpx)",
            "bomb.png",
            lambda: png_header_only(20000, 20000),
            TOO_LARGE,
            False,
            None,
        ),
        (
            "PNG 60 Mpx (over our limit, under Pillow's)",
            "big.png",
            lambda: png_header_only(10000, 6000),
            TOO_LARGE,
            False,
            None,
        ),
        (
            "PNG 100 Mpx (Pillow's warning range)",
            "warn.png",
            lambda: png_header_only(10000, 10000),
            TOO_LARGE,
            False,
            None,
        ),
        (
            "PNG 1 x 2^31-1",
            "thin.png",
            lambda: png_header_only(1, 2**31 - 1),
            TOO_LARGE,
            False,
            None,
        ),
        (
            "JPEG bomb 65000 x 65000",
            "bomb.jpg",
            lambda: jpeg_header_only(65000, 65000),
            TOO_LARGE,
            False,
            None,
        ),
        (
            "WebP 16384 x 16384",
            "bomb.webp",
            lambda: webp_header_only(16384, 16384),
            TOO_LARGE,
            False,
            None,
        ),
        # refused: damaged
        ("truncated JPEG", "cut.jpg", lambda: jpeg[: len(jpeg) // 2], DAMAGED, False, None),
        ("truncated PNG", "cut.png", lambda: png[: len(png) // 2], DAMAGED, False, None),
        (
            "JPEG with scrambled scan data",
            "noise.jpg",
            lambda: jpeg[:200] + bytes(range(256)) * 4,
            DAMAGED,
            False,
            None,
        ),
        (
            "PNG with a bad CRC",
            "crc.png",
            lambda: png[:-20] + b"\x00" * 4 + png[-16:],
            DAMAGED,
            False,
            None,
        ),
        (
            "PNG header, zero width",
            "zero.png",
            lambda: png_header_only(0, 10),
            NOT_IMAGE,
            False,
            None,
        ),
        (
            "PNG header claiming 64x48 with no data",
            "nodata.png",
            lambda: png_header_only(64, 48)[:33] + _png_chunk(b"IEND", b""),
            DAMAGED,
            False,
            None,
        ),
    ]


def corpus() -> list[Case]:
    return [
        Case(name, filename, build(), expected, icc, size)
        for name, filename, build, expected, icc, size in _builders()
    ]
