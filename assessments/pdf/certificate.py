"""The certificate (结业证书) as an A4 landscape PDF, in two designs.

``certificate_pdf_render(certificate=…, verify_url=…, seal=…)`` takes anything
with the Certificate's printed fields (holder_name, course_title, hours,
completed_on, issuer_name, serial, design, expires_on), so the trainers'
preview renders sample data without a database row. Labels are translated in
the site's language (settings.LANGUAGE_CODE), whatever the request's language:
the certificate is one document for every reader.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _
from reportlab.lib.colors import HexColor
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Paragraph

from . import FONT, build_pdf, draw_qr

DESIGNS = ("classic", "modern")
PAGE = landscape(A4)
RED = HexColor("#b3261e")
GOLD = HexColor("#b08d57")
INK = HexColor("#222222")
MUTED = HexColor("#666666")
TEAL = HexColor("#0f5c6e")


def _hours(value) -> str:
    value = Decimal(value)
    return f"{value:.1f}".rstrip("0").rstrip(".") if value % 1 == 0 else f"{value}"


def _texts(certificate) -> dict[str, str]:
    date = certificate.completed_on
    return {
        "title": _("Certificate of Completion"),
        "body": _(
            "%(name)s completed the course “%(course)s” on %(year)s-%(month)s-%(day)s "
            "and earned %(hours)s credit hours."
        )
        % {
            "name": f"<font size='24'>{escape(certificate.holder_name)}</font>",
            "course": escape(certificate.course_title),
            "year": date.year,
            "month": f"{date.month:02d}",
            "day": f"{date.day:02d}",
            "hours": _hours(certificate.hours),
        },
        "serial": _("Certificate number: %(serial)s") % {"serial": certificate.serial},
        "expires": (
            _("Valid until %(date)s") % {"date": certificate.expires_on.isoformat()}
            if certificate.expires_on
            else ""
        ),
        "verify": _("Scan to verify"),
        "issuer": certificate.issuer_name,
        "issued": _("Issued on %(date)s") % {"date": date.isoformat()},
    }


def _paragraph(canvas, text, *, x, y_top, width, size, align, color=INK, leading=1.6):
    style = ParagraphStyle(
        "p",
        fontName=FONT,
        fontSize=size,
        leading=size * leading,
        alignment=align,
        textColor=color,
        wordWrap="CJK",
    )
    paragraph = Paragraph(text, style)
    _w, height = paragraph.wrapOn(canvas, width, 400)
    paragraph.drawOn(canvas, x, y_top - height)
    return height


def _seal(canvas, seal, *, x, y, size):
    if seal is None:
        return
    try:
        seal.open("rb")
        try:
            reader = ImageReader(seal)
            canvas.drawImage(
                reader,
                x,
                y,
                width=size,
                height=size,
                mask="auto",
                preserveAspectRatio=True,
            )
        finally:
            seal.close()
    except (OSError, ValueError):
        pass  # a missing or broken seal file must not stop the certificate


def _classic(canvas, width, height, t, certificate, verify_url, seal):
    canvas.setFillColor(HexColor("#fffdf7"))
    canvas.rect(0, 0, width, height, stroke=0, fill=1)
    canvas.setStrokeColor(RED)
    canvas.setLineWidth(3)
    canvas.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    canvas.setStrokeColor(GOLD)
    canvas.setLineWidth(1)
    canvas.rect(16 * mm, 16 * mm, width - 32 * mm, height - 32 * mm)
    canvas.setFillColor(RED)
    canvas.setFont(FONT, 40)
    canvas.drawCentredString(width / 2, height - 52 * mm, t["title"])
    _paragraph(
        canvas,
        t["body"],
        x=40 * mm,
        y_top=height - 75 * mm,
        width=width - 80 * mm,
        size=17,
        align=TA_CENTER,
    )
    # Issuer and seal, bottom right.
    canvas.setFillColor(INK)
    canvas.setFont(FONT, 14)
    canvas.drawCentredString(width - 75 * mm, 48 * mm, t["issuer"])
    canvas.setFont(FONT, 11)
    canvas.drawCentredString(width - 75 * mm, 41 * mm, t["issued"])
    _seal(canvas, seal, x=width - 95 * mm, y=32 * mm, size=40 * mm)
    _footer(canvas, t, verify_url, x=24 * mm, y=24 * mm)


def _modern(canvas, width, height, t, certificate, verify_url, seal):
    canvas.setFillColor(TEAL)
    canvas.rect(0, 0, 70 * mm, height, stroke=0, fill=1)
    canvas.setFillColor(HexColor("#ffffff"))
    canvas.setFont(FONT, 13)
    canvas.drawString(12 * mm, height - 25 * mm, t["issuer"])
    draw_qr(canvas, verify_url, x=12 * mm, y=30 * mm, size=46 * mm)
    canvas.setFont(FONT, 9)
    canvas.drawString(14 * mm, 25 * mm, t["verify"])
    canvas.setFillColor(TEAL)
    canvas.setFont(FONT, 36)
    canvas.drawString(85 * mm, height - 45 * mm, t["title"])
    canvas.setStrokeColor(GOLD)
    canvas.setLineWidth(2)
    canvas.line(85 * mm, height - 52 * mm, width - 20 * mm, height - 52 * mm)
    _paragraph(
        canvas,
        t["body"],
        x=85 * mm,
        y_top=height - 65 * mm,
        width=width - 110 * mm,
        size=17,
        align=TA_LEFT,
    )
    canvas.setFillColor(INK)
    canvas.setFont(FONT, 11)
    canvas.drawString(85 * mm, 46 * mm, t["issued"])
    if t["expires"]:
        canvas.drawString(85 * mm, 40 * mm, t["expires"])
    canvas.setFillColor(MUTED)
    canvas.setFont(FONT, 10)
    canvas.drawString(85 * mm, 26 * mm, t["serial"])
    canvas.setFont(FONT, 8)
    canvas.drawString(85 * mm, 20 * mm, verify_url)
    _seal(canvas, seal, x=width - 70 * mm, y=22 * mm, size=40 * mm)


def _footer(canvas, t, verify_url, *, x, y):
    size = 30 * mm
    draw_qr(canvas, verify_url, x=x, y=y + 8 * mm, size=size)
    canvas.setFillColor(MUTED)
    canvas.setFont(FONT, 10)
    canvas.drawString(x + size + 4 * mm, y + 30 * mm, t["serial"])
    if t["expires"]:
        canvas.drawString(x + size + 4 * mm, y + 24 * mm, t["expires"])
    canvas.drawString(x + size + 4 * mm, y + 18 * mm, t["verify"])
    canvas.setFont(FONT, 8)
    canvas.drawString(x + size + 4 * mm, y + 12 * mm, verify_url)


def certificate_pdf_render(*, certificate, verify_url: str, seal=None) -> bytes:
    """The certificate as PDF bytes, in its design (classic when unknown)."""
    with translation.override(settings.LANGUAGE_CODE):
        texts = _texts(certificate)
        title = f"{texts['title']} · {certificate.serial}"
    draw = _modern if certificate.design == "modern" else _classic

    def page(canvas, width, height):
        draw(canvas, width, height, texts, certificate, verify_url, seal)

    return build_pdf(page, pagesize=PAGE, title=title, author=certificate.issuer_name)
