"""Grading of each question type: pure functions, no database."""

from decimal import Decimal
from types import SimpleNamespace

import pytest

from assessments.grading import item_score, multiple_fraction, normalise


def version(qtype, answer, choices=()):
    return SimpleNamespace(
        question=SimpleNamespace(type=qtype), answer=answer, choices=list(choices)
    )


def choices(*fractions):
    return [
        {"key": key, "text": key, "fraction": fraction, "feedback": ""}
        for key, fraction in zip("ABCDEFGH", fractions, strict=False)
    ]


def score(v, answer, points="2", scoring="all"):
    return item_score(
        version=v, answer=answer, points=Decimal(points), multiple_scoring=scoring
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("（民法典）", "民法典"),
        ("民法典。", "民法典"),
        (" 民 法\u3000典 ", "民法典"),
        ("ＡＢＣ", "abc"),
        ("Ａ，Ｂ！", "ab"),
        ("“调解”、‘协商’", "调解协商"),
        ("Hello, World!", "helloworld"),
        ("１２３", "123"),
        ("", ""),
    ],
)
def test_normalise_folds_width_case_spaces_and_punctuation(text, expected):
    assert normalise(text) == expected


def test_single_choice_gives_the_points_for_the_right_key_only():
    v = version("single", ["B"], choices(0, 1, 0, 0))

    assert score(v, ["B"]) == Decimal("2.00")
    assert score(v, ["A"]) == Decimal("0")
    assert score(v, ["A", "B"]) == Decimal("0")
    assert score(v, None) == Decimal("0")


def test_true_false_gives_the_points_for_the_right_key():
    v = version("truefalse", ["F"], [{"key": "T"}, {"key": "F"}])

    assert score(v, ["F"]) == Decimal("2.00")
    assert score(v, ["T"]) == Decimal("0")


def test_multiple_all_or_nothing_needs_exactly_the_key():
    v = version("multiple", ["A", "C"], choices(0.5, 0, 0.5, 0))

    assert score(v, ["C", "A"]) == Decimal("2.00")
    assert score(v, ["A"]) == Decimal("0")
    assert score(v, ["A", "B", "C"]) == Decimal("0")


def test_multiple_partial_sums_moodle_fractions_and_wrong_picks_cost_points():
    v = version("multiple", ["A", "C"], choices(0.5, -0.5, 0.5, -0.5))

    assert score(v, ["A"], "4", "partial") == Decimal("2.00")
    assert score(v, ["A", "C"], "4", "partial") == Decimal("4.00")
    assert score(v, ["A", "B"], "4", "partial") == Decimal("0.00")
    assert score(v, ["A", "C", "B"], "4", "partial") == Decimal("2.00")


def test_multiple_partial_is_floored_at_zero():
    v = version("multiple", ["A", "C"], choices(0.5, -1, 0.5, -1))

    assert score(v, ["B", "D"], "4", "partial") == Decimal("0.00")


def test_multiple_partial_without_negative_fractions_uses_one_over_wrong_choices():
    # Three wrong choices: each wrong pick costs a third.
    v = version("multiple", ["A", "B"], choices(0.5, 0.5, 0, 0, 0))

    assert score(v, ["A"], "3", "partial") == Decimal("1.50")
    assert score(v, ["A", "B", "C"], "3", "partial") == Decimal("2.00")
    assert score(v, ["A", "B", "C", "D", "E"], "3", "partial") == Decimal("0.00")


def test_multiple_partial_right_choices_without_fractions_share_the_credit():
    v = version("multiple", ["A", "B", "C"], choices(0, 0, 0, 0))

    assert score(v, ["A"], "3", "partial") == Decimal("1.00")
    assert score(v, ["A", "B", "C"], "3", "partial") == Decimal("3.00")


def test_multiple_partial_exact_key_is_full_credit_despite_rounded_fractions():
    fraction = 0.3333333
    v = version("multiple", ["A", "B", "C"], choices(fraction, fraction, fraction, 0))

    assert score(v, ["A", "B", "C"], "10", "partial") == Decimal("10.00")
    assert multiple_fraction(
        choices=v.choices, key=["A", "B", "C"], picked=["A", "B"]
    ) == Decimal("0.6666666")


def test_fill_scores_each_blank_with_normalised_accepted_answers():
    v = version("fill", [["民法典"], ["合同编", "合同"], ["三"]])

    assert score(v, ["《民法典》", "合 同", "3"], "3") == Decimal("2.00")
    assert score(v, ["民法典", "合同编", "三"], "3") == Decimal("3.00")
    assert score(v, ["民法典"], "3") == Decimal("1.00")
    assert score(v, ["", "", ""], "3") == Decimal("0.00")


def test_fill_compares_full_width_and_case():
    v = version("fill", [["PM2.5"], ["ABC"]])

    assert score(v, ["ｐｍ２．５", "ａｂｃ。"], "2") == Decimal("2.00")


def test_short_answer_is_right_when_any_accepted_answer_matches():
    v = version("short", ["自愿原则", "自愿"])

    assert score(v, ["自愿。"]) == Decimal("2.00")
    assert score(v, ["自 愿 原 则！"]) == Decimal("2.00")
    assert score(v, ["强制"]) == Decimal("0")
    assert score(v, ["   "]) == Decimal("0")


def test_essay_needs_a_person_unless_it_is_empty():
    v = version("essay", [])

    assert score(v, {"text": "我认为调解应当……"}) is None
    assert score(v, {"text": "  "}) == Decimal("0")
    assert score(v, None) == Decimal("0")


def test_grading_uses_decimal_with_two_places():
    v = version("fill", [["一"], ["二"], ["三"]])

    result = score(v, ["一", "x", "x"], "1")

    assert result == Decimal("0.33")
    assert isinstance(result, Decimal)
