"""Reading the evidence PDF back with pypdf, a parser the writer does not share code with."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from io import BytesIO

from django.contrib.auth.models import User
from pypdf import PdfReader
from pypdf.generic import ContentStream

from mesoclinic.clinics.models import Clinic
from mesoclinic.outcomes.models import Measurement
from mesoclinic.patients.models import Patient
from mesoclinic.treatments.models import SessionArea, TreatmentSession

# PDF operators that construct a path (m l c re h) and that paint one (S f B and variants)
PATH_OPS = {b"m", b"l", b"c", b"v", b"y", b"re", b"h"}
PAINT_OPS = {b"S", b"s", b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*"}


def read(body: bytes) -> PdfReader:
    return PdfReader(BytesIO(body), strict=True)


def page_texts(body: bytes) -> list[str]:
    return [page.extract_text() for page in read(body).pages]


def operators(body: bytes) -> Counter[bytes]:
    """How often each content-stream operator occurs, over all pages, as pypdf parses them."""
    reader = read(body)
    counts: Counter[bytes] = Counter()
    for page in reader.pages:
        counts.update(op for _, op in ContentStream(page.get_contents(), reader).operations)
    return counts


def images(body: bytes) -> int:
    """Raster images on any page, whether placed directly or through an XObject."""
    return sum(len(page.images) for page in read(body).pages)


def course(clinic: Clinic, user: User, mrn: str, *, protocol: str, slope_cm: float, names: tuple[str, str] = ("Zelda", "Quarrington"), start: dt.date = dt.date(2025, 1, 6)) -> Patient:  # fmt: skip
    """A patient's four monthly cellulite sessions of ``protocol``; girth falls by ``slope_cm``."""
    patient = Patient.objects.create(clinic=clinic, mrn=mrn, given_name=names[0], family_name=f"{names[1]}{mrn}", birth_date=dt.date(1980, 5, 17), sex="f", created_by=user)  # fmt: skip
    for k in range(4):
        day = start + dt.timedelta(days=28 * k)
        session = TreatmentSession.objects.create(clinic=clinic, patient=patient, performed_at=dt.datetime.combine(day, dt.time(10), tzinfo=dt.UTC), indication="cellulite", protocol=protocol, practitioner=user, created_by=user)  # fmt: skip
        SessionArea.objects.create(session=session, area="thigh_outer", side="left")
        girth = Decimal(60) - Decimal(str(slope_cm)) * k
        for kind, value, extra in (("weight_kg", Decimal(70), {}), ("circumference_cm", girth, {"area": "thigh_outer", "side": "left"})):  # fmt: skip
            Measurement.objects.create(clinic=clinic, patient=patient, measured_on=day, kind=kind, value=value, created_by=user, **extra)  # fmt: skip
    return patient
