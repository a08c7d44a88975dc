"""Fuzzing the Moodle XML importer: junk, wrong nesting, odd types and numbers."""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from assessments.importers import ImportFileError, moodlexml

from .conftest import fuzz
from .question_checks import check_import
from .strategies import chinese_char, huge_numbers, junk_bytes, nasty_text, truncated

pytestmark = pytest.mark.django_db

words = st.text(alphabet=chinese_char, min_size=1, max_size=6)
types = st.sampled_from(
    ["multichoice"] * 3
    + ["truefalse", "shortanswer", "essay", "category"] * 2
    + ["matching", "numerical", "cloze", "ddwtos", "", "MULTICHOICE", "多选"]
)
fractions = st.sampled_from(
    [
        *("100", "0", "50", "-50", "33.33333", "100.0", "1e2"),
        *("inf", "-inf", "nan", "1e400", "abc", "", "１００", "100%", "0x64"),
    ]
)
formats = st.sampled_from(
    ["html", "plain_text", "markdown", "moodle_auto_format", "bogus", ""]
)
# What may stand between tags: escaped text, entities, CDATA with HTML.
content = st.one_of(
    words,
    words,
    nasty_text.map(escape),
    nasty_text,  # unescaped: & and < make the file malformed
    st.sampled_from(
        [
            "&amp;lt;p&amp;gt;段&amp;lt;/p&amp;gt;",
            "&#x4E2D;&#22269;",
            "&#0;",
            "&#xD800;",
            "&nbsp;",
            "&bogus;",
            "<![CDATA[<p>段<script>alert(1)</script></p>]]>",
            "<![CDATA[<img src=@@PLUGINFILE@@/a.png>]]>",
            "<![CDATA[ ______ ]]>",
            "true",
            "false",
        ]
    ),
)


def element(tag: str, body: str = "", **attributes: str) -> str:
    attrs = "".join(f" {name}={quoteattr(value)}" for name, value in attributes.items())
    return f"<{tag}{attrs}>{body}</{tag}>"


def text_field(tag: str, body: str, fmt: str | None = None) -> str:
    attributes = {"format": fmt} if fmt else {}
    return element(tag, element("text", body), **attributes)


@st.composite
def answer(draw) -> str:
    body = element("text", draw(content))
    if draw(st.booleans()):
        body += text_field("feedback", draw(content), draw(formats))
    attributes = {}
    if draw(st.integers(0, 5)):
        attributes["fraction"] = draw(fractions)
    if draw(st.booleans()):
        attributes["format"] = draw(formats)
    return element("answer", body, **attributes)


@st.composite
def question(draw) -> str:
    qtype = draw(types)
    if qtype == "category":
        path = draw(
            st.sampled_from(
                ["$course$/top/民法典/合同编", "top", "$system$", "", "a//b/ /c"]
            )
        )
        inner = draw(st.sampled_from([element("text", path), path]))
        return element("question", element("category", inner), type=qtype)
    parts = []
    if draw(st.integers(0, 4)):
        parts.append(element("name", element("text", draw(content))))
    if draw(st.integers(0, 6)):
        parts.append(text_field("questiontext", draw(content), draw(formats)))
    if draw(st.booleans()):
        parts.append(text_field("generalfeedback", draw(content), draw(formats)))
    if draw(st.booleans()):
        parts.append(element("defaultgrade", draw(huge_numbers)))
    if draw(st.booleans()):
        parts.append(
            element("single", draw(st.sampled_from(["true", "false", "0", "1", ""])))
        )
    if draw(st.booleans()):
        tags = draw(st.lists(content, max_size=3))
        parts.append(
            element("tags", "".join(element("tag", element("text", t)) for t in tags))
        )
    if draw(st.booleans()):
        parts.append(text_field("graderinfo", draw(content), draw(formats)))
    if draw(st.booleans()):
        parts.append(
            element(
                "file",
                draw(st.sampled_from(["iVBORw0KGgo=", "", "!!"])),
                name=draw(st.sampled_from(["a.png", "b.JPG", "c.exe", "noext"])),
                encoding=draw(st.sampled_from(["base64", "hex"])),
            )
        )
    parts += draw(st.lists(answer(), max_size=5))
    if draw(st.integers(0, 5)) == 5:
        # Wrong nesting: an answer inside the question text, a question in a question.
        misplaced = draw(st.sampled_from(["answer", "question", "text", "quiz"]))
        parts.append(element("questiontext", element(misplaced, draw(content))))
    parts = draw(st.permutations(parts))
    return element("question", "".join(parts), type=qtype)


