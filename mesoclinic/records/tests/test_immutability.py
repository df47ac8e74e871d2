"""The database itself refuses changes to signed records and to the audit trail.

Raw SQL through ``connection.cursor()`` and ``QuerySet.update()`` never pass the ORM guards;
these tests show the triggers stop them on SQLite and on PostgreSQL (the suite runs on
both), that drafts and signing still work, and that a refusal reads like the guard's.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone

from mesoclinic.audit.choices import Action
from mesoclinic.audit.models import AuditEvent
from mesoclinic.clinics.models import Clinic, Membership
from mesoclinic.consent.models import Consent, ConsentTemplate
from mesoclinic.consultations.models import Consultation
from mesoclinic.formulary.choices import ProcedureType
from mesoclinic.formulary.models import Product
from mesoclinic.patients.models import Patient
from mesoclinic.records.models import Amendment, ImmutableRecordError
from mesoclinic.records.services import amend_record, save_versioned, sign_record
from mesoclinic.treatments.models import Injection, SessionArea, TreatmentSession

pytestmark = pytest.mark.django_db

# (record kind, a column the raw UPDATE changes, the new value)
CHANGES = {
    "session": ("notes", "changed afterwards"),
    "injection": ("points", 99),
    "area": ("price", Decimal("1.00")),
    "consent": ("discussed", "changed afterwards"),
    "consultation": ("concerns", "changed afterwards"),
    "audit event": ("detail", "changed afterwards"),
    "amendment": ("reason", "changed afterwards"),
}
SIGNED_KINDS = ["session", "injection", "area", "consent", "consultation"]


def _session(
    clinic: Clinic, patient: Patient, by: Membership, product: Product
) -> TreatmentSession:
    session = TreatmentSession.objects.create(
        clinic=clinic,
        patient=patient,
        performed_at=timezone.now(),
        indication="localized_fat",
        practitioner=by.user,
        notes="Abdomen, 20 points",
        created_by=by.user,
    )
    SessionArea.objects.create(session=session, area="abdomen", side="midline")
    Injection.objects.create(
        clinic=clinic,
        session=session,
        area="abdomen",
        side="midline",
        product=product,
        volume_ml=Decimal("2"),
        points=20,
    )
    return session


def _records(clinic: Clinic, patient: Patient, alice: Membership, sign: bool) -> dict[str, Any]:
    """One record of each protected kind; the signable ones signed through the app's service."""
    suffix = "signed" if sign else "draft"
    product = Product.objects.create(
        clinic=clinic, name=f"PC/DC {suffix}", procedure_type=ProcedureType.SUBCUTANEOUS_LIPOLYSIS
    )
    session = _session(clinic, patient, alice, product)
    template = ConsentTemplate.objects.create(
        clinic=clinic,
        code=f"pcdc-{suffix}",
        title="PC/DC lipolysis",
        indication="localized_fat",
        body="…",
    )
    consent = Consent.objects.create(
        clinic=clinic,
        patient=patient,
        template=template,
        body_snapshot="…",
        discussed="Risks and alternatives discussed",
        patient_typed_name="Maria Lopez",
        patient_signed_at=timezone.now(),
    )
    consultation = Consultation.objects.create(
        clinic=clinic,
        patient=patient,
        consulted_at=timezone.now(),
        clinician=alice.user,
        clinician_name="Alice Archer",
        concerns="Abdomen",
    )
    records: dict[str, Any] = {
        "session": session,
        "injection": session.injections.get(),
        "area": session.areas.get(),
        "consent": consent,
        "consultation": consultation,
    }
    if sign:
        for kind in ("session", "consent", "consultation"):
            sign_record(records[kind], alice)
        records["amendment"] = amend_record(session, alice, "point count", {"notes": "24 points"})
    records["audit event"] = AuditEvent.objects.create(
        clinic=clinic, patient=patient, action=Action.VIEW, object_type="patient"
    )
    return records


@pytest.fixture
def signed(riverside: Clinic, patient: Patient, alice: Membership) -> dict[str, Any]:
    return _records(riverside, patient, alice, sign=True)


