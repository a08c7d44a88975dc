"""Export then import into a new bank gives the same questions, per format."""

from decimal import Decimal

import pytest
from django.utils import translation

from assessments.exporters import export_bank, export_questions
from assessments.importers import import_questions
from assessments.models import Question, QuestionBank
from assessments.services.questions import bank_get_or_create, question_create


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def make_bank(name="源题库", *, rich=True):
    """One question of every type, with what the formats may carry."""
    bank = bank_get_or_create(name=name)
    feedback = "见第三条" if rich else ""
    question_create(
        bank=bank,
        name="单选题",
        type=Question.Type.SINGLE,
        stem="<p>人民调解的原则是：自愿 = 平等 {见法条}？</p>",
        choices=[
            {"text": "自愿平等", "feedback": feedback},
            {"text": "强制 & 收费"},
            {"text": "a < b"},
        ],
        answer=["A"],
        explanation="<p>见《人民调解法》第三条。</p>",
        points=Decimal("2"),
        difficulty=Question.Difficulty.EASY,
        category="人民调解/原则",
        tags=["人民调解法", "原则"],
    )
    choices = [{"text": "要约"}, {"text": "承诺"}, {"text": "威胁"}]
    if rich:
        choices = [
            {"text": "要约", "fraction": 0.5},
            {"text": "承诺", "fraction": 0.5},
            {"text": "威胁", "fraction": -1.0, "feedback": "不对"},
        ]
    question_create(
        bank=bank,
        name="多选题",
        type=Question.Type.MULTIPLE,
        stem="<p>订立合同可以采取哪些方式？</p>",
        choices=choices,
        answer=["A", "B"],
        points=Decimal("3"),
        difficulty=Question.Difficulty.HARD,
        category="民法典",
        tags=["民法典"],
    )
    question_create(
        bank=bank,
        name="判断题",
        type=Question.Type.TRUE_FALSE,
        stem="<p>调解协议具有法律约束力。</p>",
        choices=[{"key": "F", "feedback": feedback}],
        answer=["T"],
        explanation="<p>第三十一条。</p>",
    )
    question_create(
        bank=bank,
        name="填空题",
        type=Question.Type.FILL,
        stem="<p>民法典自（ ）年1月1日起施行。</p>",
        answer=[["2021", "二〇二一"]],
        category="民法典",
    )
    question_create(
        bank=bank,
        name="简答题",
        type=Question.Type.SHORT,
        stem="<p>人民调解收取什么费用？</p>",
        answer=["不收费", "不收取费用"],
        points=Decimal("1.5"),
    )
    question_create(
        bank=bank,
        name="论述题",
        type=Question.Type.ESSAY,
        stem="<p>谈谈邻里纠纷的化解。</p>",
        rubric="<p>要点：倾听、依法、回访。</p>" if rich else "",
        explanation="<p>参考《人民调解法》。</p>",
        points=Decimal("10"),
    )
    return bank


FIELDS = {
    "moodlexml": {
        "name",
        "type",
        "stem",
        "choices",
        "answer",
        "explanation",
        "rubric",
        "points",
        "tags",
        "category",
    },
    "gift": {"name", "type", "stem", "choices", "answer", "explanation", "category"},
    "xlsx": {
        "type",
        "stem",
        "choices",
        "answer",
        "explanation",
        "rubric",
        "points",
        "difficulty",
        "tags",
        "category",
    },
}


def snapshot(bank, fields):
    rows = []
    for q in (
        Question.objects.filter(bank=bank)
        .select_related("current_version", "category")
        .order_by("type", "id")
    ):
        v = q.current_version
        full = {
            "name": q.name,
            "type": q.type,
            "stem": v.stem,
            "choices": v.choices,
            "answer": v.answer,
            "explanation": v.explanation,
            "rubric": v.rubric,
            "points": v.points,
            "difficulty": q.difficulty,
            "tags": sorted(q.tags.names()),
            "category": q.category.name if q.category else "",
        }
        rows.append({k: full[k] for k in sorted(fields)})
    return rows


@pytest.mark.parametrize("format", ["moodlexml", "gift"])
def test_moodle_formats_round_trip_every_type(db, format):
    bank = make_bank()

    result = export_bank(bank=bank, format=format)
    report = import_questions(data=result.data, bank_name="新题库")

    assert report.ok, [str(e) for e in report.errors]
    assert (result.exported, report.imported, report.skipped) == (6, 6, [])
    new = QuestionBank.objects.get(name="新题库")
    assert snapshot(new, FIELDS[format]) == snapshot(bank, FIELDS[format])


def test_xlsx_round_trips_every_type(db):
    bank = make_bank(rich=False)

    data = export_questions(bank=bank, format="xlsx")
    report = import_questions(data=data, bank_name="新题库")

    assert report.ok, [str(e) for e in report.errors]
    assert report.imported == 6
    new = QuestionBank.objects.get(name="新题库")
    assert snapshot(new, FIELDS["xlsx"]) == snapshot(bank, FIELDS["xlsx"])


def test_a_several_blank_fill_in_is_skipped_and_reported_by_moodle_formats(db):
    bank = make_bank()
    question_create(
        bank=bank,
        name="两个空",
        type=Question.Type.FILL,
        stem="<p>____和____</p>",
        answer=[["甲"], ["乙"]],
    )

    for format in ("moodlexml", "gift"):
        result = export_bank(bank=bank, format=format)
        assert result.exported == 6
        assert [str(s) for s in result.skipped] == [
            "两个空 (type fill-in with several blanks)"
        ]
        assert "skipped: 两个空" in result.data.decode()
    # XLSX carries them.
    report = import_questions(
        data=export_questions(bank=bank, format="xlsx"), bank_name="Excel"
    )
    assert report.imported == 7


def test_uncategorised_questions_do_not_pick_up_a_category(db):
    bank = make_bank()

    for format in ("moodlexml", "gift"):
        import_questions(
            data=export_questions(bank=bank, format=format), bank_name=format
        )
        essay = Question.objects.get(bank__name=format, name="论述题")
        assert essay.category is None
