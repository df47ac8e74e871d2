"""The pseudonym key of de-identified exports, held outside the database.

Whoever has the key and an MRN can compute the patient's pseudonym, so the key must not
sit next to the data it protects (reference §2: a re-identification code is held
separately). It is read when an export runs, from ``MESOCLINIC_PSEUDONYM_KEY_FILE`` (a path;
it wins) or ``MESOCLINIC_PSEUDONYM_KEY``: at least 32 bytes written as 64 hex digits. Each
clinic's pseudonyms are keyed by HMAC(key, clinic public id), so two clinics of one
installation never give the same pseudonym to their own, unrelated, MRN ``P1``.
``docs/deidentified-export.md`` says how to create, keep and rotate it.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from uuid import UUID

KEY_ENV = "MESOCLINIC_PSEUDONYM_KEY"
KEY_FILE_ENV = "MESOCLINIC_PSEUDONYM_KEY_FILE"
MIN_KEY_BYTES = 32
GENERATE = "python -c 'import secrets; print(secrets.token_hex(32))'"
HOW_TO_CREATE = (
    f"Create a key once and keep it outside the database and its backups, e.g.\n"
    f"  umask 077; {GENERATE} > /etc/mesoclinic/pseudonym.key\n"
    f"  export {KEY_FILE_ENV}=/etc/mesoclinic/pseudonym.key\n"
    f"(or put the 64 hex digits in {KEY_ENV}). Keep it: the same key gives the same "
    "pseudonyms in every export; a lost key means new extracts no longer link to old ones. "
    "See docs/deidentified-export.md."
)


class PseudonymKeyError(Exception):
    """No usable pseudonym key is configured; the message says how to create one."""


def load_key(environ: dict[str, str] | None = None) -> bytes:
    """The installation's pseudonym key, or PseudonymKeyError saying how to set one up."""
    env = dict(os.environ) if environ is None else environ
    path = env.get(KEY_FILE_ENV, "")
    if path:
        try:
            with open(path, encoding="ascii") as handle:
                text, source = handle.read().strip(), f"the file {KEY_FILE_ENV} names"
        except (OSError, UnicodeDecodeError) as error:
            raise PseudonymKeyError(
                f"{KEY_FILE_ENV} names a file that cannot be read ({type(error).__name__}).\n"
                + HOW_TO_CREATE
            ) from error
    else:
        text, source = env.get(KEY_ENV, "").strip(), KEY_ENV
    if not text:
        raise PseudonymKeyError(
            "A de-identified export needs a pseudonym key, and none is set "
            f"({KEY_FILE_ENV} or {KEY_ENV}).\n" + HOW_TO_CREATE
        )
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) < MIN_KEY_BYTES:
        raise PseudonymKeyError(
            f"The pseudonym key in {source} must be at least {MIN_KEY_BYTES} bytes written as "
            f"{2 * MIN_KEY_BYTES} hex digits.\n" + HOW_TO_CREATE
        )
    return key


def clinic_key(key: bytes, clinic_public_id: UUID) -> bytes:
    """The key one clinic's pseudonyms and date shifts are computed with."""
    return hmac.new(key, f"clinic\x1f{clinic_public_id}".encode(), hashlib.sha256).digest()


def key_id(key: bytes) -> str:
    """A short fingerprint that tells which key made an extract, revealing nothing of it."""
    return hmac.new(key, b"key-id", hashlib.sha256).hexdigest()[:12]
