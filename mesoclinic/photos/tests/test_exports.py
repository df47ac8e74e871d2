"""Photos never leave in a registry bundle, identified or de-identified."""

from __future__ import annotations

import pytest

from mesoclinic.photos.models import ClinicalPhoto
from mesoclinic.registry.pseudonym_key import KEY_ENV, KEY_FILE_ENV
from mesoclinic.registry.tests.helpers import run_export

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("flags", [(), ("--deidentified",)])
def test_it_leaves_photos_out_of_registry_bundles(
    nina, photo_consent, visit, take, tmp_path, monkeypatch, flags
):
    # given a stored photo of the patient
    monkeypatch.delenv(KEY_FILE_ENV, raising=False)
    monkeypatch.setenv(KEY_ENV, "11" * 32)
    take(nina, visit, "submental_frontal")
    photo = ClinicalPhoto.objects.get()
    with photo.image.open("rb") as handle:
        pixels = handle.read()
    # when the clinic's registry bundle is exported
    out = tmp_path / "bundle"
    run_export(out, "riverside", *flags)
    # then no file of it is a picture, names a photo, or holds the photo's bytes
    files = [p for p in out.rglob("*") if p.is_file()]
    assert files
    for path in files:
        data = path.read_bytes()
        assert path.suffix.lower() not in {".jpg", ".jpeg", ".png", ".webp"}
        assert str(photo.public_id).encode() not in data
        assert photo.image.name.encode() not in data
        assert pixels[200:264] not in data
