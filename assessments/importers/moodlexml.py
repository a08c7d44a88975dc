"""Moodle XML, read the way Moodle's own qformat_xml reads it.

- ``<question type="category">`` sets the category of the questions after it;
  Moodle's context prefix (``$course$/``, ``$system$/`` …) and its ``top``
  category are left out: 民法典/合同编, not $course$/top/民法典/合同编.
- multichoice: ``<single>`` is true unless it says "false" (or is empty);
  ``fraction`` is a percentage; the right choice of a single-choice question
  is the one at 100%; per-choice ``<feedback>`` is kept.
- truefalse: the answer whose text is "true" (or, in old files, the first)
  is right when its fraction is 100.
- shortanswer: the answers at 100% are accepted. A shortanswer whose stem
  marks one blank (``_____``, as Moodle's GIFT missing-word form makes it) is
  a one-blank fill-in question here, so that our fill-in questions survive an
  export to Moodle and back.
- essay: ``graderinfo`` becomes the marking rubric.
- ``generalfeedback`` is the explanation, ``defaultgrade`` the points,
  ``<tags>`` the tags. Question text in html or moodle_auto_format is kept as
  (cleaned) HTML; plain_text and markdown are escaped.
- every other type (matching, numerical, calculated, ddwtos, cloze …) is
  skipped and reported.

Parsed with defusedxml: a file that declares entities (a "billion laughs"
bomb) or points at external ones is refused as a whole.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from urllib.parse import quote
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from django.utils.translation import gettext as _

from ..models import Question
from ..services.questions import (
    QuestionData,
    as_html,
    blank_count,
    html_to_plain,
    plain_to_html,
)
from .base import ImportFileError, Parsed, ParseResult, Skipped

SUPPORTED = {"multichoice", "truefalse", "shortanswer", "essay"}


def _text(node: Element | None, path: str = "text") -> str:
    if node is None:
        return ""
    found = node.find(path) if path else node
    if found is None:
        return ""
    return (found.text or "").strip()


IMAGE_TYPES = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
}


def _embed_files(node: Element, text: str) -> str:
    """Moodle's @@PLUGINFILE@@ images, from the file's own <file> elements,
    as data: URLs (we keep no separate file store for question images)."""
    for file in node.findall("file"):
        name = file.get("name", "")
        kind = IMAGE_TYPES.get(name.rsplit(".", 1)[-1].lower())
        if not kind or file.get("encoding") != "base64":
            continue
        content = re.sub(r"\s+", "", file.text or "")
        url = f"data:{kind};base64,{content}"
        path = file.get("path", "/").strip("/")
        for candidate in {name, quote(name), f"{path}/{name}".strip("/")}:
            text = text.replace(f"@@PLUGINFILE@@/{candidate}", url)
    return text


def _formatted(node: Element | None, default: str = "html") -> str:
    """A Moodle text field (questiontext, feedback …) as our HTML."""
    if node is None:
        return ""
    text = _embed_files(node, _text(node))
    text_format = node.get("format", default)
    if text_format in ("plain_text", "markdown"):
        return plain_to_html(text)
    if text_format == "moodle_auto_format" and "<" not in text:
        return plain_to_html(text)
    return as_html(text)


def _plain(node: Element | None, default: str = "html") -> str:
    """A Moodle answer or feedback as plain text (our choices are plain text)."""
    if node is None:
        return ""
    text = _text(node)
    if node.get("format", default) in ("plain_text", "markdown"):
        return text
    return html_to_plain(text)


def category_path(text: str) -> str:
    """Moodle's category path without its context prefix and top category."""
    parts = [part for part in text.strip().split("/") if part.strip()]
    if parts and parts[0].startswith("$") and parts[0].endswith("$"):
        parts = parts[1:]
    if parts and parts[0] == "top":
        parts = parts[1:]
    return "/".join(part.strip() for part in parts)


