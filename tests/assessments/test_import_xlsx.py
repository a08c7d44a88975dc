"""The trainers' Excel template, as XLSX and as CSV."""

from decimal import Decimal

import pytest
from django.utils import translation

from assessments.exporters.xlsx import HEADER, template_xlsx, workbook_bytes
from assessments.importers import guess_format, import_questions
from assessments.models import Question, QuestionBank


@pytest.fixture(autouse=True)
def _english():
    """Messages are checked in English, the msgids."""
    with translation.override("en"):
        yield


def row(
    type_,
    stem,
    options=(),
    answer="",
    explanation="",
    points="",
    level="",
    tags="",
    category="",
):
    options = [*options, *[""] * (8 - len(options))]
    return [type_, stem, *options, answer, explanation, points, level, tags, category]


GOOD = [
    row(
        "单选",
        "民法典自何时起施行？",
        ["2020年", "2021年"],
        "B",
        "2021年1月1日",
        2,
        "易",
        "民法典，法律",
        "民法典",
    ),
    row(
        "多选",
        "人民调解的原则有（ ）。",
        ["自愿", "平等", "收费"],
        "A、B",
        "",
        "",
        "难",
    ),
    row("判断", "居委会是基层群众性自治组织。", answer="√"),
    row("填空", "居委会每届任期____年，由____组成。", answer="五|5；全体居民"),
    row("简答", "调解收取什么？", answer="不收费|不收取费用"),
    row("论述", "谈谈邻里纠纷的化解。", answer="倾听、依法、回访", points=10),
]


def xlsx(rows, header=HEADER):
    data = workbook_bytes([])
    import io

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(header))
    for r in rows:
        sheet.append(r)
    buffer = io.BytesIO()
    book.save(buffer)
    assert data  # the helper under test writes workbooks too
    return buffer.getvalue()


def csv_bytes(rows, encoding="utf-8", header=HEADER):
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for r in rows:
        writer.writerow(r)
    return out.getvalue().encode(encoding)


def current(stem_start):
    return Question.objects.select_related("current_version", "category").get(
        versions__stem__startswith=f"<p>{stem_start}"
    )


def test_every_type_imports_from_the_template_columns(db):
    report = import_questions(data=xlsx(GOOD), bank_name="模板题库")

    assert report.ok, [str(e) for e in report.errors]
    assert report.imported == 6
    single = current("民法典")
    assert single.type == Question.Type.SINGLE
    assert single.current_version.answer == ["B"]
    assert single.current_version.points == Decimal("2.00")
    assert single.difficulty == Question.Difficulty.EASY
    assert sorted(single.tags.names()) == ["民法典", "法律"]
    assert single.category.name == "民法典"
    assert single.current_version.explanation == "<p>2021年1月1日</p>"
    assert current("人民调解").current_version.answer == ["A", "B"]
    assert current("人民调解").difficulty == Question.Difficulty.HARD
    assert current("居委会是").current_version.answer == ["T"]
    assert current("居委会每届").current_version.answer == [["五", "5"], ["全体居民"]]
    assert current("调解收取").current_version.answer == ["不收费", "不收取费用"]
    essay = current("谈谈")
    assert essay.type == Question.Type.ESSAY
    assert essay.current_version.rubric == "<p>倾听、依法、回访</p>"


def test_stems_are_escaped_plain_text(db):
    rows = [row("判断", "a <b> & c\n第二行", answer="对")]

    import_questions(data=xlsx(rows), bank_name="转义")

    assert Question.objects.get().current_version.stem == (
        "<p>a &lt;b&gt; &amp; c<br>第二行</p>"
    )


def test_columns_may_come_in_any_order_and_extra_columns_are_ignored(db):
    header = ["备注", "答案", "题干", "题型", "选项B", "选项A"]
    rows = [["随便写", "A", "题干一", "单选", "错", "对"]]

    report = import_questions(data=xlsx(rows, header=header), bank_name="乱序")

    assert report.imported == 1
    assert Question.objects.get().current_version.choices[0]["text"] == "对"


