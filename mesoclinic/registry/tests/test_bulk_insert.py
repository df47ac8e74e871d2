"""The import's bulk insert: keys that no other row has, UUIDs as uuid4 makes them, the
left-out columns stored as the ORM stores them, and the database's triggers still in force."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from django.db import DatabaseError, transaction
from django.utils import timezone

from mesoclinic.clinics.models import Clinic
from mesoclinic.formulary.models import Product
from mesoclinic.registry.bulk_insert import allocate_keys, insert_rows, new_uuid_hexes
from mesoclinic.registry.tests.bundles import write_folder
from mesoclinic.registry.tests.helpers import run_import
from mesoclinic.treatments.models import SessionArea, TreatmentSession

pytestmark = pytest.mark.django_db


def _quiet(message: str) -> None:
    return None


def test_it_makes_distinct_random_version_4_uuids() -> None:
    # when a thousand UUIDs are made at once
    made = new_uuid_hexes(1000)
    # then each reads back as a random (version 4, RFC 4122) UUID, and no two are the same
    parsed = [uuid.UUID(hex=text) for text in made]
    assert all(u.version == 4 and u.variant == uuid.RFC_4122 for u in parsed)
    assert [u.hex for u in parsed] == made
    assert len(set(made)) == 1000


def test_it_allocates_keys_above_every_key_the_table_has_used(riverside: Clinic) -> None:
    # given a product that stays, and a later one deleted
    Product.objects.create(clinic=riverside, name="Kept")
    gone = Product.objects.create(clinic=riverside, name="Gone")
    gone_key = gone.pk
    gone.delete()
    # when three keys are allocated in a transaction
    with transaction.atomic():
        keys = allocate_keys(Product, 3)
    # then they are new, and come after the deleted one's key: a key is never reused
    assert len(set(keys)) == 3
    assert min(keys) > gone_key


def test_it_stores_left_out_columns_as_the_orm_does(riverside: Clinic) -> None:
    # given a product made by the ORM with only a name
    by_orm = Product.objects.create(clinic=riverside, name="By the ORM")
    # when another is inserted in bulk with only its key, clinic and name
    with transaction.atomic():
        (key,) = allocate_keys(Product, 1)
        insert_rows(
            Product,
            ("id", "clinic_id", "name"),
            [(key, riverside.pk, "In bulk")],
            label="products",
            progress=_quiet,
        )
    # then every other column holds what the ORM stored, but for the row's own UUID and times
    in_bulk = Product.objects.get(pk=key)
    own = {"id", "name", "public_id", "created_at", "updated_at"}
    fields = [f.attname for f in Product._meta.concrete_fields if f.attname not in own]
    assert {f: getattr(in_bulk, f) for f in fields} == {f: getattr(by_orm, f) for f in fields}
    assert in_bulk.public_id.version == 4
    assert in_bulk.public_id != by_orm.public_id
    assert in_bulk.created_at == in_bulk.updated_at >= by_orm.created_at


def test_it_leaves_the_key_to_the_database_when_no_column_gives_it(riverside: Clinic) -> None:
    # given a product already in the table
    before = Product.objects.create(clinic=riverside, name="Before")
    # when two are inserted in bulk without their key
    with transaction.atomic():
        insert_rows(
            Product,
            ("clinic_id", "name"),
            [(riverside.pk, "First"), (riverside.pk, "Second")],
            label="products",
            progress=_quiet,
        )
    # then the database numbered them after the one there, in the order given
    first, second = (Product.objects.get(name=name).pk for name in ("First", "Second"))
    assert before.pk < first < second


def test_it_is_refused_by_the_immutability_triggers_like_any_insert(
    riverside: Clinic, tmp_path: Path
) -> None:
    # given an imported session, then signed
    run_import(write_folder(tmp_path / "one"), "riverside")
    session = TreatmentSession.objects.for_clinic(riverside).get(source_id="S1")
    TreatmentSession.objects.filter(pk=session.pk).update(signed_at=timezone.now())
    areas = SessionArea.objects.filter(session=session).count()
    # when an area is bulk-inserted into it, past the planner that would have refused it
    with transaction.atomic():
        (key,) = allocate_keys(SessionArea, 1)
    with pytest.raises(DatabaseError), transaction.atomic():
        insert_rows(
            SessionArea,
            ("id", "session_id", "area", "side", "price", "currency", "extra"),
            [(key, session.pk, "abdomen", "midline", None, "", {})],
            label="areas",
            progress=_quiet,
        )
    # then the database refused it, and the session's areas are as they were
    assert SessionArea.objects.filter(session=session).count() == areas
