"""The outcome model of a demo course: weight, girths and the indication's scales.

Deliberately modest and noisy (reference §6: the evidence for most indications is thin).
Each patient has a personal response; girth follows body weight, so a dieting patient's
treated and untreated control sites both shrink and only the difference is the treatment.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from mesoclinic.demo.people import PersonDraft

if TYPE_CHECKING:
    from mesoclinic.demo.courses import CourseDraft

D = Decimal


@dataclass
class MeasureDraft:
    kind: str
    value: Decimal
    area: str = ""
    side: str = ""
    site_role: str = ""
    rater: str = ""
    scale_version: str = ""


BASE_GIRTH_CM = {"abdomen": 92, "flank": 88, "thigh_outer": 60, "thigh_inner": 57, "arm": 31}
BASE_GIRTH_CM.update({"buttock": 100, "thigh_posterior": 58})
# How much girth follows body weight, cm per kg (illustrative, trunk more than limbs).
GIRTH_PER_KG = {"abdomen": 0.8, "flank": 0.7, "buttock": 0.5, "arm": 0.15}


class OutcomeModel:
    def __init__(
        self,
        rng: random.Random,
        person: PersonDraft,
        course: CourseDraft,
        response: float,
        slope: float,
        start: dt.date,
    ) -> None:
        self.rng, self.person, self.course = rng, person, course
        self.response, self.slope, self.start = response, slope, start
        self.girth = {(a, s): BASE_GIRTH_CM.get(a, 60) + rng.gauss(0, 4) for a, s in course.areas}
        if course.control is not None:
            a, s = course.control
            self.girth[course.control] = self.girth[course.areas[0]] + rng.gauss(0, 0.6)
        self.baseline = {
            "hexsel_css": rng.randint(6, 12),
            "nurnberger_muller": rng.randint(1, 3),
            "pcss": rng.randint(2, 4),
            "smfrs": rng.randint(2, 3),
            "hair": rng.uniform(110, 170),
        }

    def _weight(self, day: dt.date) -> float:
        months = (day - self.start).days / 30
        drift = max(self.slope * months, -0.1 * self.person.weight_kg)
        return self.person.weight_kg + drift + self.rng.gauss(0, 0.3)

    def _scale(self, kind: str, done: int, per_session: float, low: int, high: int) -> Decimal:
        value = self.baseline[kind] - per_session * done * self.response + self.rng.gauss(0, 0.6)
        return D(min(high, max(low, round(value))))

    def at_visit(self, day: dt.date, number: int) -> list[MeasureDraft]:
        done = number - 1  # measured before this visit's injections
        return self._measures(day, done, final=False, assess=number == 1)

    def at_follow_up(self, day: dt.date, done: int) -> list[MeasureDraft]:
        return self._measures(day, done, final=True, assess=True)

    def _measures(self, day: dt.date, done: int, final: bool, assess: bool) -> list[MeasureDraft]:
        rng, course = self.rng, self.course
        weight = self._weight(day)
        out = [MeasureDraft("weight_kg", D(str(round(weight, 1))))]
        indication = course.protocol.indication
        first_area, first_side = course.areas[0]
        if indication in ("localized_fat", "cellulite"):
            effect = 0.6 if indication == "localized_fat" else 0.2
            sites = [(site, "treated") for site in course.areas]
            if course.control is not None:
                sites.append((course.control, "control"))
            for (area, side), role in sites:
                dose = done * effect * self.response if role == "treated" else 0.0
                gain = GIRTH_PER_KG.get(area, 0.35) * (weight - self.person.weight_kg)
                value = self.girth[(area, side)] - dose + gain + rng.gauss(0, 0.5)
                out.append(
                    MeasureDraft("circumference_cm", D(str(round(value, 1))), area, side, role)
                )
        if indication == "cellulite" and (assess or done in (2, 3)):
            for area, side in course.areas:
                out += [
                    MeasureDraft(
                        "hexsel_css",
                        self._scale("hexsel_css", done, 0.45, 0, 15),
                        area,
                        side,
                        "",
                        "clinician",
                        "Hexsel CSS 0-15",
                    ),
                    MeasureDraft(
                        "nurnberger_muller",
                        self._scale("nurnberger_muller", done, 0.12, 0, 3),
                        area,
                        side,
                        "",
                        "clinician",
                        "Nürnberger-Müller 0-III",
                    ),
                    MeasureDraft(
                        "pcss",
                        self._scale("pcss", done, 0.25, 0, 4),
                        area,
                        side,
                        "",
                        "clinician",
                        "CR-PCSS 0-4",
                    ),
                    MeasureDraft(
                        "pcss",
                        self._scale("pcss", done, 0.2, 0, 4),
                        area,
                        side,
                        "",
                        "patient",
                        "PR-PCSS 0-4",
                    ),
                ]
        if indication == "submental_fat":
            out += [
                MeasureDraft(
                    "smfrs",
                    self._scale("smfrs", done, 0.3, 0, 4),
                    "submental",
                    "midline",
                    "",
                    "clinician",
                    "CR-SMFRS 0-4",
                ),
                MeasureDraft(
                    "smfrs",
                    self._scale("smfrs", done, 0.28, 0, 4),
                    "submental",
                    "midline",
                    "",
                    "patient",
                    "PR-SMFRS 0-4",
                ),
            ]
        if indication == "skin_rejuvenation" and done > 0:
            # GAIS compares with baseline: 1 very much improved ... 4 no change, 5 worse.
            for rater in ("clinician", "patient"):
                grade = 4 - min(2, round(done * 0.35 * self.response + rng.gauss(0, 0.5)))
                out.append(
                    MeasureDraft(
                        "gais", D(min(5, max(1, grade))), "face", "bilateral", "", rater, "GAIS 1-5"
                    )
                )
        if indication == "hair_loss" and (assess or done == 3):
            density = self.baseline["hair"] + done * 2.5 * self.response + rng.gauss(0, 5)
            out.append(
                MeasureDraft(
                    "hair_density_cm2",
                    D(str(round(density, 1))),
                    "scalp",
                    "midline",
                    "",
                    "clinician",
                    "Trichoscopy hairs/cm2",
                )
            )
        if not final and rng.random() < 0.2:
            out.append(
                MeasureDraft(
                    "pain_vas",
                    D(rng.randint(1, 6)),
                    first_area,
                    first_side,
                    "",
                    "patient",
                    "VAS 0-10",
                )
            )
        if final:
            score = 5 + 2.5 * min(self.response, 1.5) + rng.gauss(0, 1.2)
            out.append(
                MeasureDraft(
                    "satisfaction",
                    D(min(10, max(0, round(score)))),
                    first_area,
                    first_side,
                    "",
                    "patient",
                    "NRS 0-10",
                )
            )
        return out