def _fraction(answer: Element) -> float:
    try:
        return float(answer.get("fraction", "0")) / 100
    except ValueError as exc:
        raise ValueError(
            _("%(value)s is not a fraction.") % {"value": answer.get("fraction")}
        ) from exc


def parse(data: bytes) -> ParseResult:
    try:
        root = fromstring(data)
    except DefusedXmlException as exc:
        raise ImportFileError(
            _(
                "The XML file declares entities or refers to external files. "
                "For safety such files are refused; export the questions from "
                "Moodle again."
            )
        ) from exc
    except (ParseError, ValueError, LookupError) as exc:
        # LookupError: an encoding Python does not know (encoding="bogus").
        raise ImportFileError(
            _("The file is not well-formed XML: %(problem)s") % {"problem": exc}
        ) from exc
    if root.tag != "quiz":
        raise ImportFileError(
            _("This XML file is not a Moodle question file (it has no <quiz>).")
        )
    result = ParseResult()
    category = ""
    number = 0
    for node in root.findall("question"):
        qtype = node.get("type", "")
        if qtype == "category":
            found = node.find("category")
            # Old exports put the path straight in <category>, without <text>.
            path = _text(found) or _text(found, "")
            category = category_path(path)
            continue
        number += 1
        name = _text(node.find("name"))
        if qtype not in SUPPORTED:
            result.skipped.append(
                Skipped(name=name or _("question %(n)s") % {"n": number}, type=qtype)
            )
            continue
        data_ = QuestionData(type=Question.Type.SINGLE, stem="", name=name[:200])
        parsed = Parsed(data=data_, number=number)
        try:
            _read_question(node, qtype, data_, category)
        except ValueError as error:
            result.errors.append(parsed.problem(str(error)))
            continue
        result.items.append(parsed)
    return result


def _read_question(node: Element, qtype: str, data: QuestionData, category: str):
    questiontext = node.find("questiontext")
    text_format = questiontext.get("format", "html") if questiontext is not None else ""
    data.stem = _formatted(questiontext)
    data.explanation = _formatted(node.find("generalfeedback"), text_format)
    data.category = category
    grade = _text(node, "defaultgrade")
    if grade:
        try:
            data.points = Decimal(grade)
        except InvalidOperation as exc:
            raise ValueError(
                _("%(value)s is not a number of points.") % {"value": grade}
            ) from exc
    data.tags = [_text(tag) for tag in node.findall("tags/tag") if _text(tag)]
    answers = node.findall("answer")
    if qtype == "multichoice":
        single = _text(node, "single") or "true"
        data.type = (
            Question.Type.MULTIPLE if single in ("false", "0") else Question.Type.SINGLE
        )
        data.choices = [
            {
                "text": _plain(answer, text_format),
                "fraction": _fraction(answer),
                "feedback": _plain(answer.find("feedback"), text_format),
            }
            for answer in answers
        ]
    elif qtype == "truefalse":
        data.type = Question.Type.TRUE_FALSE
        data.choices = []
        right = None
        for index, answer in enumerate(answers):
            word = _text(answer)
            if word not in ("true", "false"):
                word = "true" if index == 0 else "false"
            key = "T" if word == "true" else "F"
            data.choices.append(
                {"key": key, "feedback": _plain(answer.find("feedback"), text_format)}
            )
            if _fraction(answer) >= 0.9999999:
                right = key
        if right is None:
            raise ValueError(_("Neither true nor false is marked as the right answer."))
        data.answer = [right]
    elif qtype == "shortanswer":
        accepted = [_text(a) for a in answers if _fraction(a) >= 0.9999999 and _text(a)]
        if blank_count(data.stem) == 1:
            data.type = Question.Type.FILL
            data.answer = [accepted]
        else:
            data.type = Question.Type.SHORT
            data.answer = accepted
    else:
        data.type = Question.Type.ESSAY
        data.rubric = _formatted(node.find("graderinfo"), text_format)
