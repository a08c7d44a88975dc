"""Small steps that several browser journeys share."""

import re
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.management import call_command
from playwright.sync_api import Browser, Page, expect
from wagtail.models import Collection

from .conftest import ARTIFACTS

DEMO_PASSWORD = "lianxin-demo"


def demo_seed() -> None:
    """The demo district, people, laws, cases and courses, as `make run` makes them.

    A transactional test ends by emptying every table, so the next one starts
    without the rows Wagtail's migrations made. seed_demo restores the page
    tree and the site, not the root collection its demo files go into: make
    that one first (as migration wagtailcore.0002 does on a fresh database).
    """
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    call_command("seed_demo", "--force", verbosity=0)


def sign_in(
    page: Page, username: str, *, landing: str, password: str = DEMO_PASSWORD
) -> None:
    """Sign in through the login form and wait for the landing URL (a regex)."""
    page.goto("/accounts/login/")
    page.get_by_label("用户名、工号或手机号").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(landing))


def no_sideways_scroll(page: Page) -> bool:
    """True when the page is no wider than the viewport (no horizontal scrolling)."""
    return page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")


@contextmanager
def open_page(browser: Browser, live_server, name: str, **options) -> Iterator[Page]:
    """A second person's page in a fresh browser context (own cookies), desktop-sized.

    Like the conftest's fixtures it saves a screenshot when the block fails.
    """
    options.setdefault("viewport", {"width": 1280, "height": 800})
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", **options)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        yield page
    except BaseException:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        raise
    finally:
        context.close()


def answer_attempt_correctly(page: Page, attempt) -> None:
    """Fill in the right answer to every question of an open attempt, as a worker
    who studied would, then hand it in. The keys are read from the database: the
    page never has them."""
    from assessments.models import AttemptItem

    items = AttemptItem.objects.filter(attempt=attempt).select_related(
        "version__question"
    )
    for item in items:
        box = page.locator(f"fieldset[data-position='{item.position}']")
        qtype = item.version.question.type
        key = item.version.answer
        with page.expect_response(lambda r: r.url.endswith("/answer/")):
            if qtype in ("single", "truefalse"):
                box.locator(f"input[value='{key[0]}']").check()
            elif qtype == "multiple":
                for letter in key[:-1]:
                    with page.expect_response(lambda r: r.url.endswith("/answer/")):
                        box.locator(f"input[value='{letter}']").check()
                box.locator(f"input[value='{key[-1]}']").check()
            elif qtype == "fill":
                fields = box.locator("input[type=text]")
                for number, accepted in enumerate(key):
                    fields.nth(number).fill(accepted[0])
                fields.last.press("Tab")
            else:  # short answer
                box.locator("input[type=text]").fill(key[0])
                box.locator("input[type=text]").press("Tab")
    page.locator("#quiz-hand-in").click()
    page.locator("#quiz-confirm-yes").click()
