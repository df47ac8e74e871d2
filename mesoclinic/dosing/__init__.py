"""Dose safety: the pure-Python dose engine and its ``dose-check`` command."""

from __future__ import annotations
