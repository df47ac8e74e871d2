"""An issued invoice or credit note as a PDF (fpdf2, DejaVu Sans for accented names).

It carries what an invoice must show and nothing clinical: the clinic, the number and date,
the buyer's name as issued, the lines, the VAT per line and the totals, and the payments."""

from __future__ import annotations

from pathlib import Path

from django.utils.formats import date_format
from django.utils.translation import get_language, gettext

from mesoclinic.billing.models import Invoice
from mesoclinic.clinics.templatetags.quantities import money, qty

# The evidence report's fonts (with their licence), read from their folder rather than copied:
# billing imports nothing of evidence, a higher layer; only the font files are shared.
FONT_DIR = Path(__file__).resolve().parent.parent / "evidence" / "fonts"
FAMILY = "DejaVu"


def invoice_pdf(invoice: Invoice) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(orientation="portrait", unit="pt", format="A4")
    pdf.add_font(FAMILY, "", FONT_DIR / "DejaVuSans.ttf")
    pdf.add_font(FAMILY, "B", FONT_DIR / "DejaVuSans-Bold.ttf")
    pdf.set_margins(50, 50, 50)
    pdf.set_lang(get_language() or "en")
    title = (
        gettext("Credit note %(number)s")
        if invoice.is_credit_note
        else gettext("Invoice %(number)s")
    ) % {"number": invoice.number_text}
    pdf.set_title(title)
    pdf.set_creator("mesoclinic")
    pdf.add_page()
    width = pdf.w - 100
    pdf.set_font(FAMILY, "B", 16)
    pdf.multi_cell(width, 22, invoice.clinic.name, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "B", 13)
    pdf.multi_cell(width, 20, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "", 10)
    facts = [
        gettext("Date: %(date)s")
        % {
            "date": date_format(invoice.issue_date, "SHORT_DATE_FORMAT")
            if invoice.issue_date
            else ""
        },
        gettext("Billed to: %(name)s") % {"name": invoice.buyer_name},
    ]
    if invoice.credits is not None:
        facts.append(
            gettext("Refunds invoice %(number)s") % {"number": invoice.credits.number_text}
        )
    for fact in facts:
        pdf.multi_cell(width, 14, fact, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(10)
    columns = [
        (gettext("Description"), 0.40),
        (gettext("Quantity"), 0.10),
        (gettext("Price before VAT"), 0.15),
        (gettext("VAT"), 0.15),
        (gettext("Total"), 0.20),
    ]
    pdf.set_font(FAMILY, "B", 9)
    for label, share in columns:
        pdf.cell(width * share, 16, label, border="B")
    pdf.ln()
    pdf.set_font(FAMILY, "", 9)
    currency = invoice.currency
    for line in invoice.lines.all():
        cells = [
            line.description,
            qty(line.quantity),
            money(line.unit_price, currency),
            f"{qty(line.vat_rate_percent, '%')} · {money(line.vat_amount, currency)}",
            money(line.gross_amount, currency),
        ]
        for text, (_label, share) in zip(cells, columns, strict=True):
            pdf.cell(width * share, 16, text)
        pdf.ln()
    pdf.ln(6)
    for label, amount, bold in (
        (gettext("Total before VAT"), invoice.net_total, False),
        (gettext("VAT"), invoice.vat_total, False),
        (gettext("Total"), invoice.gross_total, True),
        (gettext("Paid"), invoice.paid(), False),
        (gettext("Balance due"), invoice.balance_due(), True),
    ):
        pdf.set_font(FAMILY, "B" if bold else "", 10)
        pdf.cell(width * 0.8, 16, label, align="R")
        pdf.cell(width * 0.2, 16, money(amount, currency), align="R")
        pdf.ln()
    return bytes(pdf.output())
