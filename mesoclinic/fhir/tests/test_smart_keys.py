"""Which JWK Sets an admin may register: public keys only, strong enough, for RS384/ES384."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

from mesoclinic.fhir.smart.keys import KeySetError, check_key_set
from mesoclinic.fhir.tests.smart_helpers import EC_KEY, RSA_KEY, public_jwk


def _with(**changes: Any) -> dict[str, Any]:
    return {"keys": [{**public_jwk(RSA_KEY, "k1"), **changes}]}


def test_it_accepts_public_rsa_and_p384_keys() -> None:
    keys = {"keys": [public_jwk(RSA_KEY, "r"), public_jwk(EC_KEY, "e")]}
    assert check_key_set(json.dumps(keys)) == keys


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("{not json", "not JSON"),
        ({"keys": []}, "no key"),
        ([], "JSON object"),
        ({"keys": [json.loads(RSAAlgorithm.to_jwk(RSA_KEY)) | {"kid": "p"}]}, "private parts"),
        ({"keys": [json.loads(ECAlgorithm.to_jwk(EC_KEY)) | {"kid": "p"}]}, "private parts"),
        ({"keys": [{"kty": "oct", "k": "c2VjcmV0", "kid": "s"}]}, "private parts"),
        (
            {
                "keys": [
                    json.loads(
                        RSAAlgorithm.to_jwk(
                            rsa.generate_private_key(
                                public_exponent=65537, key_size=1024
                            ).public_key()
                        )
                    )
                    | {"kid": "small"}
                ]
            },
            "2048",
        ),  # fmt: skip
        (
            {
                "keys": [
                    json.loads(
                        ECAlgorithm.to_jwk(ec.generate_private_key(ec.SECP256R1()).public_key())
                    )
                    | {"kid": "p256"}
                ]
            },
            "P-384",
        ),  # fmt: skip
        (_with(kid=None), "kid"),
        ({"keys": [public_jwk(RSA_KEY, "same"), public_jwk(EC_KEY, "same")]}, "Two keys"),
        (_with(alg="RS256"), "does not fit"),
        (_with(n="not-base64!"), "cannot be read"),
    ],
)
def test_it_refuses_a_key_set_that_cannot_be_registered(value: Any, reason: str) -> None:
    with pytest.raises(KeySetError, match=reason):
        check_key_set(value if isinstance(value, str) else json.dumps(value))
