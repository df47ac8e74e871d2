"""Benchmarks: each prints its figures; none asserts a time."""

from __future__ import annotations
