"""Charts drawn on the server as inline SVG: pure Python, no Django, no plotting library.

One home for the chart's measurement lines (``lines``: weight and circumference over time)
and the evidence page's plots (``estimates``: intervals, bars, trajectories), sharing one
palette and one axis. It sits in the foundation layer (CONTRIBUTING.md), so outcomes,
evidence and the surfaces may all import it.
"""
