"""The SMART Backend Services endpoints: ``POST auth/token`` (client-credentials grant with a
signed JWT assertion) and the discovery document ``.well-known/smart-configuration``.

Errors follow RFC 6749 §5.2: a JSON object with ``error`` and ``error_description``, 401 for
``invalid_client``, 400 for the rest, with ``Cache-Control: no-store`` as §5.1 asks."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from mesoclinic.fhir.models import BackendClient
from mesoclinic.fhir.smart import services
from mesoclinic.fhir.smart.assertion import ASSERTION_TYPE, InvalidClient, verify
from mesoclinic.fhir.smart.keys import ALGORITHMS
from mesoclinic.fhir.smart.rate import check_client_rate

SCOPES_SUPPORTED = ("system/*.read", "system/*.rs")


def token_url(request: HttpRequest) -> str:
    """The token endpoint's absolute URL: the ``aud`` a client's assertion must carry."""
    return request.build_absolute_uri(reverse("fhir_smart:token"))


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    response["Pragma"] = "no-cache"
    return response


def _oauth_error(
    request: HttpRequest, error: str, message: str, client: BackendClient | None = None
) -> HttpResponse:
    services.refuse(request, client, error, message)
    status = 401 if error == "invalid_client" else 400
    return _no_store(JsonResponse({"error": error, "error_description": message}, status=status))


@csrf_exempt  # a server-to-server OAuth endpoint: no cookie, no session, nothing to forge
def token(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        response = JsonResponse(
            {"error": "invalid_request", "error_description": "Use POST."}, status=405
        )
        response["Allow"] = "POST"
        return _no_store(response)
    data = request.POST
    if data.get("grant_type") != "client_credentials":
        return _oauth_error(
            request, "unsupported_grant_type", "grant_type must be client_credentials."
        )
    if data.get("client_assertion_type") != ASSERTION_TYPE:
        return _oauth_error(
            request, "invalid_request", f"client_assertion_type must be {ASSERTION_TYPE}."
        )
    assertion = data.get("client_assertion", "")
    if not assertion:
        return _oauth_error(request, "invalid_request", "client_assertion is missing.")
    if not data.get("scope", "").strip():
        return _oauth_error(request, "invalid_scope", "scope is missing.")
    try:
        client = verify(assertion, token_url(request), timezone.now())
    except InvalidClient as exc:
        return _oauth_error(request, "invalid_client", exc.message, exc.client)
    limited = check_client_rate(client)
    if limited is not None:
        return limited
    try:
        access_token, scopes = services.issue_token(request, client, data["scope"])
    except services.ScopeError as exc:
        return _oauth_error(request, "invalid_scope", str(exc), client)
    return _no_store(
        JsonResponse(
            {
                "access_token": access_token,
                "token_type": "bearer",
                "expires_in": services.TOKEN_LIFETIME_S,
                "scope": scopes,
            }
        )
    )


@require_GET
def smart_configuration(request: HttpRequest) -> HttpResponse:
    """What a backend client needs to know to get a token (SMART App Launch 2.x §2.2.1)."""
    return JsonResponse(
        {
            "token_endpoint": token_url(request),
            "grant_types_supported": ["client_credentials"],
            "token_endpoint_auth_methods_supported": ["private_key_jwt"],
            "token_endpoint_auth_signing_alg_values_supported": list(ALGORITHMS),
            "scopes_supported": list(SCOPES_SUPPORTED),
            "capabilities": ["client-confidential-asymmetric"],
        }
    )