def test_empty_rows_are_skipped_and_rows_keep_excel_numbers(db):
    rows = [GOOD[0], [None] * 16, [""] * 16, row("单选", "坏题", ["甲", "乙"], "Z")]

    report = import_questions(data=xlsx(rows), bank_name="空行")

    assert report.imported == 0
    assert [e.where for e in report.errors] == ["Row 5"]


def test_a_wrong_answer_letter_imports_nothing_and_says_what_to_fix(db):
    rows = [*GOOD, row("单选", "四个选项", ["甲", "乙", "丙", "丁"], "E")]

    report = import_questions(data=xlsx(rows), bank_name="错误字母")

    assert report.imported == 0
    assert [str(e) for e in report.errors] == [
        "Row 8: The answer E is not one of the choices (A–D)."
    ]
    assert not Question.objects.exists()
    assert not QuestionBank.objects.filter(name="错误字母").exists()


def test_every_bad_row_is_reported_at_once(db):
    rows = [
        row("选择", "没有这种题型", answer="A"),
        row("判断", "判断题", answer="也许"),
        row("单选", "两个对的", ["甲", "乙"], "AB"),
        row("填空", "两个空____和____", answer="只有一个"),
        row("单选", "分值错", ["甲", "乙"], "A", points="两分"),
        row("单选", "难度错", ["甲", "乙"], "A", level="超难"),
        row("单选", "选项有空", ["甲", "", "丙"], "A"),
    ]

    report = import_questions(data=xlsx(rows), bank_name="全错")

    assert [e.row for e in report.errors] == [2, 3, 4, 5, 6, 7, 8]
    messages = " ".join(e.message for e in report.errors)
    assert "选择 is not a question type" in messages
    assert "也许 is not a true/false answer" in messages
    assert "exactly one right choice" in messages
    assert "marks 2 blanks but the answer gives 1" in messages
    assert "两分 is not a number of points" in messages
    assert "超难 is not a difficulty" in messages
    assert "选项B is empty" in messages


def test_a_header_without_required_columns_is_refused(db):
    report = import_questions(
        data=xlsx([["x"]], header=["题目", "答案"]), bank_name="无表头"
    )

    assert "lacks these columns: 题型、题干" in report.errors[0].message


def test_a_truncated_workbook_imports_nothing(db):
    data = xlsx(GOOD)

    report = import_questions(data=data[: len(data) // 2], bank_name="截断")

    assert report.format == "xlsx"
    assert report.imported == 0
    assert "not a valid Excel workbook" in report.errors[0].message


def test_files_over_the_size_limit_are_refused(db, settings):
    settings.LIANXIN_QUESTION_IMPORT_MAX_BYTES = 1000

    report = import_questions(data=xlsx(GOOD), bank_name="太大")

    assert report.imported == 0
    assert "larger than" in report.errors[0].message


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_in_utf8_with_or_without_bom_or_gbk(db, encoding):
    data = csv_bytes(GOOD, encoding=encoding)

    report = import_questions(data=data, bank_name="CSV", filename="题库.csv")

    assert guess_format(data) == "csv"
    assert report.imported == 6
    assert current("居委会每届").current_version.answer == [["五", "5"], ["全体居民"]]


def test_the_template_imports_as_it_is(db):
    report = import_questions(data=template_xlsx(), bank_name="模板")

    assert report.ok, [str(e) for e in report.errors]
    assert report.imported == 12
    assert Question.objects.filter(type=Question.Type.FILL).count() == 2


def test_the_template_has_a_notes_sheet():
    import io

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(template_xlsx()))

    assert book.sheetnames == ["题库", "说明"]
    assert [c.value for c in book["题库"][1]][:3] == ["题型", "题干", "选项A"]
    notes = " ".join(str(c.value) for c in book["说明"]["A"] if c.value)
    assert "多个空之间用 ; 分隔" in notes


def test_a_csv_with_a_title_row_is_recognised(db):
    data = "民法典题库\n".encode() + csv_bytes(GOOD[:1])

    report = import_questions(data=data, bank_name="标题行")

    assert report.format == "csv"
    assert report.imported == 1


def test_a_file_of_unknown_format_asks_for_the_format(db):
    report = import_questions(data=b"just some words", bank_name="x")

    assert report.imported == 0
    assert "Could not tell the file's format" in report.errors[0].message
