"""The hostile corpus through the intake: each file refused with its reason, or accepted with
nothing but re-encoded pixels kept."""

from __future__ import annotations

import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from mesoclinic.uploads.intake import (
    DAMAGED,
    NOT_AN_IMAGE,
    CleanImage,
    DamagedImageError,
    ImageRejectedError,
    ImageTooLargeError,
    NotAnImageError,
    reencode,
)

from .corpus import (
    ACCEPTED,
    BODY_SERIAL,
    GPS_IFD,
    HTML,
    JS,
    NOT_IMAGE,
    SERIAL,
    TOO_LARGE,
    Case,
    corpus,
    photo,
)
from .corpus import (
    DAMAGED as EXPECT_DAMAGED,
)

CORPUS = corpus()
REFUSALS = {
    NOT_IMAGE: NotAnImageError,
    TOO_LARGE: ImageTooLargeError,
    EXPECT_DAMAGED: DamagedImageError,
}


def assert_neutralised(clean: CleanImage, case_data: bytes) -> Image.Image:
    """The output decodes cleanly on its own, carries no metadata but an ICC profile, and
    holds nothing of the hostile payloads."""
    with Image.open(io.BytesIO(clean.content)) as image:
        image.load()
        assert image.format == {"image/jpeg": "JPEG", "image/png": "PNG"}[clean.content_type]
        assert not image.getexif()
        assert set(image.info) <= {
            "icc_profile",
            "dpi",
            "jfif",
            "jfif_version",
            "jfif_unit",
            "jfif_density",
            "adobe",
            "adobe_transform",
            "progressive",
            "progression",
        }
        for marker in (
            HTML,
            JS,
            b"<script",
            b"Exif",
            SERIAL.encode(),
            b"MAKERNOTE",
            b"xmpmeta",
            b"HostileCam",
        ):
            assert marker not in clean.content
        # nothing after the end of the image data
        if clean.content_type == "image/jpeg":
            assert clean.content.endswith(b"\xff\xd9")
        else:
            assert clean.content.endswith(b"IEND\xaeB`\x82")
        return image


def test_it_has_a_corpus_of_at_least_thirty_hostile_files():
    assert len(CORPUS) >= 30
    assert len({c.name for c in CORPUS}) == len(CORPUS)


@pytest.mark.parametrize(
    "case", [c for c in CORPUS if c.expected != ACCEPTED], ids=lambda c: c.name
)
def test_it_refuses_each_hostile_file_with_its_reason(case: Case):
    # given a file that is not a picture, too large, or damaged
    # when it is taken in / then it is refused with the message for that reason
    with pytest.raises(REFUSALS[case.expected]) as refused:
        reencode(case.data)
    message = str(refused.value)
    if case.expected == NOT_IMAGE:
        assert message == NOT_AN_IMAGE
    elif case.expected == EXPECT_DAMAGED:
        assert message == DAMAGED
    else:
        assert message.startswith("This image is too large (")
        assert "the limit is 50" in message


@pytest.mark.parametrize(
    "case", [c for c in CORPUS if c.expected == ACCEPTED], ids=lambda c: c.name
)
def test_it_keeps_only_re_encoded_pixels_of_an_accepted_file(case: Case):
    # given a picture carrying metadata, payloads or an odd layout
    # when it is taken in
    clean = reencode(case.data)
    # then what comes out is a fresh picture of the expected size with nothing else in it
    image = assert_neutralised(clean, case.data)
    assert (clean.width_px, clean.height_px) == case.size == image.size
    assert ("icc_profile" in image.info) is case.icc


def test_it_says_how_many_megapixels_and_the_limit():
    # given a PNG whose header claims 20000 x 20000 (400 megapixels)
    bomb = next(c for c in CORPUS if c.name.startswith("PNG bomb"))
    # when it is taken in / then the message names both numbers
    with pytest.raises(ImageTooLargeError, match=r"\(400 megapixels; the limit is 50\)"):
        reencode(bomb.data)


def test_it_refuses_a_picture_above_the_limit_before_decoding_it():
    # given a limit of 1000 pixels and a PNG whose header says 64 x 48 but whose data would
    # not decode (it is refused as damaged under a higher limit)
    data = next(c for c in CORPUS if c.filename == "nodata.png").data
    with pytest.raises(DamagedImageError):
        reencode(data)
    # when it is taken in under the low limit / then it is too large, from its header alone
    with pytest.raises(ImageTooLargeError, match=r"\(0\.0031 megapixels; the limit is 0\.001\)"):
        reencode(data, max_pixels=1000)


