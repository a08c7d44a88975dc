"""Fuzzing the GIFT importer: junk, and GIFT that is almost right."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from assessments.importers import ImportFileError, gift

from .conftest import fuzz
from .question_checks import check_import
from .strategies import chinese_char, encoded, huge_numbers, junk_bytes, nasty_text

pytestmark = pytest.mark.django_db

words = st.text(alphabet=chinese_char, min_size=1, max_size=6)
answer_marks = st.sampled_from(
    [
        "=",
        "~",
        "~=",
        "=%100%",
        "~%50%",
        "~%-25%",
        "~%--50%",  # once crashed the weight parser
        "~%33.33333%",
        "~%999999999%",
        "~%%",
        "~%",
        "%50%",
        "#",
        "####",
        "->",
        " -> ",
        "\\=",
        "\\~",
        "\\#",
        "\\{",
        "\\}",
        "\\:",
        "\\\\",
        "\\n",
        "\\x",
    ]
)
answer_words = st.one_of(
    words,
    nasty_text,
    huge_numbers,
    st.sampled_from(["T", "F", "TRUE", "FALSE", "true", "#1:0.5", "#3..5", ""]),
)


@st.composite
def answer_block(draw) -> str:
    parts = draw(
        st.lists(st.tuples(answer_marks, answer_words), min_size=0, max_size=6)
    )
    inside = " ".join(mark + word for mark, word in parts)
    if draw(st.booleans()):
        inside = draw(st.sampled_from(["", "T", "FALSE", "#42", "#1..2"])) + inside
    opening, closing = draw(
        st.sampled_from(
            [("{", "}")] * 6
            + [("{", ""), ("", "}"), ("}", "{"), ("{{", "}"), ("{", "}}")]
        )
    )
    return opening + inside + closing


@st.composite
def gift_question(draw) -> str:
    name = ""
    if draw(st.booleans()):
        name = (
            "::"
            + draw(st.one_of(words, nasty_text))
            + draw(st.sampled_from(["::", "::", ":", ""]))
        )
    text_format = draw(
        st.sampled_from(
            ["", "", "[html]", "[plain]", "[markdown]", "[moodle]", "[bad]"]
        )
    )
    stem = draw(st.one_of(words, nasty_text)) + draw(
        st.sampled_from(
            ["", "（ ）", "_____", "<b>粗</b>", "<script>x</script>", "\\:"]
        )
    )
    block = draw(answer_block())
    tail = draw(st.sampled_from(["", "", "", "。", "后文 {=多余}", "\n// 注释"]))
    return f"{name}{text_format}{stem} {block}{tail}"


# Text that GIFT reads as it is: Chinese words, escaped specials, a few odd
# characters that are not special to GIFT.
tidy_text = st.lists(
    st.one_of(
        words,
        words,
        st.sampled_from(["\\:", "\\=", "\\~", "\\#", "\\{", "\\}", "\\n"]),
        st.sampled_from(
            ["\u3000", "\ufeff", "\x07", "\u200b", "Ａ", "１２", "&amp;", "<i>"]
        ),
    ),
    min_size=1,
    max_size=4,
).map("".join)


@st.composite
def tidy_question(draw) -> str:
    """A question Moodle would read, of any type GIFT has."""
    a, b, c = draw(tidy_text), draw(tidy_text), draw(tidy_text)
    stem = draw(tidy_text)
    block = draw(
        st.sampled_from(
            [
                f"{{={a} ~{b} ~{c}}}",
                f"{{~%50%{a} ~%50%{b} ~%-100%{c}}}",
                f"{{={a}#对 ~{b}#错 ####{c}}}",
                "{T}",
                f"{{FALSE#{a}#{b}}}",
                f"{{={a} ={b} =%50%{c}}}",
                "{}",
                "{#5:1}",
                f"{{={a} -> {b} ={c} -> {a}}}",
            ]
        )
    )
    name = draw(st.sampled_from(["", f"::{a}::", "::::"]))
    text_format = draw(st.sampled_from(["", "[html]", "[plain]", "[markdown]"]))
    if draw(st.booleans()):
        return f"{name}{text_format}{stem} {block} {draw(tidy_text)}"
    return f"{name}{text_format}{stem} {block}"


@st.composite
def gift_files(draw) -> bytes:
    pieces = draw(
        st.lists(
            st.one_of(
                tidy_question(),
                tidy_question(),
                tidy_question(),
                gift_question(),
                st.sampled_from(
                    [
                        "// 注释",
                        "$CATEGORY: $course$/top/民法典/合同编",
                        "$CATEGORY:",
                        "$CATEGORY: " + "长" * 300,
                        "::只有名字::",
                        "{",
                        "}",
                    ]
                ),
                nasty_text,
            ),
            max_size=6,
        )
    )
    separator = draw(st.sampled_from(["\n\n", "\n\n", "\n\n", "\n", "\n \n"]))
    return draw(encoded(separator.join(pieces)))


gift_input = st.one_of(gift_files(), gift_files(), gift_files(), junk_bytes)


@fuzz()
@given(data=gift_input)
@example(data="题 {~%--50%甲 =乙}".encode())
def test_a_gift_file_imports_whole_or_not_at_all(data, trainer):
    check_import(data, format="gift", by=trainer)


@fuzz()
@given(data=gift_input)
def test_the_gift_parser_raises_nothing_but_a_file_error(data):
    try:
        result = gift.parse(data)
    except ImportFileError as error:
        assert str(error)
        return
    for problem in result.errors:
        assert problem.number is not None
        assert problem.message
