# ruff: noqa: E501 - the examples and notes are Chinese sentences, kept whole
"""The trainers' XLSX template: export of a bank, and the blank template.

The columns are those of assessments/importers/spreadsheet.py, so that an
exported bank imports again as it was. Stems are written as plain text (what
a person types in Excel); formatting and images do not survive an Excel
round trip.
"""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ..importers import spreadsheet as columns
from ..models import Question
from ..services.questions import html_to_plain
from .base import ExportResult, tag_names

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = (*columns.COLUMNS, columns.CATEGORY)
WIDTHS = {columns.STEM: 50, columns.EXPLANATION: 30, columns.ANSWER: 16}


def _points(points) -> float | int:
    points = Decimal(points)
    return int(points) if points == points.to_integral() else float(points)


def _answer(question: Question) -> str:
    version = question.current_version
    qtype = question.type
    if qtype in (Question.Type.SINGLE, Question.Type.MULTIPLE):
        return "".join(version.answer)
    if qtype == Question.Type.TRUE_FALSE:
        return "对" if version.answer == ["T"] else "错"
    if qtype == Question.Type.FILL:
        return ";".join("|".join(blank) for blank in version.answer)
    if qtype == Question.Type.SHORT:
        return "|".join(version.answer)
    return html_to_plain(version.rubric)


def question_row(question: Question, tags: list[str]) -> list:
    version = question.current_version
    options = []
    if question.type in (Question.Type.SINGLE, Question.Type.MULTIPLE):
        options = [choice["text"] for choice in version.choices]
    options += [""] * (len(columns.OPTIONS) - len(options))
    return [
        columns.TYPE_LABELS[question.type],
        html_to_plain(version.stem),
        *options,
        _answer(question),
        html_to_plain(version.explanation),
        _points(version.points),
        columns.DIFFICULTY_LABELS[question.difficulty],
        "，".join(tags),
        question.category.name if question.category else "",
    ]


def _sheet_header(sheet) -> None:
    sheet.append(list(HEADER))
    for index, name in enumerate(HEADER, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="FFF2CC")
        sheet.column_dimensions[get_column_letter(index)].width = WIDTHS.get(name, 12)
    sheet.freeze_panes = "A2"


def workbook_bytes(rows: list[list], *, with_notes: bool = False) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "题库"
    _sheet_header(sheet)
    for row in rows:
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            # openpyxl writes any text starting with "=" as a formula. A stem
            # like =HYPERLINK(…) is text: Excel shows it as typed (as after a
            # leading apostrophe) and the import reads it back unchanged.
            if cell.data_type == "f":
                cell.data_type = "s"
                cell.quotePrefix = True
    if with_notes:
        _notes(workbook.create_sheet("说明"))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export(questions) -> ExportResult:
    rows = [question_row(question, tag_names(question)) for question in questions]
    return ExportResult(data=workbook_bytes(rows), exported=len(rows))


