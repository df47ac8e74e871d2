"""An epidemic curve drawn as inline SVG on the server: cases by week of onset, stacked by
exposure (the cases exposed to the signal's lot, practitioner or day, and the others).

Pure Python (no Django import): onsets in, an SVG string out. The SVG carries <title> and
<desc>; the page shows the counts as a table too.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from html import escape

from mesoclinic.charts.lines import INK, PALETTE, PAPER

EXPOSED_FILL = PALETTE[1]
OTHER_FILL = "#8a94a6"
WIDTH = 640
HEIGHT = 200
LEFT, RIGHT, TOP, BOTTOM = 40.0, 10.0, 10.0, 40.0


def week_of(day: dt.date) -> dt.date:
    """The Monday of the day's week."""
    return day - dt.timedelta(days=day.weekday())


def weekly_counts(
    cases: Sequence[tuple[dt.date, bool]], start: dt.date, end: dt.date
) -> list[tuple[dt.date, int, int]]:
    """(week, exposed cases, other cases) for every week from ``start`` to ``end``."""
    exposed = Counter(week_of(day) for day, mine in cases if mine and start <= day <= end)
    other = Counter(week_of(day) for day, mine in cases if not mine and start <= day <= end)
    weeks: list[tuple[dt.date, int, int]] = []
    week = week_of(start)
    while week <= end:
        weeks.append((week, exposed[week], other[week]))
        week += dt.timedelta(days=7)
    return weeks


def render_epicurve(
    weeks: Sequence[tuple[dt.date, int, int]], title: str, exposed_label: str, other_label: str
) -> str:
    """Stacked bars, one per week: the exposed cases at the bottom, the others above."""
    top = max([e + o for _, e, o in weeks] + [1])
    inner_w = WIDTH - LEFT - RIGHT
    inner_h = HEIGHT - TOP - BOTTOM
    bar = inner_w / max(1, len(weeks))
    parts = [
        f'<svg class="plot epicurve" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
        f"<desc>{escape(exposed_label)}: {sum(e for _, e, _ in weeks)}; "
        f"{escape(other_label)}: {sum(o for _, _, o in weeks)}</desc>",
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="{PAPER}"/>',
    ]
    for tick in sorted({0, top // 2, top}):
        y = TOP + inner_h * (1 - tick / top)
        parts.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{INK}">{tick}</text>'
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#d0d5dd"/>'
        )
    for i, (week, exposed, other) in enumerate(weeks):
        x = LEFT + i * bar
        y = TOP + inner_h
        for count, fill in ((exposed, EXPOSED_FILL), (other, OTHER_FILL)):
            if count:
                h = inner_h * count / top
                y -= h
                parts.append(
                    f'<rect x="{x + 1:.1f}" y="{y:.1f}" width="{max(1.0, bar - 2):.1f}" '
                    f'height="{h:.1f}" fill="{fill}"><title>{week.isoformat()}: {count}</title></rect>'
                )
    step = max(1, len(weeks) // 6)
    for i in range(0, len(weeks), step):
        x = LEFT + i * bar
        parts.append(
            f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 16}" fill="{INK}">'
            f"{weeks[i][0].isoformat()}</text>"
        )
    legend_y = HEIGHT - 8
    parts.append(
        f'<rect x="{LEFT}" y="{legend_y - 10}" width="12" height="12" fill="{EXPOSED_FILL}"/>'
        f'<text x="{LEFT + 16}" y="{legend_y}" fill="{INK}">{escape(exposed_label)}</text>'
        f'<rect x="{LEFT + 260}" y="{legend_y - 10}" width="12" height="12" fill="{OTHER_FILL}"/>'
        f'<text x="{LEFT + 276}" y="{legend_y}" fill="{INK}">{escape(other_label)}</text>'
    )
    parts.append("</svg>")
    return "".join(parts)
