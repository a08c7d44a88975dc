"""A worker completes a course on a phone; the certificate appears in 我的证书
and its QR URL (the share link) shows it valid to anyone."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from assessments.models import Certificate
from people import roles
from tests.factories.courses import CoursePageFactory, LessonPageFactory
from tests.factories.people import (
    PASSWORD,
    UserFactory,
    WorkerProfileFactory,
    org_unit,
)

from .helpers import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_worker_completes_a_course_and_anyone_verifies_the_certificate(
    phone, browser, live_server, celery_eager
):
    from .helpers import open_page

    WorkerProfileFactory(
        user=UserFactory(username="cert_worker", name="张晓明", roles=[roles.WORKER]),
        org_unit=org_unit("朝阳社区", org_unit("东湖街道", org_unit("连心区"))),
    )
    course = CoursePageFactory(
        title="人民调解法解读",
        certificate_enabled=True,
        certificate_validity_months=24,
    )
    lesson = LessonPageFactory(course=course, title="第一课 调解原则")

    sign_in(phone, "cert_worker", password=PASSWORD, landing=r"/learning/$")

    phone.goto(lesson.url)
    phone.get_by_role("button", name="报名学习").click()
    phone.get_by_role(
        "button", name=re.compile("完成本课|Complete this lesson")
    ).click()

    phone.goto("/certificates/")
    card = phone.locator(".cert").first
    expect(card).to_contain_text("人民调解法解读")
    certificate = Certificate.objects.get()
    expect(card).to_contain_text(certificate.serial)
    share = card.locator(".cert-share input").input_value()
    assert share.endswith(f"/certificates/verify/{certificate.code}/")
    with phone.expect_download() as download:
        card.get_by_role("link", name=re.compile("PDF")).click()
    assert download.value.suggested_filename == f"{certificate.serial}.pdf"

    with open_page(browser, live_server, "certificate-verify") as stranger:
        stranger.goto(urlsplit(share).path)  # SITE_URL's host is not the live server
        expect(stranger.locator(".cert-verify")).to_have_class(re.compile("cert-valid"))
        expect(stranger.locator(".cert-verify")).to_contain_text("张*明")
        expect(stranger.locator(".cert-verify")).not_to_contain_text("张晓明")
