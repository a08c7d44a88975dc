"""Read law texts in the LawRefBook Markdown format.

The format (see cms/data/laws/SOURCE.md):

- line 1: ``# <full title>``
- the enactment and amendment history, one paragraph each, until
  ``<!-- INFO END -->``
- optional ``## 第X章 …`` chapter headings and ``### 第X节 …`` section headings
- each article starts a paragraph with ``第X条`` and a space (full-width or ASCII)
  and runs over the following paragraphs (items such as ``（一）…``) until the
  next article or heading.

Parsing is pure: it reads a string and returns plain data, so a bad file is
rejected before anything is written. Every problem is a LawFormatError that
names the line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

INFO_END = "<!-- INFO END -->"
CHINA_PREFIX = "中华人民共和国"

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4}
_DIGITS |= {"五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_NUMERAL = "零〇一二三四五六七八九两十百千"

# 第七条, then a space of any kind (ASCII, full-width U+3000, no-break) and the
# text; a label alone on its line also opens an article whose items follow.
ARTICLE_RE = re.compile(rf"^第([{_NUMERAL}]+)条(?:\s+(.*))?$")
# 第一百二十条之一 is how amendments insert articles; it has no integer number.
INSERTED_ARTICLE_RE = re.compile(rf"^第[{_NUMERAL}]+条之[{_NUMERAL}]+")
HEADING_RE = re.compile(r"^(#{1,6})\s*(.*?)\s*#*$")
COMMENT_RE = re.compile(r"^<!--.*-->$")
INFO_END_RE = re.compile(r"^<!--\s*INFO\s+END\s*-->$")
DATE_RE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
EFFECTIVE_RE = re.compile(DATE_RE.pattern + r"起施行")
# Strip ASCII and full-width spaces (the sources end some lines with U+3000).
_SPACES = " \t\u3000\u00a0"
# The sizes of the columns they are stored in (Page.title, LawArticle.chapter).
MAX_TITLE = 255
MAX_CHAPTER = 255


class LawFormatError(ValueError):
    """A law file does not follow the format; `line` is 1-based."""

    def __init__(self, line: int, message: str):
        self.line = line
        self.message = message
        super().__init__(
            _("line %(line)d: %(message)s") % {"line": line, "message": message}
        )


@dataclass(frozen=True)
class ParsedArticle:
    number: int
    label: str
    chapter: str
    text: str
    line: int


@dataclass
class ParsedLaw:
    title: str
    history: str
    articles: list[ParsedArticle] = field(default_factory=list)
    adopted_on: date | None = None
    effective_on: date | None = None
    # Things that import but deserve a look, such as a gap in the numbering.
    warnings: list[str] = field(default_factory=list)

    @property
    def short_title(self) -> str:
        return short_title_for(self.title)


def short_title_for(title: str) -> str:
    """人民调解法 for 中华人民共和国人民调解法; other titles stay as they are."""
    title = title.strip()
    if title.startswith(CHINA_PREFIX) and len(title) > len(CHINA_PREFIX):
        return title[len(CHINA_PREFIX) :]
    return title


def chinese_to_int(numeral: str) -> int:
    """七 → 7, 十二 → 12, 一百零一 → 101, 一千 → 1000.

    Raises ValueError for anything that is not a well-formed numeral below
    10,000 (一十一十, 百, 三五).
    """
    if not numeral:
        raise ValueError("empty numeral")
    total = 0
    digit: int | None = None
    last_unit = 10_000
    after_zero = False
    for position, char in enumerate(numeral):
        if char in _UNITS:
            unit = _UNITS[char]
            if unit >= last_unit or after_zero:
                raise ValueError(numeral)
            if digit is None:
                # 十二 means 一十二; only ten may drop its 一, and only in front.
                if unit != 10 or position != 0:
                    raise ValueError(numeral)
                digit = 1
            if digit == 0:
                raise ValueError(numeral)
            total += digit * unit
            digit = None
            last_unit = unit
        elif char in _DIGITS:
            value = _DIGITS[char]
            if digit is not None:
                raise ValueError(numeral)
            if value == 0:
                # 零 only fills a gap: 一百零一, never first or doubled.
                if position == 0 or after_zero:
                    raise ValueError(numeral)
                after_zero = True
                continue
            digit = value
            after_zero = False
        else:
            raise ValueError(numeral)
    if after_zero:
        raise ValueError(numeral)
    if digit is not None:
        total += digit
    return total


def int_to_chinese(number: int) -> str:
    """7 → 七, 12 → 十二, 101 → 一百零一, 1010 → 一千零一十 (1 to 9999)."""
    if not 0 < number < 10_000:
        raise ValueError(number)
    names = "零一二三四五六七八九"
    out = []
    pending_zero = False
    for unit, unit_name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = number // unit % 10
        if digit == 0:
            pending_zero = bool(out)
            continue
        if pending_zero:
            out.append("零")
            pending_zero = False
        if not (unit == 10 and digit == 1 and not out):
            out.append(names[digit])
        out.append(unit_name)
    return "".join(out)


def article_label(number: int) -> str:
    """第七条 for 7."""
    return f"第{int_to_chinese(number)}条"


def article_number(label: str) -> int:
    """7 for 第七条 (or 七); ValueError for anything else."""
    match = re.fullmatch(rf"第?([{_NUMERAL}]+)条?", label.strip(_SPACES))
    if match is None:
        raise ValueError(label)
    return chinese_to_int(match.group(1))


def decode_law(data: bytes) -> str:
    """The text of a law file, or LawFormatError naming the line that is not UTF-8."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise LawFormatError(
            line,
            _("the file is not UTF-8 text (byte %(offset)d).") % {"offset": exc.start},
        ) from None


