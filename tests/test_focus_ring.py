"""The keyboard focus ring is visible on every surface it can be drawn on (WCAG 2.1 SC 1.4.11:
3:1 against adjacent colours).

The ring is an outline 2 px outside the focused control, so it is drawn on the background of
the surface around the control: every background colour the stylesheet gives a box. Button
fills are not such a surface (the ring sits outside the button), nor are decorations drawn
with ``::before`` (the timeline's dots), which hold no control.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.contrast import contrast, hex6

CSS = Path(__file__).resolve().parent.parent / "mesoclinic/static/mesoclinic/app.css"
RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
HEX = re.compile(r"#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b")


def _stylesheet() -> tuple[dict[str, str], list[tuple[str, str]]]:
    text = re.sub(r"/\*.*?\*/", "", CSS.read_text(), flags=re.S)
    rules = [(sel.strip(), body) for sel, body in RULE.findall(text)]
    variables = {
        name: value.strip()
        for sel, body in rules
        if sel == ":root"
        for name, value in re.findall(r"(--[\w-]+)\s*:\s*([^;]+)", body)
    }
    return variables, rules


def _colour(value: str, variables: dict[str, str]) -> str | None:
    value = re.sub(r"var\((--[\w-]+)\)", lambda m: variables.get(m.group(1), ""), value)
    found = HEX.search(value)
    return "#" + hex6(found.group(1)) if found else None


def _is_control_or_decoration(selector: str) -> bool:
    parts = [p.strip() for p in selector.split(",")]
    return all(re.search(r"(^|[\s>.])(button|\.button)\b|::?before|::?after", p) for p in parts)


def focus_ring_colour() -> str:
    variables, rules = _stylesheet()
    for selector, body in rules:
        if ":focus-visible" in selector:
            match = re.search(r"outline\s*:[^;]*", body)
            assert match, "the :focus-visible rule draws no outline"
            colour = _colour(match.group(0), variables)
            assert colour, f"the focus outline has no colour a test can read: {match.group(0)}"
            return colour
    raise AssertionError("app.css has no :focus-visible rule")


def surfaces() -> dict[str, str]:
    """Every background colour a box can have, with the rule that gives it."""
    variables, rules = _stylesheet()
    found = {}
    for selector, body in rules:
        if _is_control_or_decoration(selector):
            continue
        for value in re.findall(r"background(?:-color)?\s*:\s*([^;]+)", body):
            colour = _colour(value, variables)
            if colour:
                found.setdefault(colour, selector)
    return found


def test_it_reads_the_surfaces_of_the_stylesheet():
    # given the stylesheet; then the page, card and alert backgrounds are among the surfaces
    found = surfaces()
    assert {"#f6f7f9", "#ffffff", "#fce8e6", "#fff4d6"} <= set(found)
    assert len(found) >= 6


@pytest.mark.parametrize("surface", sorted(surfaces()))
def test_it_draws_the_focus_ring_at_3_to_1_on_every_surface(surface):
    ring = focus_ring_colour()
    ratio = contrast(ring, surface)
    assert ratio >= 3, f"focus ring {ring} on {surface} ({surfaces()[surface]}): {ratio:.2f}:1"


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [("#000000", "#ffffff", 21.0), ("#ffffff", "#ffffff", 1.0), ("#f0b400", "#ffffff", 1.87)],
)
def test_it_computes_the_wcag_contrast_ratio(a, b, expected):
    # the old ring, #f0b400 on white, is the 1.87:1 the accessibility audit measured
    assert contrast(a, b) == pytest.approx(expected, abs=0.01)