@pytest.fixture
def drafts(riverside: Clinic, patient: Patient, alice: Membership) -> dict[str, Any]:
    return _records(riverside, patient, alice, sign=False)


@contextmanager
def refused(match: str = "immutable record") -> Iterator[None]:
    """The block must fail with the database's refusal; the savepoint keeps PostgreSQL's
    test transaction usable afterwards."""
    with pytest.raises(IntegrityError, match=match), transaction.atomic():
        yield


def _table(record: models.Model) -> str:
    return connection.ops.quote_name(record._meta.db_table)


def _raw_update(record: models.Model, column: str, value: Any) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {_table(record)} SET {column} = %s WHERE id = %s", [value, record.pk]
        )


def _raw_delete(record: models.Model) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {_table(record)} WHERE id = %s", [record.pk])


def _stored(record: models.Model) -> dict[str, Any]:
    return type(record)._base_manager.filter(pk=record.pk).values().get()


@pytest.mark.parametrize("kind", list(CHANGES))
def test_it_refuses_a_raw_update_of_a_signed_record_or_the_trail(
    signed: dict[str, Any], kind: str
) -> None:
    # given a signed record (or an audit event, or an amendment) as stored
    record = signed[kind]
    before = _stored(record)
    column, value = CHANGES[kind]
    # when raw SQL changes it, past every ORM guard
    with refused():
        _raw_update(record, column, value)
    # then the database refused and the row is as it was
    assert _stored(record) == before


@pytest.mark.parametrize("kind", list(CHANGES))
def test_it_refuses_a_raw_delete_of_a_signed_record_or_the_trail(
    signed: dict[str, Any], kind: str
) -> None:
    # given a signed record (or an audit event, or an amendment)
    record = signed[kind]
    # when raw SQL deletes it
    with refused():
        _raw_delete(record)
    # then it is still there
    assert type(record)._base_manager.filter(pk=record.pk).exists()


@pytest.mark.parametrize("kind", SIGNED_KINDS)
def test_it_lets_raw_sql_change_and_delete_a_draft(drafts: dict[str, Any], kind: str) -> None:
    # given a draft (or a draft session's line or area)
    record = drafts[kind]
    column, value = CHANGES[kind]
    # when raw SQL changes it
    _raw_update(record, column, value)
    # then the change is stored
    assert _stored(record)[column] == value
    # and when raw SQL deletes it (a session after its lines and areas)
    if kind == "session":
        _raw_delete(drafts["injection"])
        _raw_delete(drafts["area"])
    _raw_delete(record)
    # then it is gone
    assert not type(record)._base_manager.filter(pk=record.pk).exists()


def test_it_refuses_queryset_update_of_a_signed_session(signed: dict[str, Any]) -> None:
    # given a signed session
    session = signed["session"]
    # when QuerySet.update() changes it, which never calls the model's save()
    with refused("signed and cannot be changed"):
        TreatmentSession.objects.filter(pk=session.pk).update(notes="changed afterwards")
    # then the signed notes stand
    session.refresh_from_db()
    assert session.notes == "Abdomen, 20 points"


def test_it_refuses_queryset_delete_of_a_signed_session(
    riverside: Clinic, patient: Patient, alice: Membership
) -> None:
    # given a signed session with one area and no injection lines (which would PROTECT it)
    session = TreatmentSession.objects.create(
        clinic=riverside,
        patient=patient,
        performed_at=timezone.now(),
        indication="localized_fat",
        created_by=alice.user,
    )
    SessionArea.objects.create(session=session, area="abdomen", side="midline")
    sign_record(session, alice)
    # when QuerySet.delete() removes it, never calling the model's delete()
    with refused():
        TreatmentSession.objects.filter(pk=session.pk).delete()
    # then the session and its area are still there
    assert TreatmentSession.objects.filter(pk=session.pk).exists()
    assert session.areas.count() == 1


