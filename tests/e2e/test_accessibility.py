"""Every page meets WCAG 2.1 A and AA as axe-core checks it, in Chromium, as each role sees it.

The walk is the route walk of the isolation and bad-input tests (tests/route_walk.py), so a new
page is checked without anyone listing it: for each role, every route that opens for that role
with the demo practice's records is loaded at desktop (1366×768) and tablet (820×1180) width
and run through axe-core (bundled by axe-playwright-python) with the wcag2a, wcag2aa, wcag21a
and wcag21aa tags, plus ``label-content-name-mismatch`` (WCAG 2.5.3), which axe ships as
experimental and would otherwise skip. The patient's check-in is checked at phone width.

Any violation fails. So does an ``aria-describedby`` that points at an id missing from the page
(axe files it under "needs review"; it is always a defect: the help text is never announced).
The other "needs review" results are listed as a warning in the test output: mostly text inside
the inline SVG charts, whose colours axe cannot resolve and which
mesoclinic/charts/tests/test_contrast.py checks instead.
"""

from __future__ import annotations

import collections
import warnings
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mesoclinic.aftercare.models import CheckIn
from mesoclinic.aftercare.tokens import issue_link
from mesoclinic.clinics.models import Clinic, Membership
from mesoclinic.demo.catalogue import DEMO_PASSWORD
from mesoclinic.demo.services import load_demo
from mesoclinic.safety.models import AdverseEvent
from tests.route_walk import NOT_IN_DEMO, record_ids, routes, urls

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": WCAG_21_AA},
    "rules": {"label-content-name-mismatch": {"enabled": True}},
}
DESKTOP, TABLET, PHONE = (1366, 768), (820, 1180), (390, 844)
ROLES = ("alice", "nina", "bob", "ada", "rita")  # practitioner, nurse, reception, admin, research
# Pages every role lands on, checked as each role (what each may do differs on them).
EVERY_ROLE = {"today", "patients:list", "patient_chart"}


def _defects(result: dict[str, Any], where: str) -> tuple[list[str], list[str]]:
    failures = [
        f"{where}: {v['id']} ({v['impact']}) {node['target']} — {node['failureSummary']}"
        for v in result["violations"]
        for node in v["nodes"]
    ]
    review = []
    for v in result["incomplete"]:
        for node in v["nodes"]:
            line = f"{where}: {v['id']} {node['target']} — {node['failureSummary']}"
            missing_id = "element ID does not exist" in (node.get("failureSummary") or "")
            (failures if missing_id else review).append(line)
    return failures, review


def _pages_for(member: Membership, clinic: Clinic, ids: list[Any], extra: list[str]) -> dict[str, str]:  # fmt: skip
    """One address per route that opens as an HTML page for ``member`` (asked in-process)."""
    client = Client()
    client.force_login(member.user)
    found: dict[str, str] = {}
    candidates = [("patient_chart", u) for u in extra]
    candidates += [(r.name, u) for r in routes() if r.name not in NOT_IN_DEMO for u in urls(r, clinic, ids)]  # fmt: skip
    for name, url in candidates:
        if name in found and not (name == "patient_chart" and url in extra):
            continue
        response = client.get(url)
        if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
            found[name if name not in found else f"{name} {url}"] = url
    return found


def _sign_in(page: Any, username: str) -> None:
    page.goto("/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Today").first.wait_for()


def test_it_finds_no_wcag_violation_on_any_page_as_any_role(page, phone_page):
    from axe_playwright_python.sync_playwright import Axe

    # given the demo practice, with patients who have adverse events on their chart
    load_demo(patients=12, hilltop_patients=3)
    riverside = Clinic.objects.get(slug="riverside")
    ids = record_ids(riverside, per_kind=1)
    charts = [
        reverse("patient_chart", args=[e.patient.public_id])
        for e in AdverseEvent.objects.filter(clinic=riverside).select_related("patient")[:2]
    ]
    axe = Axe()
    failures: list[str] = []
    review: list[str] = []
    checked: set[str] = set()
    for username in ROLES:
        member = Membership.objects.get(user__username=username, clinic=riverside)
        pages = _pages_for(member, riverside, ids, charts)
        page.context.clear_cookies()
        _sign_in(page, username)
        for name, url in pages.items():
            if name.split(" ")[0] in checked and name.split(" ")[0] not in EVERY_ROLE:
                continue
            checked.add(name.split(" ")[0])
            # when the page is opened in the browser at desktop and tablet width
            page.goto(url)
            for width, height in (DESKTOP, TABLET):
                page.set_viewport_size({"width": width, "height": height})
                result = axe.run(page, options=AXE_OPTIONS).response
                found, later = _defects(result, f"{username} {width}px {url}")
                failures += found
                review += later

    # and the patient's check-in, opened from the link on a phone
    now = timezone.now()
    check_in = CheckIn.objects.filter(
        clinic=riverside, window_start__lte=now, window_end__gt=now, answered_at__isnull=True
    ).first()
    assert check_in, "the demo practice has no check-in open today to walk"
    _link, token = issue_link(check_in, check_in.window_end)
    phone_page.goto(f"/c/{check_in.public_id}/{token}/")
    phone_page.get_by_role("heading", name="How are you since your treatment?").wait_for()
    result = axe.run(phone_page, options=AXE_OPTIONS).response
    found, later = _defects(result, f"patient {PHONE[0]}px check-in")
    failures += found
    review += later

    # then the walk reached the pages that matter, and no page has a violation
    assert {"today", "patient_chart", "treatments:detail", "consent:capture"} <= checked, checked
    assert len(checked) > 40, f"only {len(checked)} routes walked"
    if review:
        counts = collections.Counter(line.split(" — ")[0].split(": ")[1].split(" ")[0] for line in review)  # fmt: skip
        warnings.warn(
            f"axe: {len(review)} results need review ({dict(counts)}); e.g. {review[:3]}",
            stacklevel=1,
        )
    assert failures == [], f"{len(failures)} WCAG 2.1 AA violations:\n" + "\n".join(failures)
