"""The certificate PDF: Chinese text readable with no font installed."""

import pytest

from assessments.pdf import build_pdf, paragraph_styles, table
from assessments.pdf.inspect import pdf_fonts, pdf_text
from assessments.services.certificates import (
    certificate_pdf_bytes,
    certificate_pdf_store,
)
from tests.certificates.conftest import make_certificate


def _flat(text: str) -> str:
    return "".join(text.split())


@pytest.mark.parametrize("design", ["classic", "modern"])
def test_every_font_is_embedded_and_the_name_and_course_title_can_be_extracted(
    worker, cert_course, issuer, design
):
    certificate = make_certificate(worker, cert_course, design=design)

    data = certificate_pdf_bytes(certificate=certificate)

    fonts = pdf_fonts(data)
    assert fonts, "the PDF uses no font at all"
    assert all(font.embedded for font in fonts), fonts
    assert all("WenQuanYiMicroHei" in font.base_font for font in fonts), fonts
    text = _flat(pdf_text(data))
    assert "张晓明" in text
    assert "人民调解法解读" in text
    assert certificate.serial in text
    assert f"/certificates/verify/{certificate.code}/" in text
    assert "连心区社区工作者培训中心" in text
    assert len(data) < 300 * 1024


def test_storing_again_overwrites_the_same_key(worker, cert_course):
    certificate = make_certificate(worker, cert_course)

    first = certificate_pdf_store(certificate=certificate)
    second = certificate_pdf_store(certificate=certificate)

    assert (
        first
        == second
        == f"certificates/{certificate.serial[3:7]}/{certificate.serial}.pdf"
    )


def test_a_seal_image_is_drawn_on_the_certificate(worker, cert_course, issuer):
    from io import BytesIO

    from django.core.files.base import ContentFile
    from PIL import Image

    buffer = BytesIO()
    Image.new("RGBA", (120, 120), (200, 0, 0, 200)).save(buffer, format="PNG")
    issuer.seal.save("seal.png", ContentFile(buffer.getvalue()))
    certificate = make_certificate(worker, cert_course)

    data = certificate_pdf_bytes(certificate=certificate)

    assert b"/Subtype /Image" in data


def test_the_shared_renderer_keeps_tables_and_paragraphs_in_the_embedded_font():
    styles = paragraph_styles()
    data = build_pdf(
        [table([["课程", "学时"], ["社区治理基础", "2.5"]])],
        title="学时证明",
    )
    data_with_text = build_pdf(
        [
            __import__("reportlab.platypus", fromlist=["Paragraph"]).Paragraph(
                "学时证明 <b>张晓明</b>", styles["title"]
            )
        ]
    )

    for pdf in (data, data_with_text):
        assert all(font.embedded for font in pdf_fonts(pdf))
    assert "社区治理基础" in pdf_text(data)
    assert "张晓明" in pdf_text(data_with_text)
