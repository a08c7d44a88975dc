"""A worker consents, answers PSS-10 on a phone and sees the result; HR sees only
group figures, and "too small" for small groups; after withdrawal the data is gone."""

import re

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from people.models import User
from wellbeing.models import ConsentRecord, Result

from .helpers import demo_seed, no_sideways_scroll, open_page, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def t(msgid: str) -> str:
    """A msgid as the Chinese site shows it (English until it is translated)."""
    with translation.override("zh-hans"):
        return gettext(msgid)


def test_a_worker_consents_answers_on_a_phone_and_withdraws_and_hr_sees_groups(
    phone, browser, live_server
):
    demo_seed()
    worker = User.objects.get(username="demo_worker2")

    sign_in(phone, "demo_worker2", landing=r"/learning/$")
    phone.goto("/wellbeing/")
    phone.get_by_role("link", name=t("Read the consent and start")).click()

    expect(phone).to_have_url(re.compile(r"/wellbeing/pss10/consent/$"))
    expect(phone.locator(".wb-consent-text")).to_contain_text("只有您本人能看到")
    box = phone.get_by_role("checkbox")
    expect(box).not_to_be_checked()
    phone.get_by_role("button", name=t("Agree and continue")).click()
    expect(phone.get_by_role("alert")).to_be_visible()  # not ticked: refused
    box.check()
    phone.get_by_role("button", name=t("Agree and continue")).click()

    expect(phone).to_have_url(re.compile(r"/wellbeing/pss10/take/$"))
    assert no_sideways_scroll(phone), "the questionnaire is wider than a phone"
    for number in range(1, 11):
        # 经常 on the six plain items, 偶尔 on the reversed 4, 5, 7, 8: 6×3 + 4×3 = 30.
        label = "偶尔" if number in (4, 5, 7, 8) else "经常"
        phone.locator(f"#item-{number}").get_by_text(label, exact=True).click()
    phone.get_by_role("button", name=t("Hand in and see my result")).click()

    expect(phone).to_have_url(re.compile(r"/wellbeing/results/$"))
    expect(phone.locator(".wb-band-title")).to_have_text("较高的压力感受")
    expect(phone.locator(".wb-result")).to_contain_text("12356")
    expect(phone.locator(".wb-chart svg")).to_be_visible()
    expect(phone.locator(".wb-support")).to_contain_text("社区工作者压力管理")
    assert no_sideways_scroll(phone)
    assert Result.objects.filter(user=worker).count() == 1

    with open_page(browser, live_server, "wellbeing-hr") as hr:
        sign_in(hr, "demo_hr_street", landing=r"/records/")
        hr.goto("/wellbeing/aggregates/")
        street = hr.locator('tr[data-unit="东湖街道"]')
        expect(street).to_contain_text("6")
        expect(street).not_to_contain_text(t("Group too small to show"))
        expect(hr.locator('tr[data-unit="朝阳社区"]')).to_contain_text(
            t("Group too small to show")
        )
        expect(hr.locator("body")).not_to_contain_text("陈思远")  # demo_worker
        hr.goto("/wellbeing/results/")
        expect(hr.locator("body")).not_to_contain_text("较高的压力感受")

    phone.goto("/wellbeing/pss10/withdraw/")
    phone.get_by_role("button", name=t("Yes, withdraw and delete my data")).click()

    expect(phone).to_have_url(re.compile(r"/wellbeing/$"))
    phone.goto("/wellbeing/results/")
    expect(phone.locator("main")).to_contain_text(
        t(
            "You have no self-assessment results. Results appear here after you "
            "agree and answer the questions."
        )
    )
    assert Result.objects.filter(user=worker).count() == 0
    assert ConsentRecord.objects.get(user=worker).withdrawn_at is not None
