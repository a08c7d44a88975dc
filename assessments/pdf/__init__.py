"""PDF rendering with an embedded Chinese font: certificates, HR transcripts.

A PDF from here reads correctly on a phone with no Chinese font installed: every
text is set in ``FONT`` (WenQuanYi Micro Hei, shipped in ``fonts/``, see
``fonts/SOURCE.md``), which reportlab embeds as a subset (only the glyphs used).
No other font is referenced, not even reportlab's default Helvetica, so every font
in the file is embedded (``assessments.pdf.inspect.pdf_fonts`` checks it in tests).

The API (import from ``assessments.pdf``):

``FONT``
    The registered font name; use it for every ``setFont`` and every style.
``pdf_fonts_register()``
    Registers ``FONT`` with reportlab (idempotent; ``build_pdf`` calls it, call it
    yourself before measuring text with ``pdfmetrics.stringWidth``). Bold and
    italic map to the same face (the font has one weight): ``<b>`` in a
    Paragraph does not fall back to an unembedded Helvetica-Bold.
``paragraph_styles()``
    ParagraphStyles set in ``FONT`` with CJK line breaking: ``title``,
    ``heading``, ``body``, ``small``, ``cell`` (tables), ``cell_right``.
``build_pdf(content, *, pagesize=A4, title="", author="", subject="",
margins=15 * mm, on_page=None) -> bytes``
    ``content`` is either a list of platypus flowables (a story, laid out on as
    many pages as needed; ``on_page(canvas, doc)`` may draw a header/footer on
    each page) or a callable ``draw(canvas, width, height)`` that draws the page
    itself (call ``canvas.showPage()`` only *between* pages; ``build_pdf`` ends
    the last one). Returns the PDF bytes.
``table(rows, *, col_widths=None, style=(), repeat_rows=1)``
    A platypus Table whose cells are set in ``FONT`` (a bare ``Table`` sets plain
    string cells in Helvetica, which is not embedded and has no Chinese: if you
    build one yourself, add ``("FONTNAME", (0, 0), (-1, -1), FONT)`` to its style).
``draw_qr(canvas, value, *, x, y, size)``
    Draws a vector QR code of ``value`` (a URL) with its lower-left corner at
    (x, y), ``size`` points wide, quiet zone included.
``qr_flowable(value, *, size)``
    The same QR code as a flowable for a story.

Example (a transcript)::

    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import Paragraph
    from assessments.pdf import build_pdf, paragraph_styles, table

    styles = paragraph_styles()
    rows = [["课程", "学时"], ["社区治理基础", "2.5"]]
    story = [Paragraph("学时证明", styles["title"]), table(rows)]
    data = build_pdf(story, pagesize=A4, title="学时证明")

Registering the font reads a 5 MB file once per process (about 0.1 s); after that
a one-page PDF renders in a few milliseconds.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import qrcode
from reportlab.lib.colors import black, white
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, SimpleDocTemplate, Table, TableStyle

__all__ = [
    "FONT",
    "FONT_PATH",
    "build_pdf",
    "draw_qr",
    "paragraph_styles",
    "pdf_fonts_register",
    "qr_flowable",
    "table",
]

FONT = "LianxinSans"
FONT_PATH = Path(__file__).resolve().parent / "fonts" / "wqy-microhei.ttc"
# Subfont 0 of the collection is the proportional face (1 is the monospaced one).
_SUBFONT_INDEX = 0

_lock = threading.Lock()


def pdf_fonts_register() -> None:
    """Register FONT with reportlab once per process (safe to call again)."""
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    with _lock:
        if FONT in pdfmetrics.getRegisteredFontNames():
            return
        pdfmetrics.registerFont(
            TTFont(FONT, str(FONT_PATH), subfontIndex=_SUBFONT_INDEX)
        )
        pdfmetrics.registerFontFamily(
            FONT, normal=FONT, bold=FONT, italic=FONT, boldItalic=FONT
        )


def paragraph_styles() -> dict[str, ParagraphStyle]:
    """Paragraph styles in FONT, with CJK line breaking (any character may wrap)."""
    pdf_fonts_register()
    base = ParagraphStyle(
        "body", fontName=FONT, fontSize=10.5, leading=15, wordWrap="CJK"
    )
    return {
        "body": base,
        "title": ParagraphStyle(
            "title",
            parent=base,
            fontSize=20,
            leading=28,
            alignment=TA_CENTER,
            spaceAfter=12,
        ),
        "heading": ParagraphStyle(
            "heading",
            parent=base,
            fontSize=13.5,
            leading=19,
            spaceBefore=8,
            spaceAfter=4,
        ),
        "small": ParagraphStyle("small", parent=base, fontSize=8.5, leading=12),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9, leading=12),
        "cell_right": ParagraphStyle(
            "cell_right", parent=base, fontSize=9, leading=12, alignment=TA_RIGHT
        ),
    }


def _canvas_maker(**meta):
    """A Canvas whose initial font is FONT, so Helvetica never enters the file."""

    def make(*args, **kwargs):
        kwargs["initialFontName"] = kwargs.get("initialFontName") or FONT
        kwargs["initialFontSize"] = kwargs.get("initialFontSize") or 10
        canvas = Canvas(*args, **kwargs)
        canvas.setTitle(meta.get("title") or "")
        canvas.setAuthor(meta.get("author") or "")
        canvas.setSubject(meta.get("subject") or "")
        canvas.setCreator("连心学堂")
        return canvas

    return make


def build_pdf(
    content: Sequence | Callable,
    *,
    pagesize: tuple[float, float] = A4,
    title: str = "",
    author: str = "",
    subject: str = "",
    margins: float = 15 * mm,
    on_page: Callable | None = None,
) -> bytes:
    """Render a story (list of flowables) or a draw callback to PDF bytes."""
    pdf_fonts_register()
    buffer = io.BytesIO()
    make = _canvas_maker(title=title, author=author, subject=subject)
    if callable(content):
        canvas = make(buffer, pagesize=pagesize)
        width, height = pagesize
        content(canvas, width, height)
        canvas.showPage()
        canvas.save()
        return buffer.getvalue()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=pagesize,
        leftMargin=margins,
        rightMargin=margins,
        topMargin=margins,
        bottomMargin=margins,
        title=title,
        author=author,
        subject=subject,
        creator="连心学堂",
        initialFontName=FONT,
        initialFontSize=10,
    )
    hook = on_page or (lambda canvas, doc: None)
    doc.build(list(content), onFirstPage=hook, onLaterPages=hook, canvasmaker=make)
    return buffer.getvalue()


def _qr_matrix(value: str) -> list[list[bool]]:
    # A fixed mask: any of the eight is a valid code, and scoring all eight to
    # pick the "best" one is most of the time it takes to build a QR code.
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=2,
        box_size=1,
        mask_pattern=0,
    )
    code.add_data(value)
    code.make(fit=True)
    return code.get_matrix()


def draw_qr(canvas, value: str, *, x: float, y: float, size: float) -> None:
    """Draw a vector QR code of value with its lower-left corner at (x, y).

    One filled path of rectangles (a run of dark modules per rectangle): small
    and fast, where reportlab's own QR widget takes ~100 ms per code.
    """
    matrix = _qr_matrix(value)
    cell = size / len(matrix)
    canvas.saveState()
    canvas.setFillColor(white)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColor(black)
    path = canvas.beginPath()
    for row_index, row in enumerate(matrix):
        top = y + size - (row_index + 1) * cell
        column = 0
        while column < len(row):
            if not row[column]:
                column += 1
                continue
            start = column
            while column < len(row) and row[column]:
                column += 1
            path.rect(x + start * cell, top, (column - start) * cell, cell)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()


class QrFlowable(Flowable):
    """A QR code in a story, size points wide."""

    def __init__(self, value: str, size: float):
        super().__init__()
        self.value = value
        self.size = size
        self.width = self.height = size

    def wrap(self, available_width, available_height):
        return self.size, self.size

    def draw(self):
        draw_qr(self.canv, self.value, x=0, y=0, size=self.size)


def qr_flowable(value: str, *, size: float) -> Flowable:
    """A QR code of value as a flowable, size points wide."""
    return QrFlowable(value, size)


def table(
    rows: Sequence[Sequence],
    *,
    col_widths: Sequence[float] | None = None,
    style: Sequence[tuple] = (),
    repeat_rows: int = 1,
) -> Table:
    """A Table set in FONT with a light grid; extra TableStyle commands in style."""
    pdf_fonts_register()
    commands = [
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("FONTSIZE", (0, 0), (-1, -1), 9),
        ("GRID", (0, 0), (-1, -1), 0.25, "#999999"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        *style,
    ]
    return Table(
        [list(row) for row in rows],
        colWidths=col_widths,
        repeatRows=repeat_rows,
        style=TableStyle(commands),
    )
