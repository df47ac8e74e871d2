"""Aftercare test helpers: a signed session with areas and lots, and check-in links."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from mesoclinic.aftercare.models import CheckIn
from mesoclinic.aftercare.services import schedule_follow_up
from mesoclinic.aftercare.tokens import issue_link
from mesoclinic.clinics.models import Membership
from mesoclinic.formulary.models import Lot, Product
from mesoclinic.patients.models import Patient
from mesoclinic.records.services import sign_record
from mesoclinic.treatments.models import Injection, SessionArea, TreatmentSession


@pytest.fixture(autouse=True)
def _private_photos(settings: Any, tmp_path: Any) -> None:
    settings.AFTERCARE_PHOTO_ROOT = tmp_path / "photos"
    settings.AFTERCARE_BASE_URL = "https://clinic.example"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def lots(riverside: Any, alice: Membership) -> tuple[Lot, Lot]:
    product = Product.objects.create(clinic=riverside, name="PC/DC 5%", created_by=alice.user)
    main = Lot.objects.create(clinic=riverside, product=product, lot_number="A100")
    minor = Lot.objects.create(clinic=riverside, product=product, lot_number="B200")
    return main, minor


@pytest.fixture
def make_signed_session(
    alice: Membership, lots: tuple[Lot, Lot]
) -> Callable[..., TreatmentSession]:
    def _make(
        patient: Patient,
        performed_at: dt.datetime | None = None,
        *,
        indication: str = "localized_fat",
        sites: Sequence[tuple[str, str]] = (("abdomen", "bilateral"),),
        volumes_ml: Sequence[tuple[Lot | None, str]] | None = None,
        imported: bool = False,
        plan: Any = None,
    ) -> TreatmentSession:
        alice.user.email = "alice@riverside.example"
        alice.user.save()
        session = TreatmentSession.objects.create(
            clinic=patient.clinic,
            patient=patient,
            plan=plan,
            performed_at=performed_at or timezone.now(),
            indication=indication,
            practitioner=alice.user,
            created_by=alice.user,
            imported=imported,
        )
        for area, side in sites:
            SessionArea.objects.create(session=session, area=area, side=side)
        main, minor = lots
        for lot, volume in volumes_ml or ((main, "8"), (minor, "2")):
            Injection.objects.create(
                clinic=patient.clinic,
                session=session,
                area=sites[0][0],
                side=sites[0][1],
                product=main.product,
                lot=lot,
                volume_ml=Decimal(volume),
            )
        signed = sign_record(session, alice)
        assert isinstance(signed, TreatmentSession)
        return signed

    return _make


@pytest.fixture
def check_in_link() -> Callable[[CheckIn], str]:
    """A live link for the check-in: its path, as the patient would open it."""

    def _link(check_in: CheckIn) -> str:
        _row, token = issue_link(check_in, check_in.window_end)
        return f"/c/{check_in.public_id}/{token}/"

    return _link


@pytest.fixture
def due_check_in(
    patient: Patient, make_signed_session: Callable[..., TreatmentSession]
) -> Callable[..., CheckIn]:
    """A check-in of ``kind`` whose window is open now, after a session ``days_ago``."""

    def _make(kind: str = "week4_6", days_ago: int = 35, **session_args: Any) -> CheckIn:
        session = make_signed_session(
            patient, timezone.now() - dt.timedelta(days=days_ago), **session_args
        )
        schedule_follow_up(session)
        return CheckIn.objects.get(session=session, kind=kind)

    return _make


@pytest.fixture
def open_link(check_in_link: Callable[[CheckIn], str]) -> Callable[[Any, CheckIn], str]:
    """Open a fresh link in ``client`` as the patient would; returns the form's URL."""

    def _open(client: Any, check_in: CheckIn) -> str:
        response = client.get(check_in_link(check_in))
        assert response.status_code == 302, response.status_code
        return str(response["Location"])

    return _open
