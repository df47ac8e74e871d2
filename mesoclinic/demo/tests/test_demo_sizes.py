"""The demo at its smallest sizes: it loads, or refuses a count too small with a clear message."""

from __future__ import annotations

from typing import Any

import pytest

from mesoclinic.clinics.models import Clinic
from mesoclinic.demo.catalogue import INDICATION_WEIGHTS
from mesoclinic.demo.generator import MIN_PATIENTS
from mesoclinic.demo.services import DemoError, load_demo
from mesoclinic.patients.models import Patient
from mesoclinic.safety.models import AdverseEvent
from mesoclinic.treatments.models import TreatmentSession

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("riverside", "hilltop"), [(MIN_PATIENTS, 1), (10, 2), (11, 10)])
def test_it_loads_the_smallest_practices(riverside: int, hilltop: int) -> None:
    # given / when the demo is loaded with as few patients as it allows
    result = load_demo(patients=riverside, hilltop_patients=hilltop)
    # then it was built with exactly those patients in each clinic
    assert result.created
    counts = {c.slug: Patient.objects.filter(clinic=c).count() for c in Clinic.objects.all()}
    assert counts == {"riverside": riverside, "hilltop": hilltop}
    # and Riverside still holds every indication and its planted safety cases
    at_riverside = TreatmentSession.objects.filter(clinic__slug="riverside")
    assert set(at_riverside.values_list("indication", flat=True)) == set(INDICATION_WEIGHTS)
    events = AdverseEvent.objects.filter(clinic__slug="riverside")
    assert {"ulceration", "nerve_injury"} <= set(events.values_list("event_type", flat=True))
    assert events.filter(event_type="nodule", lot__isnull=False).count() >= 2


@pytest.mark.parametrize(("riverside", "hilltop"), [(1, 1), (2, 5), (MIN_PATIENTS - 1, 5), (20, 0)])
def test_it_refuses_too_few_patients_with_the_minimum(
    riverside: int, hilltop: int, db: Any
) -> None:
    # when the demo is asked for fewer patients than it needs
    with pytest.raises(DemoError, match=f"at least {MIN_PATIENTS} \\(Riverside\\) and 1"):
        load_demo(patients=riverside, hilltop_patients=hilltop)
    # then nothing was built
    assert not Clinic.objects.exists()
