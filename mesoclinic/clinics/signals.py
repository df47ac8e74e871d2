"""What sign-in announces for the apps above it to act on (the audit trail records it)."""

from __future__ import annotations

from django.dispatch import Signal

# A person set a new password with an e-mailed reset link. Sent with ``request`` and ``user``.
password_reset_completed = Signal()
