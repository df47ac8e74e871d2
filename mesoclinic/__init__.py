"""mesoclinic: clinical records, dose safety and outcome evidence for mesotherapy practices."""

from __future__ import annotations
