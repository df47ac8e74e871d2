"""A research hub's sites: adding, removing and reading the bundles it pools (issue 16).

A bundle is validated by the registry reader before anything is kept (every error as
``file:line:column``), stored as its .zip under its SHA-256, and read back as one site's
``Tables`` for the pooled report. The pooled report is cached under the set of bundles'
hashes and the question asked, so a page shown twice is computed once, and any upload or
removal gives a new key.
"""

from __future__ import annotations

import hashlib
import tempfile
from functools import partial
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from mesoclinic.audit.choices import Action
from mesoclinic.audit.services import record
from mesoclinic.clinics.models import Membership
from mesoclinic.evidence.models import SiteBundle
from mesoclinic.evidence.pooled_report import Site, pooled_report
from mesoclinic.evidence.site_reader import read_site
from mesoclinic.registry.bundle_reader import read_bundle

MAX_ERRORS_SHOWN = 20
CACHE_SECONDS = 24 * 3600


class BundleRejectedError(Exception):
    """The upload is not a valid registry bundle; ``errors`` says why, one line each."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


def add_site(request: HttpRequest | None, membership: Membership, site: str, data: bytes) -> SiteBundle:  # fmt: skip
    """Validate ``data`` (a bundle .zip) and keep it as the site ``site`` of the hub."""
    if len(data) > settings.RESEARCH_BUNDLE_MAX_BYTES:
        raise BundleRejectedError([_("The file is larger than this server accepts (%(mb)s MB).") % {"mb": settings.RESEARCH_BUNDLE_MAX_BYTES // (1024 * 1024)}])  # fmt: skip
    if SiteBundle.objects.filter(clinic=membership.clinic, site=site).exists():
        raise BundleRejectedError([_("A site of that name is already held; remove it first or choose another name.")])  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        upload = Path(folder) / "bundle.zip"
        upload.write_bytes(data)
        result = read_bundle(upload, today=membership.clinic.today())
    if not result.ok:
        shown = [str(e) for e in result.errors[:MAX_ERRORS_SHOWN]]
        if len(result.errors) > MAX_ERRORS_SHOWN:
            shown.append(_("…and %(n)s more errors.") % {"n": len(result.errors) - MAX_ERRORS_SHOWN})  # fmt: skip
        raise BundleRejectedError(shown)
    counts = {name: len(rows) for name, rows in result.bundle.rows.items()}
    bundle = SiteBundle(
        clinic=membership.clinic, site=site, sha256=hashlib.sha256(data).hexdigest(),
        size_bytes=len(data), patients=counts.get("patients", 0), sessions=counts.get("sessions", 0),
        measurements=counts.get("measurements", 0), adverse_events=counts.get("adverse_events", 0),
        uploaded_by=membership.user,
    )  # fmt: skip
    try:
        with transaction.atomic():
            bundle.save()
            bundle.path.parent.mkdir(parents=True, exist_ok=True)
            bundle.path.write_bytes(data)
            record(request, Action.IMPORT, clinic=membership.clinic, detail=f"research site {bundle.public_id}: {bundle.patients} patients")  # fmt: skip
    except BaseException:
        # The row was rolled back: the file it named must not stay behind.
        bundle.path.unlink(missing_ok=True)
        raise
    return bundle


def remove_site(request: HttpRequest | None, membership: Membership, bundle: SiteBundle) -> None:
    """Stop pooling a site: its row and its file go; the audit trail keeps that it was held."""
    path = bundle.path
    with transaction.atomic():
        record(request, Action.UPDATE, clinic=membership.clinic, detail=f"research site {bundle.public_id} removed")  # fmt: skip
        bundle.delete()
        transaction.on_commit(lambda: path.unlink(missing_ok=True))


def pooled(bundles: list[SiteBundle], *, indication: str, area: str | None, outcome: str) -> dict[str, Any]:  # fmt: skip
    """The pooled report over ``bundles`` (cached under their hashes and the question)."""
    key = "pooled:" + hashlib.sha256(repr((sorted((b.site, b.sha256) for b in bundles), indication, area, outcome)).encode()).hexdigest()  # fmt: skip
    found = cache.get(key)
    if found is None:
        # Each read when the report reaches it (streamed), by the column reader: the bundle
        # passed the registry reader's every check when it was uploaded.
        sites: list[Site] = [(b.site, partial(read_site, b.path)) for b in bundles]
        found = pooled_report(sites, indication=indication, area=area, outcome=outcome)
        cache.set(key, found, CACHE_SECONDS)
    return dict(found)
