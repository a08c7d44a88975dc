"""The trainers' Excel template (XLSX, or the same columns as CSV).

Chinese trainers keep question banks in a sheet with one question per row:
题型, 题干, 选项A … 选项H, 答案, 解析, 分值, 难度, 知识点 (and our optional 分类).
The header row is matched by name, so columns may come in any order and
extra columns are ignored. The headers and the 题型/难度 words are the file
format, not interface text, so they are not translated.

答案 per 题型:
    单选 ``A``; 多选 ``ABD`` (or ``A,B,D``); 判断 对/错 (正确/错误, √/×, T/F);
    填空 ``答案1|答案2`` for one blank, blanks separated by ``;``:
    ``答案1|答案2;第二空``; 简答 accepted answers ``答案1|答案2``;
    论述 the reference answer / marking points (it becomes the rubric).
"""

from __future__ import annotations

import csv
import io
import logging
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import openpyxl
from django.conf import settings
from django.utils.translation import gettext as _

from ..models import Question
from ..services.questions import LETTERS, QuestionData, plain_to_html
from .base import ImportFileError, Parsed, ParseResult, decode_text

logger = logging.getLogger(__name__)

TYPE = "题型"
STEM = "题干"
OPTIONS = tuple(f"选项{letter}" for letter in LETTERS)
ANSWER = "答案"
EXPLANATION = "解析"
POINTS = "分值"
DIFFICULTY = "难度"
TAGS = "知识点"
CATEGORY = "分类"
COLUMNS = (TYPE, STEM, *OPTIONS, ANSWER, EXPLANATION, POINTS, DIFFICULTY, TAGS)
ALL_COLUMNS = (*COLUMNS, CATEGORY)
REQUIRED = (TYPE, STEM, ANSWER)

TYPE_LABELS = {
    Question.Type.SINGLE: "单选",
    Question.Type.MULTIPLE: "多选",
    Question.Type.TRUE_FALSE: "判断",
    Question.Type.FILL: "填空",
    Question.Type.SHORT: "简答",
    Question.Type.ESSAY: "论述",
}
TYPE_WORDS = {
    **{label: qtype for qtype, label in TYPE_LABELS.items()},
    "单项选择": Question.Type.SINGLE,
    "多项选择": Question.Type.MULTIPLE,
    "不定项选择": Question.Type.MULTIPLE,
    "是非": Question.Type.TRUE_FALSE,
    "问答": Question.Type.SHORT,
    **{qtype.value: qtype for qtype in Question.Type},
}
DIFFICULTY_LABELS = {
    Question.Difficulty.EASY: "易",
    Question.Difficulty.MEDIUM: "中",
    Question.Difficulty.HARD: "难",
}
DIFFICULTY_WORDS = {
    "": Question.Difficulty.MEDIUM,
    "易": Question.Difficulty.EASY,
    "简单": Question.Difficulty.EASY,
    "容易": Question.Difficulty.EASY,
    "较易": Question.Difficulty.EASY,
    "中": Question.Difficulty.MEDIUM,
    "中等": Question.Difficulty.MEDIUM,
    "一般": Question.Difficulty.MEDIUM,
    "适中": Question.Difficulty.MEDIUM,
    "难": Question.Difficulty.HARD,
    "困难": Question.Difficulty.HARD,
    "较难": Question.Difficulty.HARD,
    **{d.value: d for d in Question.Difficulty},
}
TRUE_WORDS = {"对", "正确", "√", "✓", "✔", "T", "TRUE", "是", "Y"}
FALSE_WORDS = {"错", "错误", "×", "✗", "✘", "X", "F", "FALSE", "否", "N"}
BLANK_SEPARATOR_RE = re.compile(r"[;；]")
ALTERNATIVE_SEPARATOR_RE = re.compile(r"[|｜]")
LETTER_SEPARATOR_RE = re.compile(r"[\s,，、;；/]+")
TAG_SEPARATOR_RE = re.compile(r"[,，、;；|｜]+")

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"
MAX_UNPACK_RATIO = 20
MAX_TITLE_ROWS = 5
MAX_ROWS = 20_000


