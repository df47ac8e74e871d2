"""The evidence app stores no rows of its own.

It computes the evidence report from the records of the other apps (sessions, measurements,
adverse events) or from a registry bundle; the statistics live in ``engine/`` with no Django
import (../shared/spec/evidence-report.md).
"""

from __future__ import annotations
