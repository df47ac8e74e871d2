"""The demo practice's injection maps: each line's points laid out evenly over its area on the
diagram its area is drawn on, for every session of some courses (signed ones and drafts)."""

from __future__ import annotations

import math
from decimal import Decimal

from mesoclinic.treatments.injection_map import DIAGRAM_OF_AREA
from mesoclinic.treatments.injection_map_models import Diagram, InjectionMapPoint
from mesoclinic.treatments.models import Injection

# Where each diagram draws the treated region: (left, top, right, bottom), fractions 0..1.
REGION = {
    Diagram.ABDOMEN: (0.32, 0.36, 0.68, 0.74),
    Diagram.SUBMENTAL: (0.36, 0.30, 0.64, 0.55),
    Diagram.THIGHS: (0.24, 0.25, 0.76, 0.62),
    Diagram.BODY_BACK: (0.38, 0.45, 0.62, 0.62),
    Diagram.BODY_FRONT: (0.40, 0.42, 0.60, 0.58),
    Diagram.SCALP: (0.32, 0.30, 0.68, 0.75),
    Diagram.FACE_FRONT: (0.32, 0.55, 0.68, 0.72),
    Diagram.FACE_PROFILE: (0.45, 0.62, 0.62, 0.80),
}
# Diagrams seen from the front show the patient's left on the viewer's right.
FACING = {Diagram.BODY_BACK: False}
MAX_POINTS = 24  # the demo lays out at most this many points a line
# Lines at the same area are drawn a little apart, by their order in the session.
SHIFT = 0.015


def _box(diagram: str, side: str) -> tuple[float, float, float, float]:
    left, top, right, bottom = REGION[Diagram(diagram)]
    middle = (left + right) / 2
    patient_left_on_right = FACING.get(Diagram(diagram), True)
    if side == "left":
        return (
            (middle + 0.02, top, right, bottom)
            if patient_left_on_right
            else (left, top, middle - 0.02, bottom)
        )
    if side == "right":
        return (
            (left, top, middle - 0.02, bottom)
            if patient_left_on_right
            else (middle + 0.02, top, right, bottom)
        )
    return left, top, right, bottom


def line_points(line: Injection, nth: int = 0) -> list[InjectionMapPoint]:
    """The line's recorded points (up to ``MAX_POINTS``) on a regular grid over its area."""
    count = min(line.points or 0, MAX_POINTS)
    if count == 0:
        return []
    diagram = DIAGRAM_OF_AREA.get(line.area, Diagram.BODY_FRONT)
    left, top, right, bottom = _box(diagram, line.side)
    columns = math.ceil(math.sqrt(count))
    rows = math.ceil(count / columns)
    points = []
    for n in range(count):
        column, row = n % columns, n // columns
        x = left + (right - left) * (column + 0.5) / columns + SHIFT * nth
        y = top + (bottom - top) * (row + 0.5) / rows + SHIFT * nth
        points.append(
            InjectionMapPoint(
                clinic_id=line.clinic_id,
                session_id=line.session_id,
                line=line,
                diagram=diagram,
                x=Decimal(f"{x:.3f}"),
                y=Decimal(f"{y:.3f}"),
            )
        )
    return points
