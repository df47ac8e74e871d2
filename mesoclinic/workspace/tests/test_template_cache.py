"""Templates are compiled once per process, not on every request (issue 11: chart CPU)."""

from __future__ import annotations

from django.template import engines
from django.template.loaders.cached import Loader as CachedLoader


def test_it_compiles_each_template_once_per_process() -> None:
    # given the project's template engine, as the settings configure it
    engine = engines["django"].engine  # type: ignore[attr-defined]
    # when its loaders are listed, then every template is found through the cached loader
    assert [type(loader) for loader in engine.template_loaders] == [CachedLoader]
