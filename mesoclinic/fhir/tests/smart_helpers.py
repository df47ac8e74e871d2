"""A backend client with a real key pair, and its signed assertions, for the SMART tests."""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

from mesoclinic.clinics.models import Clinic, Membership
from mesoclinic.fhir.models import BackendClient

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
TOKEN_URL = "http://testserver/fhir/R4/auth/token"
# One key of each kind for the whole run: RSA generation takes a noticeable moment.
RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
EC_KEY = ec.generate_private_key(ec.SECP384R1())


def public_jwk(private_key: Any, kid: str) -> dict[str, Any]:
    if isinstance(private_key, rsa.RSAPrivateKey):
        jwk = json.loads(RSAAlgorithm.to_jwk(private_key.public_key()))
        jwk["alg"] = "RS384"
    else:
        jwk = json.loads(ECAlgorithm.to_jwk(private_key.public_key()))
        jwk["alg"] = "ES384"
    jwk["kid"] = kid
    return dict(jwk)


@dataclass
class SignedClient:
    client: BackendClient
    key: Any
    kid: str
    algorithm: str

    @property
    def client_id(self) -> str:
        return str(self.client.public_id)

    def assertion(self, *, audience: str = TOKEN_URL, **overrides: Any) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.client_id,
            "sub": self.client_id,
            "aud": audience,
            "exp": now + 240,
            "jti": uuid.uuid4().hex,
        }
        claims.update(overrides)
        claims = {k: v for k, v in claims.items() if v is not None}
        return jwt.encode(claims, self.key, algorithm=self.algorithm, headers={"kid": self.kid})

    def token_form(self, scope: str = "system/*.read", **overrides: Any) -> dict[str, str]:
        return {
            "grant_type": "client_credentials",
            "client_assertion_type": ASSERTION_TYPE,
            "client_assertion": self.assertion(**overrides),
            "scope": scope,
        }


def signed_client(
    clinic: Clinic,
    admin: Membership,
    *,
    role: str,
    scopes: str = "system/*.read",
    algorithm: str = "RS384",
    name: str = "",
) -> SignedClient:
    key = RSA_KEY if algorithm == "RS384" else EC_KEY
    kid = f"{algorithm.lower()}-{uuid.uuid4().hex[:8]}"
    client = BackendClient.objects.create(
        clinic=clinic,
        name=name or f"client-{uuid.uuid4().hex[:8]}",
        role=role,
        scopes=scopes,
        jwks={"keys": [public_jwk(key, kid)]},
        created_by=admin.user,
    )
    return SignedClient(client, key, kid, algorithm)
