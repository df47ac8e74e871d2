"""WCAG 2.1 contrast ratio (SC 1.4.3 and 1.4.11), for the tests that check colours."""

from __future__ import annotations


def hex6(value: str) -> str:
    """``#abc`` or ``#aabbcc`` as six hex digits, without the ``#``."""
    value = value.lstrip("#")
    return "".join(c * 2 for c in value) if len(value) == 3 else value


def contrast(a: str, b: str) -> float:
    """WCAG 2.1 contrast ratio of two sRGB colours given as hex."""

    def luminance(colour: str) -> float:
        channels = [int(hex6(colour)[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)
