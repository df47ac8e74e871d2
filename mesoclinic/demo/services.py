"""Loading, detecting and removing the demo practices (Riverside and Hilltop).

``load_demo`` is idempotent: when Riverside already exists it writes nothing. The whole
build is one transaction, so an interrupted load leaves no half-built practice.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.db import connection, models, transaction
from django.db.models.deletion import ProtectedError, RestrictedError

from mesoclinic.audit import chain
from mesoclinic.audit.choices import Action
from mesoclinic.audit.models import AuditChainHead, AuditEvent
from mesoclinic.clinics.models import Clinic
from mesoclinic.demo.catalogue import DEMO_PASSWORD, HILLTOP, RIVERSIDE, ClinicSpec
from mesoclinic.demo.generator import MIN_PATIENTS, build_practice
from mesoclinic.demo.research_sites import add_research_sites, remove_research_site_files
from mesoclinic.records import immutability

Report = Callable[[str], None]
DEMO_CLINICS: tuple[ClinicSpec, ...] = (RIVERSIDE, HILLTOP)


class DemoError(Exception):
    """The demo cannot be loaded or removed as asked; the message says why."""


@dataclass(frozen=True)
class Login:
    username: str
    password: str
    role: str
    clinic: str


@dataclass
class LoadResult:
    created: bool
    seconds: float = 0.0
    counts: dict[str, dict[str, int]] = field(default_factory=dict)


def demo_usernames() -> list[str]:
    return [s.username for spec in DEMO_CLINICS for s in spec.staff]


def logins() -> list[Login]:
    """Who can sign in to the demo, with which role at which clinic."""
    from mesoclinic.clinics.choices import Role

    labels = dict(Role.choices)
    return [
        Login(s.username, DEMO_PASSWORD, str(labels[s.role]), spec.name)
        for spec in DEMO_CLINICS
        for s in spec.staff
    ]


def is_loaded() -> bool:
    return Clinic.objects.filter(slug=RIVERSIDE.slug).exists()


def load_demo(
    *,
    seed: int = 1,
    patients: int | None = None,
    hilltop_patients: int | None = None,
    reset: bool = False,
    report: Report = lambda message: None,
) -> LoadResult:
    """Build the demo practices unless they are already there (``reset`` rebuilds them)."""
    riverside_n = RIVERSIDE.patients if patients is None else patients
    hilltop_n = HILLTOP.patients if hilltop_patients is None else hilltop_patients
    if riverside_n < MIN_PATIENTS or hilltop_n < 1:
        raise DemoError(
            f"patients must be at least {MIN_PATIENTS} (Riverside) and 1 (Hilltop) so that "
            "every indication and safety case is present."
        )
    if reset:
        remove_demo(report=report)
    elif is_loaded():
        report("The demo practice is already loaded; nothing to do (use --reset to rebuild).")
        return LoadResult(created=False)
    taken = sorted(
        User.objects.filter(username__in=demo_usernames()).values_list("username", flat=True)
    )
    if taken:
        raise DemoError(
            f"Users {', '.join(taken)} already exist but the demo practice does not; "
            "remove them or use a database without them."
        )
    if Clinic.objects.filter(slug=HILLTOP.slug).exists():
        raise DemoError("A clinic with the slug 'hilltop' already exists; run with --reset.")
    started = time.perf_counter()
    # argon2 is deliberately slow: hash the one demo password once and share the hash.
    password_hash = make_password(DEMO_PASSWORD)
    result = LoadResult(created=True)
    with transaction.atomic():
        for spec, n in ((RIVERSIDE, riverside_n), (HILLTOP, hilltop_n)):
            result.counts[spec.slug] = build_practice(
                spec, patients=n, seed=seed, password_hash=password_hash, report=report
            )
        riverside = Clinic.objects.get(slug=RIVERSIDE.slug)
        sites = add_research_sites(riverside, seed)
        report(f"{RIVERSIDE.slug}: {sites} synthetic practices' bundles held as research sites (pooled evidence).")  # fmt: skip
    result.seconds = time.perf_counter() - started
    report(f"Demo practices built in {result.seconds:.1f} s.")
    return result


def _clinic_models() -> list[type[models.Model]]:
    """Every model whose rows belong to a clinic (a ``clinic`` foreign key to Clinic) and
    whose table exists (an app still without its migration has nothing to delete)."""
    tables = set(connection.introspection.table_names())
    out = []
    for model in apps.get_models():
        if model._meta.db_table not in tables:
            continue
        field_ = next((f for f in model._meta.get_fields() if f.name == "clinic"), None)
        if isinstance(field_, models.ForeignKey) and field_.related_model is Clinic:
            out.append(model)
    return out


def remove_demo(report: Report = lambda message: None) -> None:
    """Delete the demo clinics, everything in them and the demo users.

    Rows are deleted model by model; a model whose rows are still protected by another's
    foreign key is retried after the others, so new clinical apps need no change here.
    The practices are synthetic, signed records and audit trail included, so the database's
    immutability triggers are set aside for this one transaction (records.immutability).
    """
    clinics = list(Clinic.objects.filter(slug__in=[s.slug for s in DEMO_CLINICS]))
    users = User.objects.filter(username__in=demo_usernames())
    with transaction.atomic(), immutability.suspended(connection):
        remove_research_site_files(clinics)
        pending = _clinic_models()
        AuditEvent.objects.filter(models.Q(clinic__in=clinics) | models.Q(user__in=users)).delete()
        # The demo users' sign-ins leave the chain of events with no clinic: it is re-sealed
        # without them, and says so in a new event (docs/audit.md).
        unscoped = AuditEvent.objects.filter(clinic=None).count()
        if AuditChainHead.objects.filter(clinic=None, length__gt=unscoped).exists():
            chain.reseal(AuditEvent, AuditChainHead, None)
            AuditEvent.objects.create(
                action=Action.UPDATE,
                object_type="audit chain",
                detail="re-sealed after removing the demo practices' sign-ins",
            )
        for _ in range(len(pending) + 1):
            if not pending:
                break
            blocked = []
            for model in pending:
                try:
                    with transaction.atomic():
                        model._default_manager.filter(clinic__in=clinics).delete()
                except (ProtectedError, RestrictedError):
                    blocked.append(model)
            pending = blocked
        if pending:
            names = ", ".join(m._meta.label for m in pending)
            raise DemoError(f"Could not remove the demo rows of {names}.")
        Clinic.objects.filter(pk__in=[c.pk for c in clinics]).delete()
        try:
            with transaction.atomic():
                users.delete()
        except (ProtectedError, RestrictedError) as error:
            raise DemoError(
                "The demo users are referenced by records of another clinic and were kept."
            ) from error
    if clinics:
        report(f"Removed the demo practices ({', '.join(c.name for c in clinics)}).")


DEMO_KEY_NAME = "demo-pseudonym.key"


def demo_pseudonym_key(var_dir: Path) -> Path:
    """The demo's own pseudonym key file (created once, owner-only), so that a de-identified
    export of the demo runs without setting up a real key (docs/deidentified-export.md).

    Only the demo's: a real installation creates its key itself and keeps it away from the
    database and its backups; this one sits beside the demo's database, which is fine for
    synthetic data only.
    """
    path = var_dir / DEMO_KEY_NAME
    if not path.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(32) + "\n")
    return path
