"""Fuzzing the XLSX and CSV question importers.

Workbooks are built with openpyxl: a plausible header (in any order, with
titles above it, missing or doubled columns) over rows of wrongly typed
cells, formulas, merged cells, empty or extra sheets; and beside them random
bytes and broken zips named .xlsx.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time, timedelta

import openpyxl
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from assessments.importers import ImportFileError, spreadsheet

from .conftest import fuzz
from .question_checks import check_import
from .strategies import (
    chinese_char,
    encoded,
    huge_numbers,
    junk_bytes,
    junk_zip,
    nasty_text,
    truncated,
)

pytestmark = pytest.mark.django_db

words = st.text(alphabet=chinese_char, min_size=1, max_size=8)
EXTRA_COLUMNS = ["备注", "", "题 型", "题型 ", "ＩＤ", "选项I"]
header_names = st.sampled_from([*spreadsheet.ALL_COLUMNS, *EXTRA_COLUMNS])

odd_values = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**63),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    # Excel has no time zones: its datetimes are naive.
    st.datetimes(
        min_value=datetime(1900, 3, 1),  # noqa: DTZ001
        max_value=datetime(9999, 1, 1),  # noqa: DTZ001
    ),
    st.dates(min_value=date(1900, 3, 1)),
    st.just(time(12, 30)),
    st.just(timedelta(days=3)),
    st.sampled_from(["=1/0", "=SUM(A1:A3)", '=HYPERLINK("http://x","x")', "#N/A"]),
    nasty_text,
    huge_numbers,
)
COLUMN_VALUES = {
    spreadsheet.TYPE: st.sampled_from(
        ["单选", "多选", "判断", "填空", "简答", "论述", "单选题", "single", "匹配", ""]
    ),
    spreadsheet.STEM: st.one_of(
        words, st.builds(lambda w: w + "（ ）", words), st.just("")
    ),
    spreadsheet.ANSWER: st.sampled_from(
        ["A", "B", "ABD", "A,B", "a", "对", "错", "√", "甲|乙", "甲;乙", "Z", ""]
    ),
    spreadsheet.POINTS: st.one_of(st.sampled_from(["1", "2.5", ""]), huge_numbers),
    spreadsheet.DIFFICULTY: st.sampled_from(["易", "中", "难", "", "hard", "很难"]),
    spreadsheet.TAGS: st.sampled_from(["", "民法典", "民法典,合同；调解", "长" * 150]),
    spreadsheet.CATEGORY: st.sampled_from(["", "民法典/合同编", "//", "长" * 300]),
}


def column_value(column: str):
    if column in spreadsheet.OPTIONS:
        plausible = st.one_of(words, st.just(""))
    else:
        plausible = COLUMN_VALUES.get(column, words)
    # Mostly what a trainer would type; now and then anything at all.
    return st.one_of(plausible, plausible, plausible, odd_values)


@st.composite
def tidy_row(draw, header: list) -> list:
    """A question a trainer would write, with now and then one odd cell."""
    qtype = draw(st.sampled_from(["单选", "多选", "判断", "填空", "简答", "论述"]))
    values = {
        spreadsheet.TYPE: qtype,
        spreadsheet.STEM: draw(words),
        spreadsheet.POINTS: draw(st.sampled_from(["1", "2", "0.5", 3, 2.5])),
        spreadsheet.DIFFICULTY: draw(st.sampled_from(["易", "中", "难", ""])),
        spreadsheet.TAGS: draw(st.sampled_from(["", "民法典", "合同，调解"])),
        spreadsheet.CATEGORY: draw(st.sampled_from(["", "民法典/合同编"])),
        spreadsheet.EXPLANATION: draw(st.one_of(st.just(""), words)),
    }
    if qtype in ("单选", "多选"):
        count = draw(st.integers(2, 8))
        for letter in "ABCDEFGH"[:count]:
            values[f"选项{letter}"] = draw(words)
        right = draw(st.lists(st.sampled_from("ABCDEFGH"[:count]), min_size=1))
        values[spreadsheet.ANSWER] = right[0] if qtype == "单选" else "".join(right)
    elif qtype == "判断":
        values[spreadsheet.ANSWER] = draw(st.sampled_from(["对", "错", "√", "F"]))
    elif qtype == "填空":
        values[spreadsheet.STEM] += "（ ）"
        values[spreadsheet.ANSWER] = draw(words) + "|" + draw(words)
    else:
        values[spreadsheet.ANSWER] = draw(words)
    if draw(st.integers(0, 3)) == 3:
        values[draw(st.sampled_from(spreadsheet.ALL_COLUMNS))] = draw(odd_values)
    return [values.get(str(name), "") for name in header]


@st.composite
def table(draw) -> list[list]:
    """Rows of a question sheet: titles, a header, then questions."""
    if draw(st.integers(0, 4)) == 4:
        header = draw(st.lists(header_names, max_size=14))
    else:
        header = list(spreadsheet.COLUMNS)
        header = draw(st.permutations(header))
        if draw(st.booleans()):
            header.append(draw(header_names))
    titles = []
    if draw(st.booleans()):
        titles = draw(st.lists(st.lists(words, max_size=2), max_size=6))
    rows = [*titles, header]
    messy = draw(st.booleans())
    for _ in range(draw(st.integers(1, 6))):
        if messy:
            row = [draw(column_value(str(name))) for name in header]
        else:
            row = draw(tidy_row(header))
        if draw(st.integers(0, 9)) == 9:
            row = row[: draw(st.integers(0, len(row)))]  # a short row
        rows.append(row)
    return rows


def _cell(value):
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


@st.composite
def xlsx_files(draw) -> bytes:
    rows = draw(table())
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = draw(st.sampled_from(["题库", "Sheet1", "第 1 页"]))
    if draw(st.integers(0, 5)) == 5:
        # The questions are on the second sheet; the first one is empty.
        sheet = workbook.create_sheet("题目")
    for row in rows:
        try:
            sheet.append([_cell(value) for value in row])
        except (ValueError, TypeError):
            sheet.append([str(_cell(value)) for value in row])
    if rows and draw(st.integers(0, 4)) == 4:
        top = draw(st.integers(1, len(rows)))
        sheet.merge_cells(start_row=top, start_column=1, end_row=top, end_column=3)
    if draw(st.integers(0, 5)) == 5:
        workbook.create_sheet("说明").append(["说明", "=A1"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()
    if draw(st.integers(0, 9)) == 9:
        data = truncated(data, draw)
    return data


@st.composite
def csv_files(draw) -> bytes:
    rows = draw(table())
    delimiter = draw(st.sampled_from([",", ",", "\t", ";"]))
    buffer = io.StringIO()
    if draw(st.integers(0, 5)) == 5:
        # Written by hand: quotes left open, separators inside cells.
        for row in rows:
            buffer.write(delimiter.join(f"{value}" for value in row) + "\n")
        buffer.write(draw(st.sampled_from(['"未闭合', 'a,"b""', "\x00", ""])))
    else:
        csv.writer(buffer, delimiter=delimiter).writerows(rows)
    return draw(encoded(buffer.getvalue()))


xlsx_input = st.one_of(
    xlsx_files(),
    xlsx_files(),
    xlsx_files(),
    junk_bytes,
    junk_zip(),
    junk_bytes.map(lambda data: spreadsheet.ZIP_MAGIC + data),
)
csv_input = st.one_of(csv_files(), csv_files(), csv_files(), junk_bytes)


@fuzz()
@given(data=xlsx_input)
def test_a_workbook_imports_whole_or_not_at_all(data, trainer):
    check_import(data, format="xlsx", by=trainer, filename="题库.xlsx")


@fuzz()
@given(data=csv_input)
@example(data="题型,题干,选项A,选项B,答案,分值\n单选,问,甲,乙,A,9999.999\n".encode())
def test_a_csv_file_imports_whole_or_not_at_all(data, trainer):
    check_import(data, format="csv", by=trainer, filename="题库.csv")


@fuzz()
@given(data=st.one_of(xlsx_input, csv_input))
def test_the_sheet_parsers_raise_nothing_but_a_file_error(data):
    for parse in (spreadsheet.parse_xlsx, spreadsheet.parse_csv):
        try:
            result = parse(data)
        except ImportFileError as error:
            assert str(error)
            continue
        for problem in result.errors:
            assert problem.row is not None and problem.row >= 1
            assert problem.message
