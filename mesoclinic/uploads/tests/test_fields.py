"""The picture form field and the staff download response, apart from any app."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.datastructures import MultiValueDict

from mesoclinic.uploads.fields import CleanImageFile, ImageUploadField
from mesoclinic.uploads.serving import private_image_response

from .corpus import HTML, jpeg_bytes, png_bytes


class PhotoForm(forms.Form):
    note = forms.CharField(required=False)
    photo = ImageUploadField(required=False, max_bytes=4096, max_pixels=10_000)


def submit(name: str, data: bytes, note: str = "kept") -> PhotoForm:
    upload = SimpleUploadedFile(name, data, content_type="image/png")
    return PhotoForm({"note": note}, MultiValueDict({"photo": [upload]}))


def test_it_cleans_to_a_fresh_file_named_by_a_uuid():
    # given a PNG sent under a traversal name with a NUL in it
    form = submit("../../x\x00.html", png_bytes())
    # when the form is cleaned
    assert form.is_valid(), form.errors
    clean = form.cleaned_data["photo"]
    # then the file is the re-encoded picture under a generated name
    assert isinstance(clean, CleanImageFile)
    assert re.fullmatch(r"[0-9a-f]{32}\.png", clean.name or "")
    assert clean.content_type == "image/png"
    assert clean.read().startswith(b"\x89PNG")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (HTML, "This file is not a JPEG, PNG or WebP image."),
        (png_bytes((200, 100)), "This image is too large (0.02 megapixels; the limit is 0.01)."),
        (jpeg_bytes()[:200], "This image is damaged and cannot be read."),
        (png_bytes() + b"\0" * 5000, "This file is larger than 0.00390625 MB"),
    ],
    ids=["not-an-image", "too-many-pixels", "damaged", "too-many-bytes"],
)
def test_it_names_the_reason_and_keeps_the_rest_of_the_form(data, message):
    # when a file that cannot be kept is sent with a note
    form = submit("me.png", data, note="my note")
    # then only the photo has an error, with its reason, and the note is still there
    assert not form.is_valid()
    assert list(form.errors) == ["photo"]
    assert message in form.errors["photo"][0]
    assert form.cleaned_data["note"] == "my note"


def test_it_reads_no_more_than_the_limit_whatever_size_the_upload_claims():
    # given an upload that says it is small but is not
    upload = SimpleUploadedFile("me.png", png_bytes() + b"\0" * 5000, content_type="image/png")
    upload.size = 10
    # when it is cleaned / then it is refused for its real size
    form = PhotoForm({}, MultiValueDict({"photo": [upload]}))
    assert not form.is_valid()
    assert "larger than" in form.errors["photo"][0]


def test_it_cleans_to_none_when_no_photo_is_sent():
    form = PhotoForm({"note": "x"}, MultiValueDict())
    assert form.is_valid()
    assert form.cleaned_data["photo"] is None


def test_it_serves_a_picture_as_an_attachment_no_browser_runs_or_keeps():
    # when a stored picture is served
    response = private_image_response(b"...", content_type="image/png", filename="p-1.png")
    # then it is a typed, unsniffable, sandboxed, uncached download
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'attachment; filename="p-1.png"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == (
        "default-src 'none'; object-src 'none'; frame-ancestors 'none'; sandbox"
    )
    assert "no-store" in response["Cache-Control"]


def test_it_serves_an_unexpected_type_as_opaque_bytes():
    response = private_image_response(b"<html>", content_type="text/html", filename="p.png")
    assert response["Content-Type"] == "application/octet-stream"
