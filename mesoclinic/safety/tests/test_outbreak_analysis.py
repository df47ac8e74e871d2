"""The attack-rate analysis on synthetic co-exposure outbreaks (bench/outbreaks.py): a
two-year registry of cocktails where one lidocaine lot was contaminated."""

from __future__ import annotations

import pytest

from bench.outbreaks import generate
from bench.signals_outbreak_bench import SCENARIOS
from mesoclinic.safety.signal_analysis import EXPLAINED, SIGNAL, detect_outbreaks


def test_it_raises_the_contaminated_lot_and_explains_the_lots_given_with_it():
    # given a registry where every lidocaine session also had one or two other lots
    registry = generate(seed=0, per_day=20, background=0.01)
    # when the practice is investigated
    found = detect_outbreaks(registry.events, registry.sessions, registry.as_of)
    # then the contaminated lot is the only signal, with case finding
    assert [(s.kind, s.key) for s in found.signals] == [("lot", registry.planted)]
    assert found.signals[0].exposed_patients > 0
    # and a cocktail lot with a crude excess is shown as explained by it, not raised
    explained = [r for r in found.rows if r.verdict == EXPLAINED and r.kind == "lot"]
    assert explained
    assert {r.explained_by for r in explained} == {registry.planted}
    # and no practitioner is a signal, though each gave the lot
    assert not [r for r in found.rows if r.kind == "practitioner" and r.verdict == SIGNAL]
    # while the sentinel rule alone would have raised many lots and every practitioner
    assert len(found.alerts) > 10
    assert {a.key for a in found.alerts if a.kind == "practitioner"} == {"ana", "ben", "cleo"}


def test_it_raises_nothing_without_a_contaminated_lot():
    # given the same practice with no contamination
    registry = generate(seed=1, per_day=20, background=0.01, attack=0.0)
    # when
    found = detect_outbreaks(registry.events, registry.sessions, registry.as_of)
    # then no signal, though the sentinel rule alerts
    assert found.signals == []
    assert found.alerts


def test_it_keeps_the_cases_sessions_and_figures_of_the_signal():
    # given
    registry = generate(seed=2, per_day=10, background=0.005)
    # when
    found = detect_outbreaks(registry.events, registry.sessions, registry.as_of)
    # then the signal's figures are its attack-rate row's
    signal = found.signals[0]
    row = signal.rates
    assert row.exposed_cases >= len(signal.case_patients)
    assert row.attack_rate > 5 * row.unexposed_rate
    assert row.ci is not None
    assert row.ci[0] > 1
    assert row.p_adjusted < 0.05


@pytest.mark.slow
def test_it_flags_the_planted_lot_and_nothing_else_in_95_of_200_seeds():
    # given 200 registries over several clinic sizes and background rates
    exact = 0
    for seed in range(200):
        per_day, background = SCENARIOS[seed % len(SCENARIOS)]
        registry = generate(seed, per_day, background)
        # when
        found = detect_outbreaks(registry.events, registry.sessions, registry.as_of)
        exact += [(s.kind, s.key) for s in found.signals] == [("lot", registry.planted)]
    # then the planted lot, and only it, in at least 95 % of them
    assert exact >= 190
