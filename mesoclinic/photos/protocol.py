"""The standard photo views of each treated area, and how to take each one.

Which views: issue 15 (the views a before/after series of each area needs: submental frontal,
both obliques, both profiles; thighs and buttocks posterior and both laterals, standing
relaxed; abdomen frontal and both laterals; scalp vertex and frontal hairline). The reference
lists "standardized photographs" among the submental trial measures (§5.5, ATX-101:
https://user-vvhbxcd.cld.bz/April-2020-HSC-Section-4-Plastic-and-Reconstructive-Problems/81)
and asks for photographs under separately documented consent (§7, record contents).

How: the reference gives no camera distance, focal length or lighting figure, so none is
invented here. Each slot says what keeps a series comparable: the same distance, lighting,
background and pose as the baseline, with the baseline shown as a ghost to line up. Cellulite
is judged standing and relaxed because its grade changes with position and muscle contraction
(§5.2 Nürnberger–Müller: "orange-peel only on the pinch test or muscle contraction", "visible
standing"; https://www.cellulite-ltd.com/about.php3).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

SAME_AS_BASELINE = _(
    "Same camera distance, height, lighting and plain background as the baseline photo; "
    "line the patient up with the ghost of the baseline."
)


@dataclass(frozen=True)
class View:
    """One standard photo view (a slot of the series)."""

    code: str  # stored on the photo; never translated
    label: Promise
    pose: tuple[Promise, ...]  # sentences, each its own message

    @property
    def how(self) -> Promise:
        return SAME_AS_BASELINE


@dataclass(frozen=True)
class Series:
    """The standard views of one region."""

    code: str
    label: Promise
    views: tuple[View, ...]


_HEAD_LEVEL = _("Head level, looking straight ahead, jaw and neck relaxed, hair off the neck.")
_STANDING = _(
    "Standing relaxed, weight on both feet, muscles not contracted, underwear that does not "
    "press on the area."
)

SUBMENTAL = Series(
    "submental",
    _("Submental"),
    (
        View("submental_frontal", _("Frontal"), (_HEAD_LEVEL,)),
        View(
            "submental_oblique_left",
            _("Left oblique"),
            (_("Turned halfway to the patient's right, showing the left jawline."), _HEAD_LEVEL),
        ),
        View(
            "submental_oblique_right",
            _("Right oblique"),
            (_("Turned halfway to the patient's left, showing the right jawline."), _HEAD_LEVEL),
        ),
        View(
            "submental_profile_left",
            _("Left profile"),
            (_("Left side to the camera, a full quarter turn."), _HEAD_LEVEL),
        ),
        View(
            "submental_profile_right",
            _("Right profile"),
            (_("Right side to the camera, a full quarter turn."), _HEAD_LEVEL),
        ),
    ),
)
THIGHS_BUTTOCKS = Series(
    "thighs_buttocks",
    _("Thighs and buttocks"),
    (
        View("thighs_posterior", _("Posterior"), (_("Back to the camera."), _STANDING)),
        View("thighs_lateral_left", _("Left lateral"), (_("Left side to the camera."), _STANDING)),
        View(
            "thighs_lateral_right", _("Right lateral"), (_("Right side to the camera."), _STANDING)
        ),
    ),
)
ABDOMEN = Series(
    "abdomen",
    _("Abdomen"),
    (
        View("abdomen_frontal", _("Frontal"), (_("Facing the camera."), _STANDING)),
        View("abdomen_lateral_left", _("Left lateral"), (_("Left side to the camera."), _STANDING)),
        View(
            "abdomen_lateral_right",
            _("Right lateral"),
            (_("Right side to the camera."), _STANDING),
        ),
    ),
)
SCALP = Series(
    "scalp",
    _("Scalp"),
    (
        View(
            "scalp_vertex",
            _("Vertex"),
            (
                _(
                    "Camera above the crown, hair parted the same way as at baseline, dry and unstyled."
                ),
            ),
        ),
        View(
            "scalp_frontal_hairline",
            _("Frontal hairline"),
            (_("Facing the camera, hair combed back off the forehead, dry and unstyled."),),
        ),
    ),
)

ALL_SERIES: tuple[Series, ...] = (SUBMENTAL, THIGHS_BUTTOCKS, ABDOMEN, SCALP)

# Treated area (clinical_codes.AREAS) -> the series that photographs it.
AREA_SERIES: dict[str, Series] = {
    "submental": SUBMENTAL,
    "thigh_outer": THIGHS_BUTTOCKS,
    "thigh_inner": THIGHS_BUTTOCKS,
    "thigh_anterior": THIGHS_BUTTOCKS,
    "thigh_posterior": THIGHS_BUTTOCKS,
    "buttock": THIGHS_BUTTOCKS,
    "abdomen": ABDOMEN,
    "flank": ABDOMEN,
    "scalp": SCALP,
}
# A session's indication, when its areas name none of the above.
INDICATION_SERIES: dict[str, Series] = {
    "submental_fat": SUBMENTAL,
    "cellulite": THIGHS_BUTTOCKS,
    "hair_loss": SCALP,
}

VIEWS: dict[str, View] = {v.code: v for s in ALL_SERIES for v in s.views}
VIEW_SERIES: dict[str, Series] = {v.code: s for s in ALL_SERIES for v in s.views}


def series_for(indication: str, areas: list[str]) -> list[Series]:
    """The series a visit needs: one per region of its treated areas, in the table's order,
    else the indication's own."""
    wanted = {AREA_SERIES[a].code for a in areas if a in AREA_SERIES}
    if not wanted and indication in INDICATION_SERIES:
        wanted = {INDICATION_SERIES[indication].code}
    return [s for s in ALL_SERIES if s.code in wanted]
