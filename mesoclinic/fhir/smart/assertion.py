"""Checking a client's signed JWT assertion (RFC 7523 §3 as profiled by SMART App Launch 2.x
Backend Services): who signed it, for whom, until when, and only once.

The signature is checked by PyJWT against the client's registered public key; nothing here
parses JWS by hand. The order matters: the unverified claims only say which client's keys to
try, and nothing in them is believed until the signature is good."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import jwt
from django.db import IntegrityError, transaction

from mesoclinic.fhir.models import BackendClient, UsedAssertion
from mesoclinic.fhir.smart.keys import ALGORITHMS, key_for

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
# SMART: "exp … no more than five minutes in the future".
MAX_LIFETIME_S = 300
# Clocks of two servers differ a little; a few seconds of tolerance, not minutes.
CLOCK_SKEW_S = 30


class InvalidClient(Exception):
    """The assertion does not authenticate a client (RFC 6749 ``invalid_client``). The message
    is safe to send back: it says what is wrong, never which keys exist."""

    def __init__(self, message: str, client: BackendClient | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.client = client


def _claimed_client(claims: dict[str, Any]) -> BackendClient:
    issuer = claims.get("iss")
    try:
        public_id = uuid.UUID(str(issuer))
    except ValueError:
        raise InvalidClient("iss must be the client id the clinic was given.") from None
    client = BackendClient.objects.select_related("clinic").filter(public_id=public_id).first()
    if client is None:
        raise InvalidClient("No client is registered with this id.")
    if not client.is_active or client.revoked_at is not None:
        raise InvalidClient("This client has been revoked.", client)
    return client


def verify(assertion: str, audience: str, now: dt.datetime) -> BackendClient:
    """The client that signed ``assertion`` for ``audience`` (the token endpoint's URL), after
    recording its ``jti`` as used; InvalidClient otherwise."""
    try:
        header = jwt.get_unverified_header(assertion)
        unverified = jwt.decode(assertion, options={"verify_signature": False})
    except jwt.PyJWTError:
        raise InvalidClient("client_assertion is not a signed JWT.") from None
    algorithm = header.get("alg")
    if algorithm not in ALGORITHMS:
        raise InvalidClient(f"The assertion must be signed with {' or '.join(ALGORITHMS)}.")
    client = _claimed_client(unverified)
    kid = header.get("kid")
    key = key_for(client.jwks, kid, algorithm) if isinstance(kid, str) else None
    if key is None:
        raise InvalidClient(f"No registered {algorithm} key has the kid in the JWT header.", client)
    try:
        claims = jwt.decode(
            assertion,
            key,
            algorithms=[algorithm],
            audience=audience,
            issuer=str(client.public_id),
            leeway=CLOCK_SKEW_S,
            options={"require": ["iss", "sub", "aud", "exp", "jti"]},
        )
    except jwt.InvalidAudienceError:
        raise InvalidClient(f"aud must be the token endpoint URL, {audience}.", client) from None
    except jwt.ExpiredSignatureError:
        raise InvalidClient("The assertion has expired.", client) from None
    except jwt.MissingRequiredClaimError as exc:
        raise InvalidClient(f"The assertion has no {exc.claim} claim.", client) from None
    except jwt.PyJWTError:
        raise InvalidClient("The assertion's signature or claims are not valid.", client) from None
    if claims["sub"] != claims["iss"]:
        raise InvalidClient("sub must equal iss (the client id).", client)
    expires = dt.datetime.fromtimestamp(int(claims["exp"]), tz=dt.UTC)
    if expires > now + dt.timedelta(seconds=MAX_LIFETIME_S + CLOCK_SKEW_S):
        raise InvalidClient("exp must be at most five minutes ahead.", client)
    jti = claims["jti"]
    if not isinstance(jti, str) or not jti or len(jti) > 255:
        raise InvalidClient("jti must be a string of at most 255 characters.", client)
    try:
        with transaction.atomic():
            UsedAssertion.objects.create(client=client, jti=jti, expires_at=expires)
    except IntegrityError:
        raise InvalidClient("This assertion (its jti) has already been used.", client) from None
    return client
