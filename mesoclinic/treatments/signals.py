"""Hooks for apps above treatments that must act when a session is signed.

Treatments sits below aftercare in the layer order (CONTRIBUTING.md), so signing cannot call
aftercare; it announces the signature instead. ``session_signed`` is sent inside the signing
transaction, after ``sign_record``, with ``send`` (not ``send_robust``): whatever a receiver
writes is part of the signing, and a receiver that raises rolls the signing back.
"""

from __future__ import annotations

from django.dispatch import Signal

# Sent with sender=TreatmentSession and session=<the signed TreatmentSession>.
session_signed = Signal()
