"""Shared test personas (after Healthchecks' alice/bob/charlie).

alice is a practitioner at Riverside; nina a nurse, bob the receptionist, ada the clinic
admin and rita a researcher there; charlie is a practitioner at another clinic (Hilltop)
who must never see anything of Riverside's.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.utils import timezone, translation
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from mesoclinic.clinics.choices import Profession, Role
from mesoclinic.clinics.models import Clinic, Membership, PractitionerProfile
from mesoclinic.operations.catalogues import compile_stale
from mesoclinic.patients.models import Patient
from mesoclinic.records import immutability
from tests.second_step import sign_in

PASSWORD = "correct horse battery staple"

# Property tests. "dev" (the default) is Hypothesis's own: new random examples each run, a
# 200 ms deadline per example, and failures replayed from the local example database.
# "ci" (.ci/run sets HYPOTHESIS_PROFILE=ci) is for a shared runner with two cores:
# - no deadline and no too_slow health check: both time the example on the wall clock, so a
#   busy machine fails them without any fault in the code (a law is about values, not speed);
# - derandomize: the examples follow from each test's source, so a CI failure reproduces on
#   any machine with the same commit, and a green run is not luck of the draw. Exploring new
#   examples is what the dev profile does on every local run;
# - no example database: with derandomize there is nothing to replay, and a runner keeps none.
hypothesis_settings.register_profile("dev")
hypothesis_settings.register_profile(
    "ci",
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture(autouse=True, scope="session")
def _flush_past_the_immutability_triggers() -> Iterator[None]:
    """Let the test database's flush empty signed records and the audit trail on SQLite.

    Transactional tests and ``live_server`` (the browser tests) end with Django's flush. On
    PostgreSQL that is TRUNCATE, which row triggers do not see; on SQLite it is DELETE,
    which the immutability triggers refuse. Only here, around the flush, the triggers are
    dropped and re-created from the SQL the migration stored (records.immutability.suspended,
    one transaction), so the production schema carries no bypass at all.
    """
    if connection.vendor != "sqlite":
        yield
        return
    operations = type(connection.ops)
    original = operations.execute_sql_flush

    def execute_sql_flush(self: Any, sql_list: list[str]) -> None:
        with immutability.suspended(self.connection):
            original(self, sql_list)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(operations, "execute_sql_flush", execute_sql_flush)
        yield


def pytest_sessionstart(session: pytest.Session) -> None:
    """Pages are rendered with the compiled catalogues: compile any .po edited since its .mo
    (./dev does it too; this covers a bare pytest run after editing a translation)."""
    compile_stale()


@pytest.fixture(autouse=True)
def _english_after_each_test() -> Iterator[None]:
    # A request leaves its language active in the thread (LocaleMiddleware's way); the next
    # test starts in the site's language whatever the last page was in.
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


def _row_lock_names_its_table(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
    # A row lock over a join (select_related, or a default ordering through a relation)
    # locks the joined rows too: a correction locked its clinic's row and deadlocked a
    # signing's commit (workspace/tests/test_chart_cache_concurrency.py). Such a lock names
    # its own table: select_for_update(of=("self",)).
    upper = sql.upper()
    if " FOR UPDATE" in upper and " JOIN " in upper and " FOR UPDATE OF " not in upper:
        raise AssertionError(f"A row lock over a join locks the joined rows too: {sql}")
    return execute(sql, params, many, context)


@pytest.fixture(autouse=True)
def _row_locks_name_their_table() -> Iterator[None]:
    """On PostgreSQL (SQLite has no row locks), every test's queries on the main connection
    are checked by ``_row_lock_names_its_table``."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.execute_wrapper(_row_lock_names_its_table):
        yield


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    # argon2 is deliberately slow; tests that are not about hashing use MD5.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.AXES_ENABLED = False


@pytest.fixture(autouse=True)
def _private_files_in_a_temporary_folder(settings: Any, tmp_path_factory: Any) -> None:
    # Patients' photos a test writes (and a backup test copies) never touch the real var/.
    settings.AFTERCARE_PHOTO_ROOT = tmp_path_factory.mktemp("private") / "aftercare"
    settings.CLINICAL_PHOTO_ROOT = tmp_path_factory.mktemp("private") / "photos"
    settings.FHIR_EXPORT_ROOT = tmp_path_factory.mktemp("private") / "fhir-exports"
    settings.RESEARCH_BUNDLE_ROOT = tmp_path_factory.mktemp("private") / "research-bundles"
    # Exports run when a test runs them (its transaction is not visible to another thread).
    settings.FHIR_BULK_WORKERS = 0


def _member(clinic: Clinic, username: str, role: str, first: str, last: str) -> Membership:
    user = User.objects.create_user(username, password=PASSWORD, first_name=first, last_name=last)
    membership = Membership.objects.create(user=user, clinic=clinic, role=role)
    if role in (Role.PRACTITIONER, Role.NURSE):
        PractitionerProfile.objects.create(
            membership=membership,
            profession=Profession.PHYSICIAN
            if role == Role.PRACTITIONER
            else Profession.REGISTERED_NURSE,
            registration_number=f"REG-{username.upper()}",
        )
    return membership


@pytest.fixture
def riverside(db: Any) -> Clinic:
    return Clinic.objects.create(slug="riverside", name="Riverside Aesthetics", mrn_prefix="RV")


@pytest.fixture
def hilltop(db: Any) -> Clinic:
    return Clinic.objects.create(slug="hilltop", name="Hilltop Skin Clinic", mrn_prefix="HT")


@pytest.fixture
def alice(riverside: Clinic) -> Membership:
    return _member(riverside, "alice", Role.PRACTITIONER, "Alice", "Archer")


@pytest.fixture
def nina(riverside: Clinic) -> Membership:
    return _member(riverside, "nina", Role.NURSE, "Nina", "Novak")


@pytest.fixture
def bob(riverside: Clinic) -> Membership:
    return _member(riverside, "bob", Role.RECEPTION, "Bob", "Baker")


@pytest.fixture
def ada(riverside: Clinic) -> Membership:
    return _member(riverside, "ada", Role.ADMIN, "Ada", "Adams")


@pytest.fixture
def rita(riverside: Clinic) -> Membership:
    return _member(riverside, "rita", Role.RESEARCHER, "Rita", "Reyes")


@pytest.fixture
def charlie(hilltop: Clinic) -> Membership:
    return _member(hilltop, "charlie", Role.PRACTITIONER, "Charlie", "Chen")


@pytest.fixture
def login(client: Client) -> Callable[[Membership], Client]:
    def _login(membership: Membership) -> Client:
        # The password and the second step (tests/second_step.py).
        return sign_in(client, membership.user)

    return _login


@pytest.fixture
def patient(riverside: Clinic, alice: Membership) -> Patient:
    return Patient.objects.create(
        clinic=riverside,
        mrn="RV000001",
        given_name="Maria",
        family_name="Lopez",
        birth_date=dt.date(1985, 3, 14),
        sex="f",
        phone="+44 7700 900123",
        email="maria@example.org",
        allergies="Penicillin (rash)",
        created_by=alice.user,
    )


@pytest.fixture
def now() -> dt.datetime:
    return timezone.now()
