"""Seeded multi-site synthetic registries with planted per-site effects and heterogeneity, to
validate the pooled report (issue 16, part 3).

Each site is one ``synthetic.generate`` bundle (the single-site mechanism: dieters, weight
confounding, dropout, control sites) whose planted per-session effect is the site's own,
θ_site ~ N(μ, τ²): the random-site-effect model the pooled report assumes. Sizes vary between
sites as practices do. Every number is a synthetic parameter, not a clinical claim.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, replace

import numpy as np

from mesoclinic.evidence.figures import Tables
from mesoclinic.evidence.synthetic import Arm, SyntheticBundle, SyntheticConfig, generate


@dataclass(frozen=True)
class SitesConfig:
    sites: int = 8
    mean_effect_cm: float = -0.5
    tau_cm: float = 0.15
    patients_low: int = 60
    patients_high: int = 160
    # Prices and doses (synthetic.SyntheticConfig's; None = none recorded): each site may
    # charge its own price in its own currency (``currencies`` cycled over the sites).
    session_prices: tuple[float, ...] | None = None
    currencies: tuple[str, ...] = ("EUR",)
    dose_ml: float | None = None
    dose_slope_cm_per_ml: float = 0.0
    dieter_extra_ml: float = 0.0


@dataclass(frozen=True)
class PlantedSites:
    sites: list[tuple[str, Tables]]
    effects: np.ndarray
    config: SitesConfig
    bundles: list[SyntheticBundle]


def bundle_zip(bundle: SyntheticBundle) -> bytes:
    """The bundle as the .zip of registry CSV files a practice's export would be."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, rows in bundle.rows().items():
            text = io.StringIO()
            columns = list(getattr(bundle, name).columns)
            writer = csv.DictWriter(text, fieldnames=columns, lineterminator="\n")
            writer.writeheader()
            # Booleans as the bundle format writes them (true/false), not Python's True/False.
            writer.writerows({k: (str(v).lower() if isinstance(v, bool | np.bool_) else v) for k, v in row.items()} for row in rows)  # fmt: skip
            archive.writestr(f"{name}.csv", text.getvalue())
    return out.getvalue()


def generate_sites(config: SitesConfig, rng: np.random.Generator) -> PlantedSites:
    """``config.sites`` bundles, each with its own planted per-session effect."""
    effects = rng.normal(config.mean_effect_cm, config.tau_cm, config.sites)
    sites = []
    bundles = []
    base = SyntheticConfig()
    for i, effect in enumerate(effects, start=1):
        site_config = replace(
            base,
            n_patients=int(rng.integers(config.patients_low, config.patients_high + 1)),
            arms=(Arm("localized_fat", "flank", "synthetic PC/DC", float(effect), 0.2, 1.0),),
            session_price=config.session_prices[(i - 1) % len(config.session_prices)]
            if config.session_prices
            else None,  # fmt: skip
            currency=config.currencies[(i - 1) % len(config.currencies)],
            dose_ml=config.dose_ml,
            dose_slope_cm_per_ml=config.dose_slope_cm_per_ml,
            dieter_extra_ml=config.dieter_extra_ml,
        )
        bundle = generate(site_config, rng)
        bundles.append(bundle)
        sites.append((f"site-{i:03d}", Tables(**bundle.tables())))
    return PlantedSites(sites=sites, effects=effects, config=config, bundles=bundles)
