"""Pure-Python statistics of the evidence report (no Django import).

Entry point: :func:`mesoclinic.evidence.engine.report.build_report`, which takes the four
tables of a registry bundle (../shared/spec/registry-csv.md) as lists of dicts or pandas
frames and returns the report dict of ../shared/spec/evidence-report.md. The methods follow
../shared/reference/evidence-analytics.md §4.
"""

from __future__ import annotations
