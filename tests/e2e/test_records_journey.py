"""HR on a desktop filters the dashboard to a community, sees a worker's
completion, drills down to the worker's record and downloads the XLSX, whose
rows include that worker. Runs on the demo data (`seed_demo`)."""

import io
import re

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from courses.models import CoursePage, Enrolment
from people.models import OrgUnit, User

from .helpers import demo_seed, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_hr_filters_to_a_community_drills_down_and_downloads_the_xlsx(desktop):
    demo_seed()
    worker = User.objects.get(username="demo_worker")
    course = CoursePage.objects.order_by("title").first()
    Enrolment.objects.update_or_create(
        user=worker,
        course=course,
        defaults={
            "status": Enrolment.Status.COMPLETED,
            "lessons_required": 2,
            "lessons_done": 2,
            "completed_at": timezone.now(),
        },
    )
    chaoyang = OrgUnit.objects.get(name="朝阳社区")
    mine = Enrolment.objects.filter(user=worker)
    done = mine.filter(status=Enrolment.Status.COMPLETED).count()

    sign_in(desktop, "demo_hr_street", landing=r"/records/$")
    desktop.locator("#f-unit").select_option(value=str(chaoyang.pk))
    desktop.locator(".rec-filters button.primary").click()

    expect(desktop).to_have_url(re.compile(rf"/records/\?.*unit={chaoyang.pk}"))
    row = desktop.locator("#workers tr", has_text="陈思远")
    expect(row).to_contain_text("LX0901")
    expect(row.locator("td.num").first).to_have_text(f"{done} / {mine.count()}")
    expect(desktop.locator("#report-completion")).to_be_visible()

    row.get_by_role("link", name="陈思远").click()
    expect(desktop).to_have_url(re.compile(rf"/records/workers/{worker.pk}/$"))
    expect(desktop.locator("#enrolments")).to_contain_text(course.title)

    desktop.go_back()
    with desktop.expect_download() as info:
        desktop.locator(".rec-exports a").first.click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    data = open(download.path(), "rb").read()  # noqa: SIM115
    sheet = load_workbook(io.BytesIO(data), read_only=True).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    mine = [r for r in rows[1:] if r[0] == "LX0901" and r[4] == course.title]
    assert mine and mine[0][1] == "陈思远"
    assert mine[0][2].endswith("东湖街道/朝阳社区")