tidy_fraction = st.one_of(
    st.sampled_from(["100", "0", "50", "-50", "33.33333"]), fractions
)


@st.composite
def tidy_question(draw) -> str:
    """A question as Moodle exports it, with now and then one odd value."""
    qtype = draw(st.sampled_from(["multichoice", "truefalse", "shortanswer", "essay"]))
    fmt = draw(st.sampled_from(["html", "html", "plain_text", "moodle_auto_format"]))
    stem = draw(words) + draw(st.sampled_from(["", "", "______", "&lt;b&gt;粗"]))
    parts = [
        element("name", element("text", draw(words))),
        text_field("questiontext", stem, fmt),
        text_field("generalfeedback", draw(words), fmt),
        element(
            "defaultgrade",
            draw(st.one_of(st.sampled_from(["1", "2.5", "10"]), huge_numbers)),
        ),
    ]
    if qtype == "multichoice":
        parts.append(element("single", draw(st.sampled_from(["true", "false"]))))
    texts = draw(st.lists(words, min_size=2, max_size=5))
    # As Moodle writes them: the right answer at 100, the others at 0.
    answers = [(text, "100" if index == 0 else "0") for index, text in enumerate(texts)]
    if draw(st.integers(0, 3)) == 3:
        index = draw(st.integers(0, len(answers) - 1))
        answers[index] = (answers[index][0], draw(tidy_fraction))
    if qtype == "truefalse":
        answers = [("true", answers[0][1]), ("false", "0")]
    if qtype != "essay":
        for text, fraction in answers:
            parts.append(
                element(
                    "answer",
                    element("text", text) + text_field("feedback", draw(words)),
                    fraction=fraction,
                    format="plain_text",
                )
            )
    else:
        parts.append(text_field("graderinfo", draw(words), fmt))
    tags = draw(st.lists(words, max_size=2))
    parts.append(
        element("tags", "".join(element("tag", element("text", t)) for t in tags))
    )
    return element("question", "".join(parts), type=qtype)


@st.composite
def moodle_files(draw) -> bytes:
    prolog, root = '<?xml version="1.0" encoding="UTF-8"?>\n', "quiz"
    if draw(st.integers(0, 3)) == 3:
        prolog = draw(
            st.sampled_from(
                [
                    "",
                    '<?xml version="1.0" encoding="GBK"?>\n',
                    '<?xml version="1.0" encoding="bogus"?>\n',
                    '<?xml version="1.0" encoding="utf-16"?>\n',
                    '<?xml version="2.0"?>\n',
                    '<!DOCTYPE quiz [<!ENTITY a "哈哈">]>\n',
                    '<!DOCTYPE quiz SYSTEM "http://example.com/quiz.dtd">\n',
                    "\ufeff",
                ]
            )
        )
    if draw(st.integers(0, 5)) == 5:
        root = draw(st.sampled_from(["questions", "Quiz", ""]))
    if draw(st.booleans()):
        body = "".join(draw(st.lists(tidy_question(), min_size=1, max_size=4)))
    else:
        body = "".join(draw(st.lists(question(), max_size=5)))
    text = f"{prolog}<{root}>{body}</{root}>" if root else body
    encoding = "gbk" if "GBK" in prolog else "utf-8"
    data = text.encode(encoding, errors="replace")
    if draw(st.integers(0, 9)) == 9:
        data = truncated(data, draw)
    return data


INFINITE_FRACTION = (
    "<quiz><question type='multichoice'><questiontext><text>问</text></questiontext>"
    "<answer fraction='inf'><text>甲</text></answer>"
    "<answer fraction='0'><text>乙</text></answer></question></quiz>"
).encode()
TOO_MANY_POINTS = (
    "<quiz><question type='essay'><questiontext><text>问</text></questiontext>"
    "<defaultgrade>9999.999</defaultgrade></question></quiz>"
).encode()
moodle_input = st.one_of(moodle_files(), moodle_files(), moodle_files(), junk_bytes)


@fuzz()
@given(data=moodle_input)
@example(data=b'<?xml version="1.0" encoding="bogus"?><quiz></quiz>')
@example(data=INFINITE_FRACTION)
@example(data=TOO_MANY_POINTS)
def test_a_moodle_xml_file_imports_whole_or_not_at_all(data, trainer):
    check_import(data, format="moodlexml", by=trainer)


@fuzz()
@given(data=moodle_input)
def test_the_moodle_xml_parser_raises_nothing_but_a_file_error(data):
    try:
        result = moodlexml.parse(data)
    except ImportFileError as error:
        assert str(error)
        return
    for problem in result.errors:
        assert problem.number is not None
        assert problem.message
