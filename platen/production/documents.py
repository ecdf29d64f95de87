"""The papers that go with a parcel, as printable PDFs (ReportLab): the packing slip (A4, one row per item with
its code as text and as a Code 128 barcode, which the packing step scans) and the shipping label (4 × 6 in,
from the facility to the customer, carrier and service, the order reference, the tracking code as a barcode
once it is known).

Text is set in DejaVu Sans when the system has it (most Latin, Greek and Cyrillic names), else in Bitstream Vera,
which ReportLab ships; both are embedded, so a PDF prints the same everywhere.
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, inch
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import registerFontFamily
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from platen.orders.models import Address, Order, Package
from platen.production.models import ProductionJob
from platen.production.services.worksheet import Line

LABEL_SIZE = (4 * inch, 6 * inch)


@cache
def _fonts() -> tuple[str, str]:
    """Register the text fonts once per process: (regular, bold)."""
    dejavu = Path("/usr/share/fonts/truetype/dejavu")
    if (dejavu / "DejaVuSans.ttf").exists() and (dejavu / "DejaVuSans-Bold.ttf").exists():
        regular, bold = dejavu / "DejaVuSans.ttf", dejavu / "DejaVuSans-Bold.ttf"
    else:
        import reportlab

        bundled = Path(reportlab.__file__).parent / "fonts"
        regular, bold = bundled / "Vera.ttf", bundled / "VeraBd.ttf"
    pdfmetrics.registerFont(TTFont("PlatenSans", str(regular)))
    pdfmetrics.registerFont(TTFont("PlatenSans-Bold", str(bold)))
    # So that <b> in a paragraph sets the bold face.
    registerFontFamily("PlatenSans", normal="PlatenSans", bold="PlatenSans-Bold", italic="PlatenSans",
                       boldItalic="PlatenSans-Bold")
    return "PlatenSans", "PlatenSans-Bold"


def packing_slip(job: ProductionJob, lines: list[Line]) -> bytes:
    regular, bold = _fonts()
    order = job.order
    styles = _styles(regular, bold)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                            bottomMargin=16 * mm, title=f"Packing slip {order.order_reference_id}",
                            author="Platen", subject=f"Order {order.id}")
    story = [
        Paragraph("Packing slip", styles["small"]),
        Paragraph(_text(order.order_reference_id), styles["title"]),
        Table([[
            [Paragraph(f"Order {order.id}", styles["small"]), Code128(str(order.id), barWidth=0.5, barHeight=24, quiet=False)],
            [Paragraph("<b>Ship to</b>", styles["body"]), Paragraph(_address_html(order.shipping_address), styles["body"])],
        ]], colWidths=[95 * mm, 79 * mm], style=TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                                            ("LEFTPADDING", (0, 0), (-1, -1), 0)])),
        Spacer(1, 4 * mm),
        Paragraph(_text(" · ".join(_facts(job))), styles["small"]),
        Spacer(1, 5 * mm),
    ]
    rows = [[Paragraph("<b>Product</b>", styles["body"]), Paragraph("<b>Qty</b>", styles["body"]),
             Paragraph("<b>Item code</b>", styles["body"])]]
    for line in lines:
        product = f"<b>{_text(line.name)}</b><br/>Item {_text(line.item.item_reference_id)}"
        if line.spec:
            product += "<br/>" + "<br/>".join(_text(s) for s in line.spec)
        code = [Code128(line.code, barWidth=0.48, barHeight=26, quiet=False), Paragraph(line.code, styles["code"])]
        rows.append([Paragraph(product, styles["body"]), Paragraph(str(line.item.quantity), styles["qty"]), code])
    story.append(Table(rows, colWidths=[76 * mm, 12 * mm, 86 * mm], repeatRows=1, style=TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.5, colors.HexColor("#c9ced8")),
        ("TOPPADDING", (0, 1), (-1, -1), 6), ("BOTTOMPADDING", (0, 1), (-1, -1), 8),
        ("LEFTPADDING", (0, 0), (0, -1), 0),
    ])))
    pieces = sum(line.item.quantity for line in lines)
    story += [Spacer(1, 5 * mm), Paragraph(
        f"{len(lines)} item{'s' if len(lines) != 1 else ''}, {pieces} piece{'s' if pieces != 1 else ''}. "
        "Scan or tick every item against the order before the parcel is closed.", styles["small"])]
    doc.build(story)
    return buffer.getvalue()


def shipping_label(job: ProductionJob, package: Package | None) -> bytes:
    """A 4 × 6 in label. Without a package (not shipped yet) the tracking code is left for the carrier's own."""
    regular, bold = _fonts()
    order = job.order
    width, height = LABEL_SIZE
    buffer = io.BytesIO()
    pdf = Canvas(buffer, pagesize=LABEL_SIZE)
    pdf.setTitle(f"Shipping label {order.order_reference_id}")
    pdf.setAuthor("Platen")
    margin = 0.18 * inch
    y = height - margin

    # From
    facility = job.facility
    pdf.setFont(bold, 7)
    pdf.drawString(margin, y - 7, "FROM")
    pdf.setFont(regular, 8)
    y -= 17
    for text in (facility.name, job.partner.name, " ".join(p for p in (facility.city, facility.country) if p)):
        pdf.drawString(margin, y, _fit(text, regular, 8, width - 2 * margin))
        y -= 10
    if order.return_address is not None:  # the merchant's, where a parcel the carrier cannot deliver goes back
        pdf.setFont(regular, 7)
        returns = "Returns: " + ", ".join(_address_lines(order.return_address))
        pdf.drawString(margin, y, _fit(returns, regular, 7, width - 2 * margin))
        y -= 9
    y -= 4
    _rule(pdf, margin, y, width)

    # To
    y -= 12
    pdf.setFont(bold, 7)
    pdf.drawString(margin, y, "SHIP TO")
    y -= 16
    to = _address_lines(order.shipping_address)
    for n, text in enumerate(to):
        last = n == len(to) - 1  # the country, largest
        font, size = (bold, 14) if last else (regular, 12)
        pdf.setFont(font, size)
        pdf.drawString(margin, y, _fit(text, font, size, width - 2 * margin))
        y -= size + 3
    y -= 4
    _rule(pdf, margin, y, width)

    # Carrier and service
    y -= 16
    carrier, service = _carrier_and_service(job, package)
    pdf.setFont(bold, 12)
    pdf.drawString(margin, y, _fit(carrier, bold, 12, width - 2 * margin))
    y -= 13
    pdf.setFont(regular, 9)
    pdf.drawString(margin, y, _fit(service, regular, 9, width - 2 * margin))
    y -= 8
    _rule(pdf, margin, y, width)

    # Tracking code
    y -= 12
    pdf.setFont(bold, 7)
    pdf.drawString(margin, y, "TRACKING")
    if package is not None and package.tracking_code:
        code = package.tracking_code
        y -= 60
        if _scannable(code):  # Code 128 carries printable ASCII only; anything else is printed as text alone
            bars = Code128(code, barWidth=_bar_width(code, width - 2 * margin), barHeight=54, quiet=False)
            bars.drawOn(pdf, margin, y)
        y -= 12
        pdf.setFont(regular, 10)
        pdf.drawString(margin, y, _fit(code, regular, 10, width - 2 * margin))
    else:
        y -= 14
        pdf.setFont(regular, 9)
        pdf.drawString(margin, y, "Not known yet: use the carrier's own label code.")

    # Order reference at the foot
    foot = margin + 8
    bars = Code128(str(order.id), barWidth=_bar_width(str(order.id), width - 2 * margin, 0.55), barHeight=22, quiet=False)
    bars.drawOn(pdf, margin, foot + 12)
    pdf.setFont(bold, 9)
    pdf.drawString(margin, foot, _fit(f"Order {order.order_reference_id}", bold, 9, width - 2 * margin))
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def latest_package(order: Order) -> Package | None:
    return order.packages.order_by("-shipped_at", "-id").first()