def _parse_date(text: str, pattern: re.Pattern = DATE_RE) -> date | None:
    match = pattern.search(text)
    if match is None:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def parse_law(text: str) -> ParsedLaw:
    """Parse one law; raise LawFormatError (with a line number) if it is malformed."""
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for number, raw in enumerate(lines, start=1):
        if "\x00" in raw:
            # Never in a text file, and PostgreSQL cannot store it.
            raise LawFormatError(
                number, _("the line contains a NUL character: this is not a text file.")
            )
    # Blank lines only separate paragraphs, and HTML comments other than the
    # INFO END marker (LawRefBook has a few, such as FORCE BREAK) carry no text.
    paragraphs = [
        (number, line)
        for number, line in (
            (n, raw.strip(_SPACES)) for n, raw in enumerate(lines, start=1)
        )
        if line and (INFO_END_RE.match(line) or not COMMENT_RE.match(line))
    ]
    if not paragraphs:
        raise LawFormatError(1, _("the file is empty."))
    last_line = paragraphs[-1][0]
    body = iter(paragraphs)

    law = ParsedLaw(title=_parse_title(*next(body)), history="")

    history: list[str] = []
    for line_no, line in body:
        if INFO_END_RE.match(line):
            break
        if HEADING_RE.match(line) or ARTICLE_RE.match(line):
            raise LawFormatError(
                line_no,
                _(
                    "the header must end with %(marker)s before the first heading or "
                    "article."
                )
                % {"marker": INFO_END},
            )
        history.append(line)
    else:
        raise LawFormatError(
            last_line,
            _("the header never ends: no %(marker)s line.") % {"marker": INFO_END},
        )
    law.history = "\n".join(history)
    law.adopted_on = _parse_date(law.history)

    _parse_body(body, law)
    if not law.articles:
        raise LawFormatError(last_line, _("the law has no articles (第X条)."))
    for article in reversed(law.articles):
        law.effective_on = _parse_date(article.text, EFFECTIVE_RE)
        if law.effective_on is not None:
            break
    return law


def _parse_title(line_no: int, line: str) -> str:
    heading = HEADING_RE.match(line)
    if heading is None or len(heading.group(1)) != 1 or not heading.group(2):
        raise LawFormatError(
            line_no, _("the first line must be the title, written as '# title'.")
        )
    title = heading.group(2)
    if len(title) > MAX_TITLE:
        raise LawFormatError(
            line_no,
            _("the title is longer than %(max)d characters.") % {"max": MAX_TITLE},
        )
    return title


def _parse_body(body, law: ParsedLaw) -> None:
    """Read headings and articles into law.articles (and law.warnings)."""
    chapter = section = ""
    previous = 0
    # The article being read: (line, number, label, chapter, paragraphs).
    current: tuple[int, int, str, str, list[str]] | None = None

    def close() -> None:
        if current is None:
            return
        line_no, number, label, in_chapter, texts = current
        if not texts:
            raise LawFormatError(
                line_no, _("article %(label)s has no text.") % {"label": label}
            )
        law.articles.append(
            ParsedArticle(
                number=number,
                label=label,
                chapter=in_chapter,
                text="\n".join(texts),
                line=line_no,
            )
        )

    for line_no, line in body:
        heading = HEADING_RE.match(line)
        if heading is not None:
            close()
            current = None
            level, name = len(heading.group(1)), heading.group(2)
            if not name:
                raise LawFormatError(line_no, _("the heading has no text."))
            if level == 1:
                raise LawFormatError(
                    line_no, _("a second title: only line 1 may start with '# '.")
                )
            if level == 2:
                chapter, section = name, ""
            else:
                section = name
            if len(_chapter_label(chapter, section)) > MAX_CHAPTER:
                raise LawFormatError(
                    line_no,
                    _("the heading is longer than %(max)d characters.")
                    % {"max": MAX_CHAPTER},
                )
            continue

        if INSERTED_ARTICLE_RE.match(line):
            raise LawFormatError(
                line_no, _("inserted articles such as 第X条之一 are not supported.")
            )
        article = ARTICLE_RE.match(line)
        if article is None:
            if current is None:
                raise LawFormatError(
                    line_no,
                    _(
                        "text outside any article: a paragraph must follow a 第X条 "
                        "article."
                    ),
                )
            current[4].append(line)
            continue

        close()
        label = f"第{article.group(1)}条"
        try:
            number = chinese_to_int(article.group(1))
        except ValueError:
            raise LawFormatError(
                line_no,
                _("%(label)s is not a valid article number.") % {"label": label},
            ) from None
        if number <= previous:
            raise LawFormatError(
                line_no,
                _(
                    "article %(label)s comes after %(previous)s; article numbers "
                    "must increase."
                )
                % {"label": label, "previous": law.articles[-1].label},
            )
        if not law.articles and number != 1:
            # Allowed (an excerpt), but worth a look.
            law.warnings.append(
                _("line %(line)d: the first article is %(label)s, not 第一条.")
                % {"line": line_no, "label": label}
            )
        elif law.articles and number != previous + 1:
            # Allowed (an excerpt, a repealed article), but worth a look: a
            # missing article may have been glued to the one before by a typo.
            law.warnings.append(
                _(
                    "line %(line)d: %(label)s follows %(previous)s; the articles "
                    "in between are missing."
                )
                % {
                    "line": line_no,
                    "label": label,
                    "previous": law.articles[-1].label,
                }
            )
        previous = number
        first_paragraph = [article.group(2)] if article.group(2) else []
        current = (
            line_no,
            number,
            label,
            _chapter_label(chapter, section),
            first_paragraph,
        )
    close()


def _chapter_label(chapter: str, section: str) -> str:
    """第二章 个人信息处理规则 / 第一节 一般规定; blank when the law has no chapters."""
    return " / ".join(part for part in (chapter, section) if part)
