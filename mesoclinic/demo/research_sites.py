"""Three synthetic practices' de-identified bundles, held by Riverside as research sites, so
that the demo's pooled evidence report (issue 16) has sites to pool. Their per-session effects
are drawn around one mean with a between-site spread (``pooled_synthetic``): synthetic
parameters, not clinical claims, and named as synthetic on the page."""

from __future__ import annotations

import numpy as np

from mesoclinic.clinics.models import Clinic, Membership
from mesoclinic.clinics.roles import Perm
from mesoclinic.evidence.models import SiteBundle
from mesoclinic.evidence.pooled_synthetic import SitesConfig, bundle_zip, generate_sites
from mesoclinic.evidence.sites import add_site

NAMES = ("Lyon (synthetic)", "Milano (synthetic)", "Sevilla (synthetic)")


def add_research_sites(clinic: Clinic, seed: int) -> int:
    """Add the three sites through the same path as an upload (validated, audited)."""
    member = next(m for m in Membership.objects.filter(clinic=clinic, is_active=True).select_related("user", "clinic") if m.has(Perm.EXPORT_DEIDENTIFIED))  # fmt: skip
    # Each site charges its own price per session (synthetic, in euros) and records the volume
    # injected, so that the pooled page shows costs and a dose-response (issue 16 part 3).
    config = SitesConfig(sites=len(NAMES), tau_cm=0.25, patients_low=50, patients_high=80, session_prices=(140.0, 120.0, 160.0), currencies=("EUR",), dose_ml=4.0, dose_slope_cm_per_ml=-0.08, dieter_extra_ml=0.5)  # fmt: skip
    planted = generate_sites(config, np.random.default_rng(seed))
    for name, bundle in zip(NAMES, planted.bundles, strict=True):
        add_site(None, member, name, bundle_zip(bundle))
    return len(NAMES)


def remove_research_site_files(clinics: list[Clinic]) -> None:
    """The sites' files go with the demo (their rows go with the clinic's other rows)."""
    for bundle in SiteBundle.objects.filter(clinic__in=clinics):
        bundle.path.unlink(missing_ok=True)
