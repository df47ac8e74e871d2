"""The Permissions-Policy header: every feature it lists denied, unless a view allows one for
the site's own origin. The pages that send it are walked in tests/test_security_headers.py."""

from __future__ import annotations

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from mesoclinic.clinics.permissions_policy import (
    HEADER,
    PermissionsPolicyMiddleware,
    allow_features,
    policy,
)


def test_it_denies_every_listed_feature_by_default():
    # when a view that allows nothing answers through the middleware
    middleware = PermissionsPolicyMiddleware(lambda request: HttpResponse("page"))
    response = middleware(RequestFactory().get("/"))
    # then the camera, the microphone and the location are denied to every origin
    assert response[HEADER] == "camera=(), microphone=(), geolocation=()"


def test_it_lets_a_decorated_view_use_the_camera_for_its_own_origin_only():
    # given a view that allows the camera
    @allow_features("camera")
    def view(request: HttpRequest) -> HttpResponse:
        return HttpResponse("page")

    # when it answers through the middleware
    response = PermissionsPolicyMiddleware(view)(RequestFactory().get("/"))
    # then the camera is allowed for the site itself, and nothing else is
    assert response[HEADER] == "camera=(self), microphone=(), geolocation=()"


def test_it_refuses_to_allow_a_feature_it_does_not_list():
    # when a view would allow a feature the policy does not name (a typo included)
    # then the mistake shows at import time, not as a silently broken page
    with pytest.raises(ValueError, match="cameras"):
        policy(("cameras",))
