"""No models: this app holds services and commands only."""

from __future__ import annotations