def test_it_applies_the_exif_orientation_to_the_pixels():
    # given a picture stored sideways with orientation 6 (turn 90° clockwise to view)
    case = next(c for c in CORPUS if c.name.startswith("JPEG turned"))
    with Image.open(io.BytesIO(case.data)) as stored:
        top_left_before = stored.convert("L").getpixel((0, 0))
    # when it is taken in
    clean = reencode(case.data)
    # then it is upright (taller than wide) and its old top-left is now top-right
    with Image.open(io.BytesIO(clean.content)) as image:
        assert image.size == (48, 64)
        top_right_after = image.convert("L").getpixel((47, 0))
    assert isinstance(top_left_before, int)
    assert isinstance(top_right_after, int)
    assert abs(top_right_after - top_left_before) <= 12


def test_it_keeps_the_gps_position_and_serial_out_of_the_output():
    # given a JPEG whose EXIF holds a GPS position and a camera serial
    case = next(c for c in CORPUS if c.name.startswith("JPEG with GPS"))
    with Image.open(io.BytesIO(case.data)) as source:
        assert source.getexif().get_ifd(GPS_IFD)
        assert SERIAL.encode() in case.data
    # when it is taken in
    clean = reencode(case.data)
    # then neither survives, nor any EXIF at all
    with Image.open(io.BytesIO(clean.content)) as image:
        exif = image.getexif()
        assert not exif.get_ifd(GPS_IFD)
        assert BODY_SERIAL not in exif.get_ifd(0x8769)
    assert SERIAL.encode() not in clean.content


def test_it_treats_pillows_bomb_warning_as_a_refusal():
    # given a PNG of 100 megapixels: Pillow itself only warns between 89.5 and 179 Mpx
    case = next(c for c in CORPUS if c.name.startswith("PNG 100 Mpx"))
    # when the intake's own limit is set above it, Pillow's warning still refuses it
    with pytest.raises(ImageTooLargeError, match="100 megapixels"):
        reencode(case.data, max_pixels=500_000_000)


sizes = st.tuples(st.integers(1, 80), st.integers(1, 80))
modes = st.sampled_from(["RGB", "L", "RGBA", "P", "CMYK", "LA"])
formats = st.sampled_from(["JPEG", "PNG", "WEBP"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    size=sizes,
    mode=modes,
    fmt=formats,
    seed=st.binary(min_size=0, max_size=64),
    tail=st.binary(max_size=64),
)
def test_it_gives_any_accepted_picture_back_the_same_size_without_exif(size, mode, fmt, seed, tail):
    # given any small picture in an accepted format, with EXIF and arbitrary appended bytes
    image = photo(size, mode="RGB")
    if seed:
        image.putpixel((0, 0), tuple(seed[:3].ljust(3, b"\0")))
    if fmt == "JPEG" and mode not in ("RGB", "L", "CMYK"):
        mode = "RGB"
    if fmt == "PNG" and mode == "CMYK":
        mode = "RGB"
    if fmt == "WEBP" and mode not in ("RGB", "RGBA"):
        mode = "RGB"
    image = image.convert(mode)
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x013B] = "Artist name"
    image.save(out, format=fmt, exif=exif.tobytes())
    # when it is taken in
    clean = reencode(out.getvalue() + tail)
    # then it re-decodes to the same size and carries no EXIF
    with Image.open(io.BytesIO(clean.content)) as again:
        again.load()
        assert again.size == size
        assert not again.getexif()
    assert b"Artist name" not in clean.content


@settings(max_examples=150, deadline=None)
@given(
    prefix=st.sampled_from([b"", b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"RIFF\0\0\0\0WEBP"]),
    body=st.binary(max_size=300),
)
def test_it_only_ever_refuses_random_bytes_with_one_of_its_reasons(prefix, body):
    # given arbitrary bytes, some starting with an accepted format's magic
    # when they are taken in / then the result is a clean picture or a stated refusal
    try:
        clean = reencode(prefix + body)
    except ImageRejectedError:
        return
    assert_neutralised(clean, prefix + body)