def test_it_lets_queryset_update_change_a_draft(drafts: dict[str, Any]) -> None:
    # given a draft session
    session = drafts["session"]
    # when QuerySet.update() changes it
    TreatmentSession.objects.filter(pk=session.pk).update(notes="Abdomen, 24 points")
    # then the change is stored
    session.refresh_from_db()
    assert session.notes == "Abdomen, 24 points"


@pytest.mark.parametrize("kind", ["session", "consent", "consultation"])
def test_it_still_signs_a_draft(drafts: dict[str, Any], alice: Membership, kind: str) -> None:
    # given a draft
    record = drafts[kind]
    # when alice signs it (the UPDATE that sets signed_at from NULL)
    sign_record(record, alice)
    # then it is signed, and from then on the database refuses changes
    assert _stored(record)["signed_at"] is not None
    with refused():
        type(record)._base_manager.filter(pk=record.pk).update(version=99)


def test_it_refuses_moving_a_draft_line_into_a_signed_session(
    signed: dict[str, Any], drafts: dict[str, Any]
) -> None:
    # given a draft's injection line and a signed session
    line, target = drafts["injection"], signed["session"]
    # when the line is moved into the signed session
    with refused("its injections cannot change"):
        Injection.objects.filter(pk=line.pk).update(session=target)
    # then the signed session keeps exactly the lines it was signed with
    assert list(target.injections.values_list("pk", flat=True)) == [signed["injection"].pk]


def test_it_refuses_a_line_or_an_area_added_to_a_signed_session(signed: dict[str, Any]) -> None:
    # given a signed session
    session, original = signed["session"], signed["injection"]
    added_line = Injection(
        clinic=session.clinic,
        session=session,
        area="abdomen",
        side="midline",
        product=original.product,
        volume_ml=Decimal("2.5"),
    )
    # when a line or an area is inserted into it past the ORM guard
    with refused("a line cannot be added to it"):
        Injection.objects.bulk_create([added_line])
    with refused("an area cannot be added to it"):
        SessionArea.objects.bulk_create([SessionArea(session=session, area="flanks", side="left")])
    # then the session keeps exactly what was signed
    assert list(session.injections.values_list("pk", flat=True)) == [original.pk]
    assert session.areas.count() == 1


def test_it_lets_a_correction_line_be_added_to_a_signed_session(
    signed: dict[str, Any], alice: Membership
) -> None:
    # given a signed session (corrections to its lines are new rows, never changed ones)
    session, original = signed["session"], signed["injection"]
    amendment = amend_record(session, alice, "Volume misread", {"notes": "Abdomen, 25 points"})
    # when a replacement line naming the line it replaces is inserted beside the signed one
    Injection.objects.bulk_create(
        [
            Injection(
                clinic=session.clinic,
                session=session,
                area="abdomen",
                side="midline",
                product=original.product,
                volume_ml=Decimal("2.5"),
                replaces=original,
                amendment=amendment,
            )
        ]
    )
    # then the database accepts it and the original line is untouched
    assert session.injections.count() == 2
    assert _stored(original)["volume_ml"] == Decimal("2")


def test_it_reports_a_refused_versioned_save_in_the_guards_words(
    signed: dict[str, Any],
) -> None:
    # given a signed consultation read at its current version
    consultation = signed["consultation"]
    # when an edit is saved over it (as if it had been signed while the form was open)
    with pytest.raises(ImmutableRecordError) as error:
        save_versioned(consultation, consultation.version, {"concerns": "changed"})
    # then the error says what the ORM guard says, not a database message
    assert str(error.value) == (
        "This consultation is signed and cannot be changed; add an amendment."
    )


def test_it_keeps_amendments_pointing_at_their_record(signed: dict[str, Any]) -> None:
    # given an amendment of a signed session
    amendment = signed["amendment"]
    # when it is re-pointed at another record by QuerySet.update()
    with refused("amendment cannot be changed"):
        Amendment.objects.filter(pk=amendment.pk).update(
            content_type=ContentType.objects.get_for_model(Consent)
        )
    # then it still amends the session
    assert signed["session"].amendments.get() == amendment