def _facts(job: ProductionJob) -> list[str]:
    order = job.order
    facts = [f"Due {job.due_date:%d %b %Y}", f"Made at {job.facility.name}"]
    if order.shipment_method_name:
        facts.append(f"Ships with {order.shipment_method_name}")
    if job.carrier_service is not None:
        facts.append(f"{job.carrier_service.carrier.name} {job.carrier_service.name}")
    return facts


def _carrier_and_service(job: ProductionJob, package: Package | None) -> tuple[str, str]:
    if package is not None:
        return package.carrier_name, package.service_name
    if job.carrier_service is not None:
        return job.carrier_service.carrier.name, job.carrier_service.name
    return job.order.shipment_method_name or "Carrier of your choice", ""  # no carrier service routed


def _address_lines(address: Address) -> list[str]:
    name = " ".join(p for p in (address.first_name, address.last_name) if p)
    city = " ".join(p for p in (address.post_code, address.city) if p)
    if address.state:
        city = f"{city}, {address.state}"
    lines = [address.company_name, name, address.address_line1, address.address_line2, city, address.country]
    return [line for line in lines if line]


def _address_html(address: Address) -> str:
    return "<br/>".join(_text(line) for line in _address_lines(address))


def _styles(regular: str, bold: str) -> dict[str, ParagraphStyle]:
    return {
        "title": ParagraphStyle("title", fontName=bold, fontSize=18, leading=22, spaceAfter=6),
        "body": ParagraphStyle("body", fontName=regular, fontSize=9.5, leading=12.5),
        "small": ParagraphStyle("small", fontName=regular, fontSize=8.5, leading=11, textColor=colors.HexColor("#4a5468")),
        "code": ParagraphStyle("code", fontName=regular, fontSize=7.5, leading=10),
        "qty": ParagraphStyle("qty", fontName=bold, fontSize=12, leading=14),
    }


def _text(value: str) -> str:
    return escape(str(value or ""))


def _fit(text: str, font: str, size: float, room: float) -> str:
    """Cut a line that would run off the label (with an ellipsis) rather than print past its edge."""
    text = str(text or "")
    if pdfmetrics.stringWidth(text, font, size) <= room:
        return text
    while text and pdfmetrics.stringWidth(text + "…", font, size) > room:
        text = text[:-1]
    return text + "…"


def _bar_width(value: str, room: float, widest: float = 1.0) -> float:
    """The widest bars (up to `widest` points) at which the barcode still fits the label."""
    natural = Code128(value, barWidth=1, quiet=False).width
    return min(widest, room / natural)


def _scannable(code: str) -> bool:
    return bool(code) and all(32 <= ord(c) < 127 for c in code)


def _rule(pdf: Canvas, margin: float, y: float, width: float) -> None:
    pdf.setLineWidth(0.8)
    pdf.line(margin, y, width - margin, y)
