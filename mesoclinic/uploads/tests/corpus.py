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


def ok(
    name: str, filename: str, data: bytes, *, icc: bool = False, size: tuple[int, int] = (64, 48)
) -> Case:
    return Case(name, filename, data, ACCEPTED, icc, size)


def no(reason: str, name: str, filename: str, data: bytes) -> Case:
    return Case(name, filename, data, reason)


def corpus() -> list[Case]:
    jpeg, png, rgba = _save(photo(), "JPEG"), _save(photo(), "PNG"), photo(mode="RGBA")
    exif_jpeg = _save(photo(), "JPEG", exif=hostile_exif())
    return [
        # accepted, and nothing but re-encoded pixels kept
        ok("plain JPEG", "me.jpg", jpeg),
        ok("plain PNG", "me.png", png),
        ok("lossy WebP", "me.webp", _save(photo(), "WEBP")),
        ok("JPEG with GPS, serial, maker note, XMP, comment, ICC", "gps.jpg",
           jpeg_with_everything(), icc=True),
        ok("JPEG turned by EXIF orientation 6", "turned.jpg",
           _save(photo(), "JPEG", exif=hostile_exif(orientation=6)), size=(48, 64)),
        ok("JPEG with HTML appended", "poly.jpg", jpeg + HTML),
        ok("JPEG with JS appended", "poly.js.jpg", jpeg + JS),
        ok("PNG with HTML after IEND", "poly.png", png + HTML),
        ok("WebP with HTML appended", "poly.webp", _save(photo(), "WEBP") + HTML),
        ok("JPEG with a script in its comment", "comment.jpg", jpeg_with_comment_script()),
        ok("JPEG with HTML in EXIF", "exif.jpg", exif_jpeg),
        ok("PNG with text, iTXt XMP and eXIf chunks", "text.png", png_with_text_chunks()),
        ok("JPEG with a bogus ICC holding HTML (dropped)", "icc.jpg",
           _save(photo(), "JPEG", icc_profile=b"notaprofile" + HTML)),
        ok("PNG with an ICC profile", "icc.png", _save(photo(), "PNG", icc_profile=srgb_icc()),
           icc=True),
        ok("CMYK JPEG", "cmyk.jpg", _save(photo(mode="CMYK"), "JPEG")),
        ok("MPO: a phone JPEG with a second picture after it", "phone.jpg",
           _save(photo(), "MPO", save_all=True, append_images=[photo((32, 24))])),
        ok("grey JPEG with an RGB ICC profile (dropped: wrong colour space)", "grey-icc.jpg",
           _save(photo(mode="L"), "JPEG", icc_profile=srgb_icc())),
        ok("grey JPEG", "grey.jpg", _save(photo(mode="L"), "JPEG")),
        ok("progressive JPEG", "prog.jpg", _save(photo(), "JPEG", progressive=True)),
        ok("16-bit grey PNG", "deep.png", _save(photo(mode="L").convert("I;16"), "PNG")),
        ok("palette PNG with transparency", "pal.png",
           _save(photo().convert("P"), "PNG", transparency=0)),
        ok("RGBA PNG", "alpha.png", _save(rgba, "PNG")),
        ok("lossless WebP with alpha", "alpha.webp", _save(rgba, "WEBP", lossless=True)),
        ok("animated WebP (first frame kept)", "anim.webp", animated("WEBP")),
        ok("animated PNG (first frame kept)", "anim.png", animated("PNG")),
        ok("JPEG named ../../etc/passwd", "../../etc/passwd", jpeg),
        ok("JPEG with a NUL in its name", "me.jpg\x00.html", jpeg),
        ok("JPEG named .html", "page.html", jpeg),
        # refused: not one of the three formats
        no(NOT_IMAGE, "zero bytes", "empty.jpg", b""),
        no(NOT_IMAGE, "HTML renamed .jpg", "page.jpg", HTML),
        no(NOT_IMAGE, "HTML first, then a JPEG", "pre.jpg", HTML + jpeg),
        no(NOT_IMAGE, "SVG with a script", "logo.svg", svg_with_script()),
        no(NOT_IMAGE, "SVG renamed .png", "logo.png", svg_with_script()),
        no(NOT_IMAGE, "PDF renamed .jpg", "scan.jpg", b"%PDF-1.4\n" + HTML),
        no(NOT_IMAGE, "FITS renamed .jpg", "sky.jpg", b"SIMPLE  =   T".ljust(2880, b" ")),
        no(NOT_IMAGE, "PNG magic then HTML", "magic.png", b"\x89PNG\r\n\x1a\n" + HTML),
        no(NOT_IMAGE, "PNG header, zero width", "zero.png", png_header_only(0, 10)),
        no(NOT_IMAGE, "TIFF", "scan.tif", _save(photo(), "TIFF")),
        no(NOT_IMAGE, "BMP", "paint.bmp", _save(photo(), "BMP")),
        no(NOT_IMAGE, "GIF", "still.gif", _save(photo(), "GIF")),
        no(NOT_IMAGE, "animated GIF", "anim.gif", animated("GIF")),
        no(NOT_IMAGE, "GIF bomb 65535 x 65535", "bomb.gif", gif_bomb()),
        no(NOT_IMAGE, "ICO", "favicon.ico", _save(photo((32, 32)), "ICO")),
        # refused: too many pixels, read from the header before decoding
        no(TOO_LARGE, "PNG bomb 20000 x 20000 (400 Mpx)", "bomb.png", png_header_only(20000, 20000)),
        no(TOO_LARGE, "PNG 60 Mpx (over our limit)", "big.png", png_header_only(10000, 6000)),
        no(TOO_LARGE, "PNG 100 Mpx (Pillow warns)", "warn.png", png_header_only(10000, 10000)),
        no(TOO_LARGE, "PNG 1 x 2^31-1", "thin.png", png_header_only(1, 2**31 - 1)),
        no(TOO_LARGE, "JPEG bomb 65000 x 65000", "bomb.jpg", jpeg_header_only(65000, 65000)),
        no(TOO_LARGE, "WebP 16384 x 16384", "bomb.webp", webp_header_only(16384, 16384)),
        # refused: damaged (it says it is one of the three, but cannot be read)
        no(DAMAGED, "fake WebP holding HTML", "fake.webp", fake_webp_with_html()),
        no(DAMAGED, "JPEG magic then HTML", "magic.jpg", b"\xff\xd8\xff\xe0" + HTML),
        no(DAMAGED, "truncated JPEG", "cut.jpg", jpeg[: len(jpeg) // 2]),
        no(DAMAGED, "truncated PNG", "cut.png", png[: len(png) // 2]),
        no(DAMAGED, "JPEG with scrambled scan data", "noise.jpg", jpeg[:200] + bytes(range(256)) * 4),
        no(DAMAGED, "PNG with a bad CRC", "crc.png", png[:-20] + b"\x00" * 4 + png[-16:]),
        no(DAMAGED, "PNG claiming 64 x 48 with no data", "nodata.png",
           png_header_only(64, 48)[:33] + _png_chunk(b"IEND", b"")),
    ]  # fmt: skip
