"""Every page carries the security headers (issue 10, S13): a Content-Security-Policy whose
scripts come from the site's own files only, ``Cache-Control: no-store`` (pages show patient
data, and a cached copy outlives the sign-out), nosniff, a referrer policy, frame denial, and
a Permissions-Policy that denies the camera, the microphone and the location (the photo
capture page alone may use the camera, for the site's own origin).

The walk opens every route of the demo practice (tests/route_walk.py, the walk the isolation,
bad-input and audit tests share), as its admin and its practitioner; answers of every status count (a refusal or an
error page is a page too). Static files alone may be cached.
"""

from __future__ import annotations

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from mesoclinic.clinics.models import Clinic, Membership
from mesoclinic.demo.services import load_demo
from tests.route_walk import NOT_IN_DEMO, record_ids, routes, urls
from tests.second_step import sign_in

pytestmark = pytest.mark.django_db


def _directives(policy: str) -> dict[str, list[str]]:
    found = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            found[words[0]] = words[1:]
    return found


def _features(policy: str) -> dict[str, str]:
    """A Permissions-Policy header as feature -> allow list ("camera=()" -> {"camera": "()"})."""
    found = {}
    for part in policy.split(","):
        name, _, allowed = part.strip().partition("=")
        if name:
            found[name] = allowed
    return found


# The one page that may use the camera (the live camera of clinical photos), for the site's
# own origin only.
CAMERA_PAGES = {"photos:capture"}


def header_problems(url: str, response) -> list[str]:
    """What the answer to ``url`` lacks of the headers every page must carry."""
    problems = []
    policy = _directives(response.get("Content-Security-Policy", ""))
    scripts = policy.get("script-src", policy.get("default-src"))
    if not scripts:
        problems.append(f"{url}: no CSP script-src")
    elif "'unsafe-inline'" in scripts or "'unsafe-eval'" in scripts or "*" in scripts:
        problems.append(f"{url}: CSP allows inline or foreign script: {scripts}")
    if policy.get("object-src") != ["'none'"] or policy.get("frame-ancestors") != ["'none'"]:
        problems.append(f"{url}: CSP lacks object-src/frame-ancestors 'none'")
    if "no-store" not in response.get("Cache-Control", ""):
        problems.append(f"{url}: Cache-Control {response.get('Cache-Control')!r}")
    if response.get("X-Content-Type-Options") != "nosniff":
        problems.append(f"{url}: no nosniff")
    if response.get("Referrer-Policy") != "same-origin":
        problems.append(f"{url}: Referrer-Policy {response.get('Referrer-Policy')!r}")
    if response.get("X-Frame-Options") != "DENY":
        problems.append(f"{url}: X-Frame-Options {response.get('X-Frame-Options')!r}")
    features = _features(response.get("Permissions-Policy", ""))
    # The request's own match (None for an address that matches no route), not the test
    # client's response.resolver_match, which resolves again and raises on a 404.
    match = response.wsgi_request.resolver_match
    camera = ["()", "(self)"] if match and match.view_name in CAMERA_PAGES else ["()"]
    if features.get("camera") not in camera or any(
        features.get(name) != "()" for name in ("microphone", "geolocation")
    ):
        problems.append(f"{url}: Permissions-Policy {response.get('Permissions-Policy')!r}")
    return problems


def test_it_sends_the_security_headers_on_every_page():
    # given the demo practice, its admin and practitioner signed in, and someone signed out
    load_demo(patients=12, hilltop_patients=3)
    riverside = Clinic.objects.get(slug="riverside")
    clients = []
    for username in ("ada", "alice"):
        client = Client()
        sign_in(client, Membership.objects.get(user__username=username, clinic=riverside).user)
        clients.append(client)
    ids = record_ids(riverside, per_kind=1)
    addresses = [
        url
        for route in routes()
        if route.name not in NOT_IN_DEMO
        for url in urls(route, riverside, ids)
    ]
    # when every page of the route walk is opened
    problems, pages = [], 0
    for url in addresses:
        for client in clients:
            response = client.get(url)
            pages += response.status_code == 200
            # then each answer carries every header
            problems.extend(header_problems(url, response))
    anonymous = Client()
    for url in (
        reverse("login"),
        reverse("today"),
        "/no-such-page/",
        "/c/00000000-0000-4000-8000-000000000000/",
    ):
        problems.extend(header_problems(url, anonymous.get(url)))
    assert pages > 40, "the walk opened too few pages to mean anything"
    assert problems == [], "\n".join(problems[:40])


def test_it_lets_static_files_be_cached_but_no_page():
    # given the site's stylesheet, a static file with no patient data in it
    assert finders.find("mesoclinic/app.css")
    # when it is fetched
    response = Client().get("/static/mesoclinic/app.css")
    # then it may be cached, unlike every page
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
