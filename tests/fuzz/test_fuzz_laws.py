"""Fuzzing the law importer (LawRefBook Markdown): parser, service and command.

Laws are built as the format has them (a title, the history, the INFO END
marker, chapters, sections and 第X条 articles) and then broken: headings at
the wrong level or empty, article numbers that repeat, go back, jump or are
no numerals at all, inserted 第X条之一 articles, text outside any article,
dates that do not exist, control characters, BOMs and every line ending.
"""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import event, example, given
from hypothesis import strategies as st
from wagtail.models import Page, Revision

from cms.laws import LawFormatError, decode_law, int_to_chinese, parse_law
from cms.models import LawArticle, LawLibraryPage, LawPage
from cms.services import law_import, law_library_get_or_create

from .conftest import assert_no_traceback, fuzz, rolled_back, row_counts
from .strategies import chinese_char, encoded, junk_bytes, nasty_text

pytestmark = pytest.mark.django_db

LAW_TABLES = [Page, LawLibraryPage, LawPage, LawArticle, Revision]
SHIPPED = Path(__file__).resolve().parents[2] / "cms" / "data" / "laws"
MEDIATION_TITLE = "中华人民共和国人民调解法"

words = st.text(alphabet=chinese_char, min_size=1, max_size=12)
titles = st.one_of(
    st.builds(lambda w: f"# 中华人民共和国{w}法", words),
    st.just(f"# {MEDIATION_TITLE}"),  # a law that is already in the library
    st.sampled_from(
        ["## 标题", "#标题", "标题", "# ", "#", "# #", "# " + "长" * 300, "# 法 ##"]
    ),
    nasty_text.map(lambda t: "# " + t),
)
history_lines = st.sampled_from(
    [
        "2010年8月28日 第十一届全国人民代表大会常务委员会第十六次会议通过",
        "2021年13月40日通过",
        "0000年1月1日通过",
        "9999年12月31日修正",
        "<!-- 注释 -->",
    ]
)
info_ends = st.sampled_from(
    ["<!-- INFO END -->"] * 6
    + ["<!--INFO END-->", "<!-- INFO  END -->", "<!-- info end -->", "INFO END", ""]
)
headings = st.one_of(
    st.builds(
        lambda n, w: f"## 第{int_to_chinese(n)}章 {w}", st.integers(1, 20), words
    ),
    st.builds(
        lambda n, w: f"### 第{int_to_chinese(n)}节 {w}", st.integers(1, 9), words
    ),
    st.sampled_from(["##", "###  ", "# 第二个标题", "#### 小节", "## " + "章" * 300]),
)
bad_numerals = st.sampled_from(
    ["一十一十", "百", "零一", "三五", "十十", "一百零", "一千万", "两", "〇"]
)
separators = st.sampled_from([" ", " ", "\u3000", "\u00a0", "", "  ", "\t"])
article_texts = st.one_of(
    words,
    words,
    st.sampled_from(
        [
            "本法自2021年1月1日起施行。",
            "本法自2021年2月30日起施行。",
            "",
            "（一）",
        ]
    ),
    nasty_text,
)
paragraphs = st.one_of(
    st.builds(lambda w: f"（一）{w}；", words),
    st.sampled_from(["<!-- FORCE BREAK -->", "<!-- 未闭合", "第", "条"]),
    nasty_text,
)
# How the next article number follows the last: mostly by one.
steps = st.sampled_from([1, 1, 1, 1, 1, 2, 0, -1, 3000, 20000])


@st.composite
def law_body(draw) -> list[str]:
    lines: list[str] = []
    number = 0
    for _ in range(draw(st.integers(1, 12))):
        kind = draw(st.sampled_from(["article"] * 5 + ["heading", "paragraph", "odd"]))
        if kind == "heading":
            lines.append(draw(headings))
        elif kind == "paragraph":
            lines.append(draw(paragraphs))
        elif kind == "odd":
            numeral = draw(bad_numerals)
            lines.append(
                draw(
                    st.sampled_from(
                        [f"第{numeral}条 {draw(words)}", f"第一条之一 {draw(words)}"]
                    )
                )
            )
        else:
            number += draw(steps)
            numeral = (
                int_to_chinese(number) if 0 < number < 10_000 else "九千九百九十九"
            )
            lines.append(f"第{numeral}条{draw(separators)}{draw(article_texts)}")
    return lines


@st.composite
def law_texts(draw) -> str:
    lines = [draw(titles), *draw(st.lists(history_lines, max_size=3))]
    lines.append(draw(info_ends))
    lines += draw(law_body())
    separator = draw(st.sampled_from(["\n\n", "\n\n", "\n", "\n\n\n"]))
    text = separator.join(lines)
    if draw(st.integers(0, 5)) == 5:
        text = "\ufeff" + text
    return text


@st.composite
def law_files(draw) -> bytes:
    if draw(st.integers(0, 5)) == 5:
        return draw(junk_bytes)
    return draw(encoded(draw(law_texts())))


@pytest.fixture
def library(db):
    """A library that already holds one law, so an import may also update."""
    library = law_library_get_or_create()
    law_import(text=(SHIPPED / "people-mediation-law-2010.md").read_text("utf-8"))
    return library


def _assert_stored_as_read(text: str, law: LawPage) -> None:
    parsed = parse_law(text)
    law = LawPage.objects.get(pk=law.pk)
    assert law.title == parsed.title
    assert law.live
    assert law.history == parsed.history
    assert law.adopted_on == parsed.adopted_on
    assert law.effective_on == parsed.effective_on
    stored = list(
        law.articles.order_by("sort_order").values_list(
            "number", "label", "chapter", "text"
        )
    )
    assert stored == [(a.number, a.label, a.chapter, a.text) for a in parsed.articles]


@fuzz()
@given(data=law_files())
def test_a_law_file_is_read_or_refused_with_the_line_to_fix(data):
    try:
        law = parse_law(decode_law(data))
    except LawFormatError as error:
        lines = data.count(b"\n") + data.count(b"\r") + 1
        assert 1 <= error.line <= lines
        assert error.message
        assert str(error).startswith(f"line {error.line}:") or str(error.line) in str(
            error
        )
        return
    assert law.title
    assert law.articles
    numbers = [article.number for article in law.articles]
    assert numbers == sorted(set(numbers))
    assert all(article.text for article in law.articles)


@fuzz()
@given(text=law_texts())
@example(text="# 中华人民共和国空字符法\n\n<!-- INFO END -->\n\n第一条 甲\x00乙")
def test_a_law_imports_whole_or_not_at_all(text, library):
    with rolled_back():
        before = row_counts(LAW_TABLES)
        try:
            law = law_import(text=text)
        except LawFormatError as error:
            event("refused")
            assert error.line >= 1
            assert_no_traceback(str(error))
            assert row_counts(LAW_TABLES) == before
            return
        event("imported")
        _assert_stored_as_read(text, law)


@fuzz(share=0.6)
@given(data=law_files())
def test_the_import_law_command_fails_only_with_a_message(data, library, tmp_path):
    path = tmp_path / "law.md"
    path.write_bytes(data)
    out, err = StringIO(), StringIO()
    with rolled_back():
        before = row_counts(LAW_TABLES)
        try:
            call_command("import_law", str(path), stdout=out, stderr=err)
        except CommandError as error:
            event("refused")
            assert str(error)
            assert err.getvalue().strip()
            assert_no_traceback(err.getvalue())
            assert row_counts(LAW_TABLES) == before
            return
        event("imported")
        assert out.getvalue().startswith("imported ")
