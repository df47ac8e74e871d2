"""Two practitioners writing one patient's record at the same moment, each transaction
changing the patient's chart stamp and the clinic's (PostgreSQL: real concurrent
transactions). Signing takes the patient's stamp, then the clinic's when a lot is used up; a
correction writes its amendment (a clinic-wide row) and then the new line (the patient's). If
both stamps were locked when written, each would hold the one the other waits for and the
database would abort one of them as a deadlock: the practitioner would see an error page for
a correct write. The clinic stamps are written at commit, so neither waits on the other."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, transaction
from django.utils import timezone

from mesoclinic.formulary.choices import LotStatus
from mesoclinic.formulary.models import Lot
from mesoclinic.records.services import add_amendment
from mesoclinic.treatments import corrections, services
from mesoclinic.treatments.models import Injection, SessionArea, TreatmentSession
from mesoclinic.treatments.tests.conftest import make_lot
from mesoclinic.treatments.tests.correction_helpers import add_line, changed, signed_with_line
from mesoclinic.workspace.models import ChartVersion
from tests.treatment_readiness import make_ready

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite takes one write lock for the whole database: writers queue, never cross",
    ),
]


def _session(patient: Any, alice: Any, ago: dt.timedelta) -> TreatmentSession:
    session = TreatmentSession.objects.create(
        clinic=patient.clinic,
        patient=patient,
        performed_at=timezone.now() - ago,
        indication="localized_fat",
        practitioner=alice.user,
        created_by=alice.user,
    )
    SessionArea.objects.create(session=session, area="abdomen", side="midline")
    make_ready(patient, alice, session.indication, at=session.performed_at - dt.timedelta(days=1))
    return session


def test_it_signs_and_corrects_one_patients_sessions_at_once(patient, alice, pcdc, monkeypatch):
    # given a signed session with a line of lot PC-001, and a draft of the same patient whose
    # 4 mL line uses up lot PC-002 (4 mL left: signing changes the lot's status, which charts show)
    first = _session(patient, alice, dt.timedelta(days=20))
    line = signed_with_line(first, alice, make_lot(pcdc, "PC-001"))
    last_vial = make_lot(pcdc, "PC-002", remaining_ml=Decimal(4))
    second = _session(patient, alice, dt.timedelta(hours=2))
    add_line(second, last_vial, "4")
    clinic_stamp = ChartVersion.objects.get(scope=f"c:{patient.clinic_id}").stamp

    # when each transaction, having written its first stamp, waits for the other to have
    # written its own: the signing its update of the session (the patient's stamp), the
    # correction its amendment (a clinic-wide row)
    both_wrote = threading.Barrier(2, timeout=10)
    waited: list[bool] = []
    refresh = TreatmentSession.refresh_from_db

    def refresh_then_wait(self: TreatmentSession, *args: Any, **kwargs: Any) -> None:
        refresh(self, *args, **kwargs)
        # Once: signing refreshes the session again after its commit.
        if threading.current_thread().name == "sign" and self.pk == second.pk and not waited:
            waited.append(True)
            both_wrote.wait()

    def amend_then_wait(*args: Any, **kwargs: Any) -> Any:
        amendment = add_amendment(*args, **kwargs)
        both_wrote.wait()
        return amendment

    monkeypatch.setattr(TreatmentSession, "refresh_from_db", refresh_then_wait)
    monkeypatch.setattr(corrections, "add_amendment", amend_then_wait)
    outcomes: dict[str, str] = {}

    def run(name: str, write: Any) -> None:
        try:
            write()
            outcomes[name] = "done"
        except Exception as error:  # the outcome is the assertion: any failure is reported
            outcomes[name] = f"{type(error).__name__}: {error}"
        finally:
            connection.close()

    right = make_lot(pcdc, "PC-777")
    threads = [
        threading.Thread(
            target=run, name="sign", args=("sign", lambda: services.sign_session(second, alice))
        ),
        threading.Thread(
            target=run,
            name="correct",
            args=(
                "correct",
                lambda: corrections.correct_line(
                    line, alice, "Wrong vial scanned", changed(line, lot=right)
                ),
            ),
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then both are written, and the charts' stamps moved on
    assert outcomes == {"sign": "done", "correct": "done"}
    assert TreatmentSession.objects.get(pk=second.pk).is_signed
    assert Lot.objects.get(pk=last_vial.pk).status == LotStatus.USED_UP
    assert Injection.objects.in_effect().get(session=first).lot_id == right.pk
    assert ChartVersion.objects.get(scope=f"c:{patient.clinic_id}").stamp != clinic_stamp


def test_it_refuses_in_tests_a_row_lock_over_a_join(patient):
    # given the suite's check of row locks (conftest.py), when a session is locked with its
    # clinic joined and no OF clause, then the test fails there; with of=("self",) it runs
    locked = TreatmentSession.objects.select_for_update().select_related("clinic")
    with pytest.raises(AssertionError, match="locks the joined rows too"), transaction.atomic():
        list(locked.filter(patient=patient))
    with transaction.atomic():
        list(
            TreatmentSession.objects.select_for_update(of=("self",))
            .select_related("clinic")
            .filter(patient=patient)
        )
