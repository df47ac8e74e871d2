"""Demo clinical photos: one patient per practice with the five submental views at her first
visit and at her latest, drawn here (no real person), taken under her photo consent."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

from mesoclinic.clinics.models import Clinic, Membership
from mesoclinic.photos import services
from mesoclinic.photos.protocol import SUBMENTAL
from mesoclinic.treatments.models import TreatmentSession
from mesoclinic.uploads.fields import CleanImageFile
from mesoclinic.uploads.intake import reencode

SIZE = (480, 640)
# How far round each view is turned, as a share of the head's width (0: facing the camera).
_TURN = {
    "submental_frontal": 0.0,
    "submental_oblique_left": -0.25,
    "submental_oblique_right": 0.25,
    "submental_profile_left": -0.45,
    "submental_profile_right": 0.45,
}


def drawn_view(view: str, fullness: float) -> bytes:
    """A drawn head and neck for ``view``; ``fullness`` (0 to 1) is how far the fat under
    the chin bulges. A JPEG, as a camera would send it."""
    width, height = SIZE
    image = Image.new("RGB", SIZE, (226, 232, 236))
    draw = ImageDraw.Draw(image)
    skin, shade = (224, 180, 150), (196, 150, 122)
    shift = _TURN.get(view, 0.0) * width * 0.5
    cx = width / 2 + shift
    head_w = width * (0.42 - abs(_TURN.get(view, 0.0)) * 0.12)
    draw.rectangle((cx - width * 0.09, height * 0.55, cx + width * 0.09, height), fill=shade)
    draw.ellipse((cx - head_w / 2, height * 0.12, cx + head_w / 2, height * 0.62), fill=skin)
    chin_y = height * 0.6
    bulge = height * 0.02 + height * 0.07 * fullness
    draw.ellipse(
        (cx - head_w * 0.32, chin_y - bulge, cx + head_w * 0.32, chin_y + bulge), fill=skin
    )
    # Eyes, moved towards the side the head turns to.
    eye_x = cx + shift * 0.3
    for offset in (-26, 14):
        draw.ellipse(
            (eye_x + offset, height * 0.32, eye_x + offset + 12, height * 0.34), fill=(60, 60, 70)
        )
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=88)
    return out.getvalue()


def write_photos(clinic: Clinic, member: Membership) -> int:
    """The submental series at the first and the latest signed session of the first patient
    who has two submental sessions and a photo consent. Returns the photos written."""
    sessions = (
        TreatmentSession.objects.for_clinic(clinic)
        .filter(indication="submental_fat", signed_at__isnull=False)
        .select_related("patient")
        .order_by("patient_id", "performed_at")
    )
    by_patient: dict[int, list[TreatmentSession]] = {}
    for session in sessions:
        by_patient.setdefault(session.patient_id, []).append(session)
    for visits in by_patient.values():
        if len(visits) < 2 or services.photo_consent(member, visits[0].patient) is None:
            continue
        written = 0
        for session, fullness in ((visits[0], 1.0), (visits[-1], 0.35)):
            for view in SUBMENTAL.views:
                clean = CleanImageFile(reencode(drawn_view(view.code, fullness)))
                services.take_photo(None, member, session, view.code, clean)
                written += 1
        return written
    return 0
