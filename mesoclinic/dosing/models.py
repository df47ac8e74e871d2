"""No models yet: the dose engine is pure Python (engine.py, rules.py, input_schema.py).

Clinic-configured limits will be stored here later and turned into a ``rules.RuleSet`` with
``RuleSet.with_practice_caps`` / ``RuleSet.with_protocol``.
"""

from __future__ import annotations
