import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from .helpers import no_sideways_scroll

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_demo_worker_signs_in_on_a_phone_sees_chinese_and_switches_to_english(phone):
    call_command("seed_demo", "--force", verbosity=0)

    phone.goto("/")
    expect(phone.locator("html")).to_have_attribute("lang", "zh-hans")
    phone.get_by_role("link", name="登录").first.click()

    phone.get_by_label("用户名、工号或手机号").fill("demo_worker")
    phone.get_by_label("密码").fill("lianxin-demo")
    phone.get_by_role("button", name="登录").click()

    expect(phone).to_have_url(re.compile(r"/learning/$"))
    expect(phone.get_by_role("heading", level=1)).to_have_text("我的学习")
    expect(phone.locator(".profile")).to_contain_text("朝阳社区")
    assert no_sideways_scroll(phone), "the page is wider than a 360 px phone"

    phone.get_by_role("button", name="English").click()

    expect(phone.locator("html")).to_have_attribute("lang", "en")
    expect(phone.get_by_role("heading", level=1)).to_have_text("My learning")
    expect(phone.get_by_role("button", name="Sign out")).to_be_visible()
    assert no_sideways_scroll(phone)


def test_a_wrong_password_keeps_the_username_and_says_why(phone):
    call_command("seed_demo", "--force", verbosity=0)

    phone.goto("/accounts/login/")
    phone.get_by_label("用户名、工号或手机号").fill("demo_worker")
    phone.get_by_label("密码").fill("not-the-password")
    phone.get_by_role("button", name="登录").click()

    expect(phone.get_by_role("alert")).to_contain_text("账号或密码错误")
    expect(phone.get_by_label("用户名、工号或手机号")).to_have_value("demo_worker")
