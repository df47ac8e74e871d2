"""The pseudonym key: read from a file or the environment, refused when unusable, and
keyed per clinic so two clinics' own MRN "P1" never share a pseudonym."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from mesoclinic.registry.deidentify import pseudonym
from mesoclinic.registry.pseudonym_key import (
    KEY_ENV,
    KEY_FILE_ENV,
    PseudonymKeyError,
    clinic_key,
    key_id,
    load_key,
)

KEY = "0f" * 32


def test_it_prefers_the_key_file_to_the_variable(tmp_path: Path) -> None:
    # given a key file and another key in the variable
    path = tmp_path / "key"
    path.write_text(f"  {KEY}\n")
    # when / then
    assert load_key({KEY_FILE_ENV: str(path), KEY_ENV: "aa" * 32}) == bytes.fromhex(KEY)
    assert load_key({KEY_ENV: KEY}) == bytes.fromhex(KEY)


@pytest.mark.parametrize(
    ("environ", "says"),
    [
        ({}, "none is set"),
        ({KEY_ENV: ""}, "none is set"),
        ({KEY_ENV: "not hex at all"}, "64 hex digits"),
        ({KEY_ENV: "ab" * 31}, "at least 32 bytes"),
        ({KEY_FILE_ENV: "/nonexistent/mesoclinic.key"}, "cannot be read"),
    ],
)
def test_it_refuses_a_missing_or_unusable_key_with_how_to_make_one(
    environ: dict[str, str], says: str
) -> None:
    # given an environment without a usable key / when / then
    with pytest.raises(PseudonymKeyError) as refused:
        load_key(environ)
    assert says in str(refused.value)
    assert "secrets.token_hex(32)" in str(refused.value)


def test_it_gives_each_clinic_its_own_pseudonyms_and_hides_the_key_in_its_id() -> None:
    # given one installation key and two clinics
    key = bytes.fromhex(KEY)
    riverside, hilltop = uuid.uuid4(), uuid.uuid4()
    # when each clinic's patient "P1" is pseudonymised
    here = pseudonym(clinic_key(key, riverside), "P-", "P1")
    there = pseudonym(clinic_key(key, hilltop), "P-", "P1")
    # then they differ, the same clinic gives the same again, and the key id is not the key
    assert here != there
    assert here == pseudonym(clinic_key(key, riverside), "P-", "P1")
    assert KEY[:12] not in key_id(key)
    assert len(key_id(key)) == 12
