"""``mesoclinic verify-audit [--clinic SLUG [--expect POSITION:HASH]]``: check that the audit
trail is as it was written.

Walks each clinic's hash chain, and the chain of events with no clinic (sign-ins), and
prints one line per chain: ``intact`` with its event count, position and hash of its head
(record those elsewhere: ``docs/audit.md``), or the first broken link with the event id,
its position and what differs. ``--expect`` checks a head recorded earlier: the event at
that position must still have that hash, or the chain was rewritten since. Nothing of a
patient is printed.

Exit status: 0 every chain checked is intact; 1 a chain is broken; 2 invalid input.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mesoclinic.audit.chain import in_chain
from mesoclinic.audit.models import AuditEvent
from mesoclinic.audit.verification import verify_chain
from mesoclinic.clinics.management.options import clinic_by_slug
from mesoclinic.clinics.models import Clinic

EXIT_BROKEN = 1
EXIT_INVALID = 2
UNSCOPED = "(no clinic)"


class Command(BaseCommand):
    help = (
        "Verify the audit trail's hash chains: 'intact' (exit 0) or the first broken link (exit 1)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--clinic",
            help="slug of one clinic to check (default: every clinic and the sign-in chain)",
        )
        parser.add_argument(
            "--expect",
            metavar="POSITION:HASH",
            help="a head printed earlier (with --clinic): the chain must still hold it",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        chains: list[tuple[str, int | None]]
        if options["clinic"]:
            clinic = clinic_by_slug(options["clinic"], returncode=EXIT_INVALID)
            chains = [(clinic.slug, clinic.pk)]
        else:
            chains = [(c.slug, c.pk) for c in Clinic.objects.order_by("slug")]
            chains.append((UNSCOPED, None))
        expected = self._expected(options["expect"], options["clinic"])
        broken = 0
        for label, clinic_id in chains:
            result = verify_chain(clinic_id)
            if result.broken is None and expected is not None:
                mismatch = self._anchor_mismatch(clinic_id, *expected)
                if mismatch:
                    broken += 1
                    self.stdout.write(f"{label}: BROKEN, {mismatch}")
                    continue
            if result.broken is None:
                head = f"head {result.events}:{result.head_hash}" if result.events else "empty"
                events = f"{result.events} event{'' if result.events == 1 else 's'}"
                self.stdout.write(f"{label}: intact, {events}, {head}")
            else:
                broken += 1
                self.stdout.write(f"{label}: BROKEN, {result.broken}")
        if broken:
            raise CommandError(
                f"{broken} of {len(chains)} audit chains broken.", returncode=EXIT_BROKEN
            )
        self.stdout.write(f"All {len(chains)} audit chains intact.")

    def _expected(self, value: str | None, clinic: str | None) -> tuple[int, str] | None:
        if value is None:
            return None
        position, _, hash_ = value.partition(":")
        if not clinic or not position.isdigit() or len(hash_) != 64:
            raise CommandError(
                "--expect: give POSITION:HASH as verify-audit printed it, with --clinic.",
                returncode=EXIT_INVALID,
            )
        return int(position), hash_.lower()

    def _anchor_mismatch(self, clinic_id: int | None, position: int, hash_: str) -> str:
        """Why the intact chain no longer holds the recorded head, or '' when it does."""
        events = AuditEvent.objects.filter(in_chain(clinic_id), seq=position)
        stored = events.values_list("hash", flat=True).first()
        if stored is None:
            return f"chain rewritten: position {position} of the recorded head no longer exists"
        if stored != hash_:
            return (
                f"chain rewritten: the event at position {position} no longer has the "
                "recorded hash (every event since was re-hashed)"
            )
        return ""