# --- Reading the table -------------------------------------------------------


def _damaged() -> ImportFileError:
    return ImportFileError(
        _("This file is not a valid Excel workbook (.xlsx). It may be damaged.")
    )


def xlsx_rows(data: bytes) -> Iterator[tuple[int, tuple]]:
    """The rows of the first sheet, numbered as Excel shows them."""
    if data.startswith(OLE_MAGIC):
        raise ImportFileError(
            _(
                "This is an old-style .xls workbook. In Excel, save it as "
                "“Excel Workbook (.xlsx)”, then upload it again."
            )
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise _damaged() from exc
    if unpacked > MAX_UNPACK_RATIO * settings.LIANXIN_QUESTION_IMPORT_MAX_BYTES:
        raise ImportFileError(_("The workbook unpacks to too much data."))
    try:
        workbook = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=True
        )
    except Exception as exc:
        logger.info("Unreadable question workbook: %r", exc)
        raise _damaged() from exc
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()
        yield from enumerate(sheet.iter_rows(values_only=True), start=1)
    except ImportFileError:
        raise
    except Exception as exc:
        logger.info("Unreadable question sheet: %r", exc)
        raise _damaged() from exc
    finally:
        workbook.close()


def csv_rows(data: bytes) -> Iterator[tuple[int, tuple]]:
    text = decode_text(data)
    first = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first and "," not in first else ","
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        for number, cells in enumerate(reader, start=1):
            yield number, tuple(cells)
    except csv.Error as exc:
        raise ImportFileError(
            _("The CSV file is malformed: %(problem)s") % {"problem": exc}
        ) from exc


def _header_name(value: Any) -> str:
    text = unicodedata.normalize("NFKC", str(value or ""))
    return re.sub(r"\s+", "", text).lstrip("\ufeff")


