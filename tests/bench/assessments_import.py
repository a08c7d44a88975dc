"""Importing a 2,000-question XLSX in the trainers' template (issue 4, < 20 s).

Generates the workbook (every type, in the template's proportions: mostly
choice questions), imports it with the same service the page and the command
use (parse, check every row, write in one transaction), then exports the
bank again as XLSX, Moodle XML and GIFT. The bank is deleted afterwards.
"""

from __future__ import annotations

import uuid

from tests.bench import Figure, stopwatch

SIZES = {"smoke": 200, "S": 2000, "M": 5000}


def _rows(count: int) -> list[list]:
    rows = []
    for n in range(count):
        kind = n % 10
        options = ["依法调解", "强制调解", "收费调解", "拒绝调解", "", "", "", ""]
        if kind < 4:
            row = ["单选", f"第{n}题：人民调解应当遵循什么原则？", *options, "A"]
        elif kind < 7:
            row = ["多选", f"第{n}题：下列哪些属于居委会职责？", *options, "ABD"]
        elif kind == 7:
            row = ["判断", f"第{n}题：调解协议具有法律约束力。", *[""] * 8, "对"]
        elif kind == 8:
            row = [
                "填空",
                f"第{n}题：民法典自（ ）年起施行。",
                *[""] * 8,
                "2021|二〇二一",
            ]
        else:
            row = [
                "简答",
                f"第{n}题：人民调解收取什么费用？",
                *[""] * 8,
                "不收费|不收取费用",
            ]
        rows.append(
            [
                *row,
                "见《人民调解法》。",
                1,
                "中",
                "人民调解，法律法规运用",
                f"分类{n % 20}",
            ]
        )
    return rows


def run(size: str) -> list[Figure]:
    from assessments.exporters import export_questions
    from assessments.exporters.xlsx import workbook_bytes
    from assessments.importers import import_questions
    from assessments.models import QuestionBank

    count = SIZES[size]
    data = workbook_bytes(_rows(count))
    name = f"基准题库-{uuid.uuid4().hex[:8]}"
    with stopwatch() as elapsed:
        report = import_questions(data=data, bank_name=name)
    import_ms = elapsed()
    if not report.ok or report.imported != count:
        raise RuntimeError(f"bench import failed: {report.errors[:3]}")
    bank = QuestionBank.objects.get(name=name)
    figures = [
        Figure(
            f"import {count}-question XLSX ({len(data) // 1024} KB)",
            import_ms / 1000,
            "s",
            "< 20 s",
            import_ms < 20_000 if count >= 2000 else None,
        )
    ]
    for format in ("xlsx", "moodlexml", "gift"):
        with stopwatch() as elapsed:
            export_questions(bank=bank, format=format)
        figures.append(
            Figure(f"export {count} questions as {format}", elapsed() / 1000, "s")
        )
    from assessments.models import Question

    Question.objects.filter(bank=bank).update(current_version=None)
    bank.delete()
    return figures
