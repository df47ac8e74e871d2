"""The per-substance totals: mg = mg/mL × mL, summed over every syringe."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from mesoclinic.treatments.dose_totals import Syringe, substance_totals, syringe_mg

SUBSTANCES = ["lidocaine", "procaine", "phosphatidylcholine", "deoxycholic_acid", "collagenase"]

volumes = st.decimals(min_value=Decimal("0.001"), max_value=Decimal(100), places=3)
concentrations = st.decimals(min_value=Decimal(0), max_value=Decimal(500), places=4)
syringes = st.builds(
    Syringe,
    volume_ml=volumes,
    ingredients=st.dictionaries(st.sampled_from(SUBSTANCES), concentrations, max_size=3).map(
        lambda d: tuple(d.items())
    ),
)


def test_it_totals_the_lipodissolve_example():
    # given 4 mL of PC 25 mg/mL + DC 21 mg/mL and 2 mL of lidocaine 10 mg/mL
    lines = [
        Syringe(
            Decimal(4), (("phosphatidylcholine", Decimal(25)), ("deoxycholic_acid", Decimal(21)))
        ),
        Syringe(Decimal(2), (("lidocaine", Decimal(10)),)),
        Syringe(Decimal(1), (("lidocaine", Decimal(10)),)),
    ]
    # when the totals are computed
    totals = substance_totals(lines)
    # then each substance is mg/mL × mL summed, sorted by code
    assert totals == {
        "deoxycholic_acid": Decimal(84),
        "lidocaine": Decimal(30),
        "phosphatidylcholine": Decimal(100),
    }
    assert list(totals) == sorted(totals)


def test_it_gives_no_totals_for_no_syringes():
    assert substance_totals([]) == {}


@given(st.lists(syringes, max_size=12))
def test_it_totals_equal_the_sum_of_syringe_contributions(lines):
    # given any syringes; when totalled; then each total is the sum of each syringe's mg
    totals = substance_totals(lines)
    for substance in SUBSTANCES:
        expected = sum((syringe_mg(s).get(substance, Decimal(0)) for s in lines), Decimal(0))
        assert totals.get(substance, Decimal(0)) == expected
    assert set(totals) == {name for s in lines for name, _ in s.ingredients}


@given(st.lists(syringes, max_size=12), st.randoms(use_true_random=False))
def test_it_does_not_depend_on_the_order_of_the_syringes(lines, rnd):
    # given the same syringes in another order
    shuffled = list(lines)
    rnd.shuffle(shuffled)
    # then the totals are identical
    assert substance_totals(shuffled) == substance_totals(lines)