# The template's examples and notes are domain data in Chinese, not msgids:
# the file format is Chinese whatever the interface language.
EXAMPLES = [
    [
        "单选",
        "《中华人民共和国人民调解法》自哪一年起施行？",
        "2009年",
        "2010年",
        "2011年",
        "2012年",
        "",
        "",
        "",
        "",
        "C",
        "该法2010年8月28日通过，2011年1月1日起施行。",
        1,
        "易",
        "人民调解法",
        "人民调解",
    ],
    [
        "单选",
        "人民调解委员会调解民间纠纷，应当遵循的原则不包括（ ）。",
        "自愿平等",
        "合法合规",
        "尊重当事人权利",
        "收取调解费用",
        "",
        "",
        "",
        "",
        "D",
        "人民调解不收取任何费用（人民调解法第四条）。",
        1,
        "中",
        "人民调解法",
        "人民调解",
    ],
    [
        "多选",
        "下列属于村（居）民委员会职责的有（ ）。",
        "办理本居住地区居民的公共事务和公益事业",
        "调解民间纠纷",
        "协助维护社会治安",
        "审理民事案件",
        "",
        "",
        "",
        "",
        "ABC",
        "审理案件是人民法院的职权。",
        2,
        "中",
        "城市居民委员会组织法",
        "基层自治",
    ],
    [
        "多选",
        "社区工作者处理居民个人信息时，应当遵循的原则有（ ）。",
        "合法",
        "正当",
        "必要",
        "诚信",
        "公开全部信息",
        "",
        "",
        "",
        "A,B,C,D",
        "见《个人信息保护法》第五条。",
        2,
        "难",
        "个人信息保护法",
        "信息化办公",
    ],
    [
        "判断",
        "居民委员会是居民自我管理、自我教育、自我服务的基层群众性自治组织。",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "对",
        "见《城市居民委员会组织法》第二条。",
        1,
        "易",
        "城市居民委员会组织法",
        "基层自治",
    ],
    [
        "判断",
        "人民调解达成的协议不具有任何法律约束力。",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "错",
        "经人民调解达成的调解协议具有法律约束力，当事人应当履行。",
        1,
        "中",
        "人民调解法",
        "人民调解",
    ],
    [
        "填空",
        "《中华人民共和国民法典》自（ ）年1月1日起施行。",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "2021|二〇二一",
        "",
        1,
        "易",
        "民法典",
        "民法典",
    ],
    [
        "填空",
        "居民委员会每届任期____年，其成员可以连选连任；居民会议由____组成。",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "五|5;本居住地区全体十八周岁以上的居民|十八周岁以上的居民",
        "",
        2,
        "中",
        "城市居民委员会组织法",
        "基层自治",
    ],
    [
        "简答",
        "人民调解委员会调解民间纠纷，不收取什么？",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "费用|任何费用",
        "",
        2,
        "易",
        "人民调解法",
        "人民调解",
    ],
    [
        "简答",
        "居民委员会的下属委员会中，负责调解民间纠纷的是什么委员会？",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "人民调解委员会|调解委员会",
        "",
        2,
        "中",
        "城市居民委员会组织法",
        "人民调解",
    ],
    [
        "论述",
        "结合工作实际，谈谈社区工作者如何做好邻里矛盾纠纷的排查化解。",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "要点：1. 网格化排查，早发现；2. 依法依规，耐心倾听；3. 借助人民调解、法律援助等力量；4. 做好回访。",
        "",
        10,
        "难",
        "矛盾纠纷调解",
        "人民调解",
    ],
    [
        "论述",
        "请论述社区在突发事件应急处置中的作用。",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "要点：信息报告、先期处置、组织动员居民、协助救援、心理疏导。",
        "",
        10,
        "难",
        "应急处置",
        "应急管理",
    ],
]

NOTES = [
    "题库导入模板说明",
    "",
    "1. 第一行是表头，按列名识别，列的顺序可以调整；多出来的列会被忽略。必填列：题型、题干、答案。",
    "2. 题型：单选、多选、判断、填空、简答、论述（也可写“单选题”等）。",
    "3. 选项A～选项H：单选、多选题填写，至少两项，最多八项，中间不能空着；其他题型不填。",
    "4. 答案：",
    "   单选：一个字母，如 A；",
    "   多选：全部正确选项的字母，如 ABD（也可写 A,B,D）；",
    "   判断：对 或 错（也可写 正确/错误、√/×、T/F）；",
    "   填空：在题干中用（ ）或 ____ 标出每个空；一个空的多个可接受答案用 | 分隔，多个空之间用 ; 分隔，"
    "如 “五|5;全体居民” 表示第一空可答“五”或“5”，第二空答“全体居民”；",
    "   简答：可接受的答案，多个用 | 分隔（判分时忽略全角半角、空格和标点）；",
    "   论述：参考答案或评分要点（作为阅卷评分标准），可以不填。",
    "5. 解析：答题后显示的解析，可不填。",
    "6. 分值：不小于0的数字，不填为1分。",
    "7. 难度：易、中、难，不填为“中”。",
    "8. 知识点：多个用逗号或顿号分隔，导入后成为标签。",
    "9. 分类：可选，如 民法典/合同编。",
    "10. 空行会被跳过。只要有一行有错，整个文件都不会导入；按错误报告逐行改正后重新上传即可。",
    "11. 也可以另存为 CSV（UTF-8 或 GBK 编码）后导入。",
]


def _notes(sheet) -> None:
    sheet.column_dimensions["A"].width = 120
    for index, line in enumerate(NOTES, start=1):
        cell = sheet.cell(row=index, column=1, value=line)
        cell.alignment = Alignment(wrap_text=True)
        if index == 1:
            cell.font = Font(bold=True, size=14)


def template_xlsx() -> bytes:
    """The blank template: header, two examples per type, and the 说明 sheet."""
    return workbook_bytes(EXAMPLES, with_notes=True)
