"""GIFT import, following Moodle's qformat_gift."""

from pathlib import Path

import pytest
from django.utils import translation

from assessments.importers import guess_format, import_questions
from assessments.models import Question


@pytest.fixture(autouse=True)
def _english():
    """Messages are checked in English, the msgids."""
    with translation.override("en"):
        yield


DATA = Path(__file__).parent / "data"


@pytest.fixture
def report(db):
    return import_questions(
        data=(DATA / "sample.gift").read_bytes(), bank_name="人民调解GIFT"
    )


def by_name():
    return {
        q.name: q
        for q in Question.objects.select_related("current_version", "category")
    }


def test_it_guesses_gift_from_the_content():
    assert guess_format((DATA / "sample.gift").read_bytes()) == "gift"


def test_it_imports_what_it_supports_and_reports_the_rest(report):
    assert report.ok, [str(e) for e in report.errors]
    assert report.imported == 7
    assert [(s.name, s.type) for s in report.skipped] == [
        ("配对", "matching"),
        ("任期", "numerical"),
        ("这只是一段说明文字，没有答案。", "description"),
    ]


def test_single_choice_with_feedback_general_feedback_and_category(report):
    question = by_name()["调解原则"]
    version = question.current_version

    assert question.type == Question.Type.SINGLE
    assert question.category.name == "人民调解"
    assert version.stem == "<p>人民调解委员会调解民间纠纷，应当遵循的原则是？</p>"
    assert version.answer == ["A"]
    assert version.choices[0]["feedback"] == "正确"
    assert version.choices[1] == {
        "key": "B",
        "text": "强制调解",
        "fraction": 0.0,
        "feedback": "调解必须自愿",
    }
    assert version.explanation == "<p>见《人民调解法》第三条。</p>"


def test_weights_make_a_multiple_choice(report):
    version = by_name()["调解委员会组成"].current_version

    assert by_name()["调解委员会组成"].type == Question.Type.MULTIPLE
    assert [c["fraction"] for c in version.choices] == [0.5, 0.5, -1.0]
    assert version.answer == ["A", "B"]


def test_true_false_feedback_goes_to_the_right_choice(report):
    version = by_name()["调解协议效力"].current_version

    assert version.answer == ["T"]
    assert {c["key"]: c["feedback"] for c in version.choices} == {
        "T": "对",
        "F": "错了，见第三十一条",
    }


def test_short_answer_accepts_only_full_marks_answers(report):
    question = by_name()["不收费"]

    assert question.type == Question.Type.SHORT
    assert question.current_version.answer == ["费用", "任何费用"]


def test_missing_word_short_answer_is_a_one_blank_fill_in(report):
    question = by_name()["施行年份"]

    assert question.type == Question.Type.FILL
    assert (
        question.current_version.stem == "<p>《人民调解法》自_____年1月1日起施行。</p>"
    )
    assert question.current_version.answer == [["2011", "二〇一一"]]


def test_empty_braces_make_an_essay(report):
    assert by_name()["感想"].type == Question.Type.ESSAY


def test_escaped_control_characters_are_literal(report):
    question = by_name()["冒号: 和 { 括号}"]

    assert question.current_version.stem == "<p>含有转义字符 = ~ # 的题干？</p>"
    assert [c["text"] for c in question.current_version.choices] == ["对=的", "错~的"]


def test_an_unclosed_brace_imports_nothing(db):
    data = "::好题::题干{=对 ~错}\n\n::坏题::题干{=对 ~错\n".encode()

    report = import_questions(data=data, bank_name="坏GIFT", format="gift")

    assert report.imported == 0
    assert [e.where for e in report.errors] == ["Question 2 (坏题)"]
    assert not Question.objects.exists()


def test_a_multiple_choice_needs_two_answers(db):
    report = import_questions(
        data="::一个::只有一个选项{~%100%唯一}".encode(), bank_name="少", format="gift"
    )

    assert report.imported == 0
    assert "at least two answers" in report.errors[0].message


def test_gbk_gift_files_are_read(db):
    report = import_questions(
        data="::判断::社区是基层群众性自治组织的所在地。{T}".encode("gbk"),
        bank_name="GBK",
        format="gift",
    )

    assert report.imported == 1
    assert Question.objects.get().name == "判断"