def cell_text(value: Any) -> str:
    """A cell as text; Excel gives numbers as int or float."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    return str(value).strip()


def _header(cells: tuple) -> dict[str, int]:
    header: dict[str, int] = {}
    for index, value in enumerate(cells):
        name = _header_name(value)
        if name in ALL_COLUMNS and name not in header:
            header[name] = index
    return header


def parse_rows(rows: Iterator[tuple[int, tuple]]) -> ParseResult:
    """Questions from the rows of a sheet; every bad row reported with its number."""
    result = ParseResult()
    header: dict[str, int] | None = None
    titles = 0
    for number, cells in rows:
        if all(cell_text(value) == "" for value in cells):
            continue  # empty rows are skipped, wherever they are
        if header is None:
            found = _header(cells)
            if not found and titles < MAX_TITLE_ROWS:
                titles += 1  # a title above the header, e.g. "民法典题库"
                continue
            missing = [column for column in REQUIRED if column not in found]
            if missing:
                raise ImportFileError(
                    _(
                        "Row %(row)s: the header row lacks these columns: "
                        "%(columns)s. Download the template to see them."
                    )
                    % {"row": number, "columns": "、".join(missing)}
                )
            header = found
            continue
        if len(result.items) + len(result.errors) >= MAX_ROWS:
            raise ImportFileError(
                _("The file has more than %(count)s rows. Split it into smaller files.")
                % {"count": MAX_ROWS}
            )
        values = {
            column: cell_text(cells[index]) if index < len(cells) else ""
            for column, index in header.items()
        }
        _parse_row(result, number, values)
    if header is None:
        raise ImportFileError(
            _("No header row found. The first row must name the columns: %(columns)s.")
            % {"columns": "、".join(REQUIRED)}
        )
    return result


def _parse_row(result: ParseResult, number: int, values: dict[str, str]) -> None:
    errors: list[str] = []
    type_text = values.get(TYPE, "")
    qtype = question_type(type_text)
    if qtype is None:
        errors.append(
            _(
                "%(value)s is not a question type. "
                "Write 单选, 多选, 判断, 填空, 简答 or 论述."
            )
            % {"value": type_text or "—"}
        )
    difficulty = DIFFICULTY_WORDS.get(values.get(DIFFICULTY, "").strip())
    if difficulty is None:
        errors.append(
            _("%(value)s is not a difficulty. Write 易, 中 or 难.")
            % {"value": values[DIFFICULTY]}
        )
    points = values.get(POINTS, "").strip() or "1"
    try:
        points = Decimal(points)
    except InvalidOperation:
        errors.append(_("%(value)s is not a number of points.") % {"value": points})
        points = Decimal("1")
    data = QuestionData(
        type=qtype or Question.Type.SINGLE,
        stem=plain_to_html(values.get(STEM, "")),
        explanation=plain_to_html(values.get(EXPLANATION, "")),
        points=points,
        difficulty=difficulty or Question.Difficulty.MEDIUM,
        category=values.get(CATEGORY, ""),
        tags=[
            t.strip() for t in TAG_SEPARATOR_RE.split(values.get(TAGS, "")) if t.strip()
        ],
    )
    if qtype is not None:
        try:
            _answer_into(data, values)
        except ValueError as error:
            errors.append(str(error))
    parsed = Parsed(data=data, row=number)
    if errors:
        result.errors.extend(parsed.problem(message) for message in errors)
    else:
        result.items.append(parsed)


def question_type(text: str) -> str | None:
    word = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))
    word = word.removesuffix("题")
    return TYPE_WORDS.get(word) or TYPE_WORDS.get(word.lower())


def _options(values: dict[str, str]) -> list[str]:
    texts = [values.get(column, "") for column in OPTIONS]
    while texts and not texts[-1]:
        texts.pop()
    for letter, text in zip(LETTERS, texts, strict=False):
        if not text:
            raise ValueError(
                _("选项%(letter)s is empty but a later option is filled in.")
                % {"letter": letter}
            )
    return texts


def _answer_into(data: QuestionData, values: dict[str, str]) -> None:
    """Fill the choices and key of ``data`` from the row's options and 答案."""
    answer = values.get(ANSWER, "").strip()
    qtype = data.type
    if qtype in (Question.Type.SINGLE, Question.Type.MULTIPLE):
        data.choices = [{"text": text} for text in _options(values)]
        letters = unicodedata.normalize("NFKC", answer).upper()
        letters = LETTER_SEPARATOR_RE.sub("", letters)
        if not letters:
            raise ValueError(
                _("The answer is empty. Write the letters of the right choices.")
            )
        bad = [c for c in letters if c not in LETTERS]
        if bad:
            raise ValueError(
                _("%(value)s is not an answer: write choice letters such as A or ABD.")
                % {"value": answer}
            )
        data.answer = list(dict.fromkeys(letters))
    elif qtype == Question.Type.TRUE_FALSE:
        word = unicodedata.normalize("NFKC", answer).strip().upper()
        if word in TRUE_WORDS:
            data.answer = ["T"]
        elif word in FALSE_WORDS:
            data.answer = ["F"]
        else:
            raise ValueError(
                _("%(value)s is not a true/false answer. Write 对 or 错.")
                % {"value": answer or "—"}
            )
    elif qtype == Question.Type.FILL:
        data.answer = [
            [a.strip() for a in ALTERNATIVE_SEPARATOR_RE.split(blank) if a.strip()]
            for blank in BLANK_SEPARATOR_RE.split(answer)
        ]
        if not answer:
            data.answer = []
    elif qtype == Question.Type.SHORT:
        data.answer = [
            a.strip() for a in ALTERNATIVE_SEPARATOR_RE.split(answer) if a.strip()
        ]
    else:
        data.rubric = plain_to_html(answer)


def parse_xlsx(data: bytes) -> ParseResult:
    return parse_rows(xlsx_rows(data))


def parse_csv(data: bytes) -> ParseResult:
    return parse_rows(csv_rows(data))
