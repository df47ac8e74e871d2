"""A text PDF of the evidence report, written without a PDF library (pure Python).

The report a practice hands to a patient or a journal: numbers, figures, methods,
limitations. A block is (style, text) or ("figure", drawing): a drawing is vector paths of a
known height (pdf_figures.py) kept whole on one page. PDF 1.4 with the standard Helvetica fonts needs no embedded font and no
dependency; lines are wrapped by an average glyph width and paged on A4. Characters outside
Windows-1252 (the standard fonts' encoding) are spelt out (≥ → ">=", − → "-").
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import Protocol

PAGE_W, PAGE_H, MARGIN = 595, 842, 56
SPELL = {"−": "-", "≥": ">=", "≤": "<=", "≈": "~", "τ": "tau", "γ": "gamma", "→": "->", "’": "'"}


class Drawing(Protocol):
    """Vector content of a fixed height, drawn with its top-left corner at (left, top)."""

    @property
    def height(self) -> float: ...

    def ops(self, left: float, top: float) -> bytes: ...


Block = tuple[str, "str | Drawing"]
Line = tuple[str, int, "str | Drawing"]


def _pdf_text(text: str) -> bytes:
    for char, spelt in SPELL.items():
        text = text.replace(char, spelt)
    raw = text.encode("cp1252", errors="replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def _lines(blocks: Sequence[Block]) -> list[Line]:
    """(font, size, text) per printed line; blocks are (style, text) with style h1/h2/p/li."""
    out: list[Line] = []
    for style, text in blocks:
        if not isinstance(text, str):
            out.append(("figure", 0, text))
            continue
        font, size = {"h1": ("F2", 16), "h2": ("F2", 12)}.get(style, ("F1", 10))
        width = int((PAGE_W - 2 * MARGIN) / (size * 0.5))
        if style == "h2":
            out.append(("F1", 6, ""))
        prefix = "- " if style == "li" else ""
        wrapped = textwrap.wrap(text, width - 2, initial_indent=prefix, subsequent_indent="  " if prefix else "")  # fmt: skip
        out.extend((font, size, line) for line in wrapped or [""])
    return out


def report_pdf(title: str, blocks: Sequence[Block]) -> bytes:
    """A4 pages of the blocks, with a page number and the title in each footer."""
    pages: list[list[tuple[str, int, str | Drawing, float]]] = [[]]
    y = float(PAGE_H - MARGIN)
    for font, size, text in _lines(blocks):
        height = size * 1.4 if isinstance(text, str) else text.height
        if y - height < MARGIN + 20 and pages[-1]:
            pages.append([])
            y = float(PAGE_H - MARGIN)
        if not isinstance(text, str):
            pages[-1].append((font, size, text, y))
        y -= height
        if isinstance(text, str):
            pages[-1].append((font, size, text, y))
    objects: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>", b""]
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")  # fmt: skip
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>")  # fmt: skip
    kids = []
    for number, page in enumerate(pages, start=1):
        ops = []
        for font, size, text, line_y in page:
            if isinstance(text, str):
                ops.append(b"BT /%s %d Tf 1 0 0 1 %d %.1f Tm (%s) Tj ET" % (font.encode(), size, MARGIN, line_y, _pdf_text(text)))  # fmt: skip
            else:
                ops.append(text.ops(MARGIN, line_y))
        footer = f"{title} - page {number} of {len(pages)}"
        ops.append(b"BT /F1 8 Tf 1 0 0 1 %d %d Tm (%s) Tj ET" % (MARGIN, MARGIN - 20, _pdf_text(footer)))  # fmt: skip
        stream = b"\n".join(ops)
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
        content_ref = len(objects)
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents %d 0 R >>" % (PAGE_W, PAGE_H, content_ref))  # fmt: skip
        kids.append(len(objects))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % k for k in kids), len(kids))  # fmt: skip
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for index, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (index, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)
