"""A trainer marks an essay on a desktop; the worker's result updates on a phone.

Texts are looked up through gettext in the site's language, so the journey
holds before and after the translator fills in the Chinese.
"""

import re

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from assessments.models import Attempt
from assessments.services.attempts import attempt_start, attempt_submit
from people.models import User
from tests.factories.assessments import QuestionFactory, QuizFactory

from .helpers import demo_seed, no_sideways_scroll, open_page, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ANSWER = "人民调解应当遵循自愿、平等原则，不违背法律、法规和国家政策。"
FEEDBACK = "要点齐全，可结合案例展开。"


def t(msgid: str) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return gettext(msgid)


def test_a_trainer_marks_an_essay_and_the_worker_s_result_updates(
    phone, browser, live_server
):
    demo_seed()
    worker = User.objects.get(username="demo_worker")
    essay = QuestionFactory(
        type="essay",
        name="调解原则论述",
        stem="<p>请论述人民调解工作应当遵循的原则。</p>",
        rubric="自愿平等 4 分；合法合规 4 分；尊重权利 2 分",
        points=10,
    )
    quiz = QuizFactory(title="人民调解论述题", questions=[essay])
    attempt = attempt_start(quiz=quiz, user=worker)
    attempt_submit(attempt=attempt, seq=attempt.seq, answers={1: {"text": ANSWER}})
    assert Attempt.objects.get(pk=attempt.pk).status == Attempt.Status.MARKING

    # The worker sees that the essay waits for a trainer.
    sign_in(phone, "demo_worker", landing=r"/learning/$")
    phone.goto(f"/quiz/attempt/{attempt.pk}/review/")
    expect(phone.get_by_role("note")).to_contain_text(
        t(
            "Some answers are waiting for a trainer to mark them. Your result "
            "appears here once they are marked."
        )
    )
    assert no_sideways_scroll(phone)

    # The trainer marks it from the queue.
    with open_page(browser, live_server, "marking-trainer") as desk:
        sign_in(desk, "demo_trainer", landing=r"/admin/")
        desk.goto("/assessments/marking/")
        row = desk.locator("tr", has_text="人民调解论述题")
        expect(row).to_contain_text(worker.get_full_name())
        row.get_by_role("link", name=t("Mark")).click()

        expect(desk.locator("#worker-answer")).to_contain_text(ANSWER)
        expect(desk.locator(".marking-rubric")).to_contain_text("自愿平等 4 分")
        desk.get_by_label(t("Score")).fill("12")
        desk.get_by_role("button", name=t("Save and return to the queue")).click()
        expect(desk.get_by_role("alert").first).to_contain_text(
            t("The score must be between 0 and %(points)s.") % {"points": "10"}
        )
        desk.get_by_label(t("Score")).fill("8.5")
        desk.get_by_label(t("Feedback to the worker")).fill(FEEDBACK)
        desk.get_by_role("button", name=t("Save and return to the queue")).click()

        expect(desk).to_have_url(re.compile(r"/assessments/marking/$"))
        # The demo may have other essays waiting; this one has left the queue.
        expect(desk.locator("tr", has_text="人民调解论述题")).to_have_count(0)

    # The worker's result page now shows the score and the trainer's feedback.
    phone.reload()
    result = phone.locator(".quiz-result")
    expect(result).to_contain_text("85%")
    expect(result).to_contain_text(t("Passed"))
    expect(phone.locator(".quiz-review-item")).to_contain_text(FEEDBACK)
    assert no_sideways_scroll(phone)
