"""Building blocks for the importer fuzz strategies: nasty text, encodings, junk.

Each importer's own module builds structurally plausible files from these
(a valid header with broken rows, GIFT with unbalanced braces …); the pieces
here are the characters and bytes that break parsers: Chinese and full-width
text, control characters, byte-order marks, odd line ends, huge numbers.
"""

from __future__ import annotations

import io
import zipfile

from hypothesis import strategies as st

# Characters that have broken text importers somewhere: NUL and other
# controls, BOMs, zero-width and direction marks, full-width punctuation and
# digits, line and paragraph separators, the replacement character.
NASTY_CHARS = (
    "\x00\x01\x07\x08\x0b\x0c\x1b\x1c\x1f\x7f\x85\xa0\xad"
    "\ufeff\u200b\u200d\u200e\u202e\u2028\u2029\u3000\ufffd"
    "：；，。、（）【】《》“”‘’！？＃＝～｛｝％＿＆＜＞"
    "０１２３４５６７８９ＡＢＣＤＴＦ"
    "\\{}[]<>&#%=~:;,|/\"'`$@*_-+.\t\r\n "
)
CHINESE = (
    "中华人民共和国民法典调解社区网格员书记主任条章节对错是否题答案选项第一二三十百千零"
)

nasty_char = st.sampled_from(NASTY_CHARS)
chinese_char = st.sampled_from(CHINESE)
any_char = st.characters(codec="utf-8")

# Mostly readable words, with now and then anything at all.
nasty_text = st.text(
    alphabet=st.one_of(chinese_char, nasty_char, any_char), max_size=30
)
huge_numbers = st.sampled_from(
    [
        "0",
        "-1",
        "99999999999999999999999",
        "1e400",
        "-1e400",
        "1e-400",
        "NaN",
        "sNaN",
        "inf",
        "-Infinity",
        "9999.999",
        "10000",
        "0.005",
        "١٢",  # Arabic-Indic digits: int() and Decimal() accept them
        "１２",
        "3.",
        ".5",
        "1_000",
        "0x10",
        "",
    ]
)


def line_ends(text: str, ending: str) -> str:
    return text.replace("\n", ending)


@st.composite
def encoded(draw, text: str) -> bytes:
    """``text`` as a file: some encoding, some line ending, maybe a BOM."""
    text = line_ends(text, draw(st.sampled_from(["\n", "\r\n", "\r", "\n\r"])))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]))
    if draw(st.integers(0, 5)) == 5:
        # Not what a Chinese office saves: Chinese text turns into "?" or
        # the bytes are no text we read.
        encoding = draw(st.sampled_from(["gbk", "utf-16", "latin-1", "big5"]))
    data = text.encode(encoding, errors="replace")
    if draw(st.booleans()) and draw(st.booleans()):
        # A damaged copy: a byte cut off or flipped somewhere.
        position = draw(st.integers(0, max(0, len(data) - 1)))
        if draw(st.booleans()):
            data = data[:position]
        elif data:
            data = (
                data[:position] + bytes([data[position] ^ 0x80]) + data[position + 1 :]
            )
    return data


junk_bytes = st.binary(max_size=300)


@st.composite
def junk_zip(draw) -> bytes:
    """A zip that is no workbook, or is one cut short."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in draw(
            st.lists(
                st.sampled_from(
                    [
                        "[Content_Types].xml",
                        "xl/workbook.xml",
                        "xl/worksheets/sheet1.xml",
                        "xl/sharedStrings.xml",
                        "_rels/.rels",
                        "readme.txt",
                    ]
                ),
                max_size=4,
                unique=True,
            )
        ):
            archive.writestr(name, draw(st.binary(max_size=60)))
    return buffer.getvalue()


def truncated(data: bytes, draw) -> bytes:
    """``data`` cut somewhere (a half-finished upload)."""
    return data[: draw(st.integers(0, max(0, len(data) - 1)))]
