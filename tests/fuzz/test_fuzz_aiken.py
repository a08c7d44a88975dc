"""Fuzzing the Aiken importer: junk, and Aiken with broken choices and answers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessments.importers import ImportFileError, aiken

from .conftest import fuzz
from .question_checks import check_import
from .strategies import chinese_char, encoded, junk_bytes, nasty_text

pytestmark = pytest.mark.django_db

words = st.text(alphabet=chinese_char, min_size=1, max_size=8)
letters = "ABCDEFGHIJ"
choice_marks = st.sampled_from([". ", ". ", ") ", "．", "、", "）", " . ", ".", ": "])
answer_lines = st.sampled_from(
    [
        "ANSWER: B",
        "ANSWER: A",
        "ANSWER: C",
        "答案：B",
        "answer: b",
        "ANSWER:",
        "ANSWER: AB",
        "ANSWER: Z",
        "ANSWER: Ｂ",
        "ANSWER：B",
        "ANSWER: 乙",
        "ANSWER B",
    ]
)


@st.composite
def aiken_question(draw) -> list[str]:
    lines = [draw(words)]
    if draw(st.integers(0, 3)) == 3:
        lines = draw(st.lists(st.one_of(words, nasty_text), max_size=3))
    count = draw(st.integers(2, 6))
    if draw(st.integers(0, 4)) == 4:
        count = draw(st.sampled_from([0, 1, 8, 9, 10]))
    for index in range(count):
        letter = letters[index]
        if draw(st.integers(0, 9)) == 9:
            letter = draw(st.sampled_from(letters + "aＡ1"))
        text = draw(words)
        if draw(st.integers(0, 5)) == 5:
            text = draw(nasty_text)
        lines.append(letter + draw(choice_marks) + text)
        if draw(st.integers(0, 9)) == 9:
            lines.append(draw(words))  # a choice spread over two lines
    answer = f"ANSWER: {letters[draw(st.integers(0, max(0, count - 1)))]}"
    if draw(st.integers(0, 3)) == 3:
        answer = draw(answer_lines)
    if draw(st.integers(0, 9)) != 9:
        lines.append(answer)
    return lines


@st.composite
def aiken_files(draw) -> bytes:
    questions = draw(st.lists(aiken_question(), max_size=5))
    separator = draw(st.sampled_from(["\n\n", "\n", "\n \t\n"]))
    text = separator.join("\n".join(lines) for lines in questions)
    return draw(encoded(text))


aiken_input = st.one_of(aiken_files(), aiken_files(), aiken_files(), junk_bytes)


@fuzz()
@given(data=aiken_input)
def test_an_aiken_file_imports_whole_or_not_at_all(data, trainer):
    check_import(data, format="aiken", by=trainer)


@fuzz()
@given(data=aiken_input)
def test_the_aiken_parser_raises_nothing_but_a_file_error(data):
    try:
        result = aiken.parse(data)
    except ImportFileError as error:
        assert str(error)
        return
    for problem in result.errors:
        assert problem.number is not None
        assert problem.message
