"""A client's public keys (a JWK Set): checked when an admin registers them, and looked up by
``kid`` when the client's signed assertion arrives.

Only public keys are accepted: a pasted key with private parts (``d``, the RSA primes) means the
private key has left the client's system, so it is refused and the admin is told to make a new
one. RSA keys must be at least 2048 bits (NIST SP 800-57 part 1: 112-bit security) for RS384;
EC keys must be on P-384 for ES384 (RFC 7518 §3.4 pairs ES384 with P-384)."""

from __future__ import annotations

import json
from typing import Any

from django.utils.translation import gettext as _
from jwt import PyJWK
from jwt.exceptions import PyJWKError, PyJWTError

ALGORITHMS = ("RS384", "ES384")
MIN_RSA_BITS = 2048
MAX_KEYS = 10
# Members that only a private (or symmetric) JWK has: RFC 7518 §6.2.2, §6.3.2, §6.4.1.
PRIVATE_MEMBERS = frozenset({"d", "p", "q", "dp", "dq", "qi", "oth", "k"})


class KeySetError(ValueError):
    """The JWK Set cannot be registered; the message says why."""


def _algorithm(key: dict[str, Any]) -> str:
    kty = key.get("kty")
    if kty == "RSA":
        return "RS384"
    if kty == "EC":
        if key.get("crv") != "P-384":
            raise KeySetError(_("An EC key must be on the P-384 curve (ES384)."))
        return "ES384"
    raise KeySetError(
        _("Key type %(type)s is not accepted: use RSA (RS384) or EC P-384 (ES384).")
        % {"type": repr(kty)}
    )


def check_key_set(text_or_value: str | dict[str, Any]) -> dict[str, Any]:
    """The JWK Set as a dict, if every key is a usable public key with a unique ``kid``."""
    if isinstance(text_or_value, str):
        try:
            value = json.loads(text_or_value)
        except json.JSONDecodeError as exc:
            raise KeySetError(
                _("This is not JSON (%(error)s, line %(line)s).")
                % {"error": exc.msg, "line": exc.lineno}
            ) from exc
    else:
        value = text_or_value
    if not isinstance(value, dict) or not isinstance(value.get("keys"), list):
        raise KeySetError(_('A JWK Set is a JSON object with a "keys" list.'))
    keys = value["keys"]
    if not keys:
        raise KeySetError(_("The JWK Set has no key."))
    if len(keys) > MAX_KEYS:
        raise KeySetError(_("At most %(count)s keys.") % {"count": MAX_KEYS})
    kids: set[str] = set()
    public: list[dict[str, Any]] = []
    for key in keys:
        if not isinstance(key, dict):
            raise KeySetError(_("Every key must be a JSON object (a JWK)."))
        if PRIVATE_MEMBERS & key.keys():
            raise KeySetError(
                _(
                    "A key has private parts: paste only the public key, and make a new key "
                    "pair, because this private key is no longer secret."
                )
            )
        kid = key.get("kid")
        if not isinstance(kid, str) or not kid:
            raise KeySetError(
                _('Every key needs a "kid" (the id the client puts in its JWT header).')
            )
        if kid in kids:
            raise KeySetError(_("Two keys have the kid %(kid)s.") % {"kid": repr(kid)})
        kids.add(kid)
        algorithm = _algorithm(key)
        if key.get("alg") not in (None, algorithm):
            raise KeySetError(
                _("Key %(kid)s: alg %(alg)s does not fit; use %(algorithm)s.")
                % {"kid": repr(kid), "alg": repr(key.get("alg")), "algorithm": algorithm}
            )
        try:
            parsed = PyJWK(key, algorithm=algorithm)
        except (PyJWKError, PyJWTError, ValueError, TypeError) as exc:
            raise KeySetError(
                _("Key %(kid)s cannot be read as a public key.") % {"kid": repr(kid)}
            ) from exc
        size = getattr(parsed.key, "key_size", 0)
        if algorithm == "RS384" and size < MIN_RSA_BITS:
            raise KeySetError(
                _("Key %(kid)s: RSA keys must be at least %(bits)s bits.")
                % {"kid": repr(kid), "bits": MIN_RSA_BITS}
            )
        public.append(key)
    return {"keys": public}


def key_for(jwks: dict[str, Any], kid: str, algorithm: str) -> PyJWK | None:
    """The client's key with ``kid`` for ``algorithm``, or None (unknown kid, other key type)."""
    for key in jwks.get("keys", []):
        if isinstance(key, dict) and key.get("kid") == kid:
            try:
                if _algorithm(key) != algorithm:
                    return None
                return PyJWK(key, algorithm=algorithm)
            except (KeySetError, PyJWKError, PyJWTError, ValueError, TypeError):
                return None
    return None
