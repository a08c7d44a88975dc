"""GIFT, read the way Moodle's qformat_gift reads it.

- Questions are separated by blank lines; lines starting with ``//`` are
  comments; ``$CATEGORY: path`` sets the category of what follows.
- ``::name::`` names a question; ``[html]``, ``[moodle]``, ``[plain]`` or
  ``[markdown]`` before a text gives its format (moodle by default).
- Escapes ``\\:`` ``\\~`` ``\\=`` ``\\#`` ``\\{`` ``\\}`` ``\\\\`` and ``\\n``.
- The answer block decides the type, in Moodle's order: ``{}`` essay;
  ``{#…}`` numerical (not supported); a ``~`` multiple choice (single choice
  when it has an ``=``, otherwise multiple, weights ``~%50%``); ``=`` and
  ``->`` matching (not supported); ``T``/``TRUE``/``F``/``FALSE`` true/false
  (``{T#wrong feedback#right feedback}``); anything else short answer
  (``{=a =b}``, the answers at 100% accepted). ``#`` after an answer is its
  feedback; ``####`` the general feedback (our explanation).
- Text after the answer block makes it Moodle's "missing word" form: the
  block becomes ``_____`` in the stem. A short answer with one such blank is
  a one-blank fill-in question here.
- No answer block at all is a "description": skipped and reported.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from ..models import Question
from ..services.questions import (
    QuestionData,
    as_html,
    blank_count,
    html_to_plain,
    plain_to_html,
)
from .base import Parsed, ParseResult, Skipped, decode_text
from .moodlexml import category_path

ESCAPES = {
    "\\:": "\x01058",
    "\\#": "\x01035",
    "\\=": "\x01061",
    "\\{": "\x01123",
    "\\}": "\x01125",
    "\\~": "\x01126",
    "\\n": "\x01010",
}
UNESCAPES = {
    "\x01058": ":",
    "\x01035": "#",
    "\x01061": "=",
    "\x01123": "{",
    "\x01125": "}",
    "\x01126": "~",
    "\x01010": "\n",
}
BACKSLASH = "\x01092"
WEIGHT_RE = re.compile(r"^%-*([0-9]{1,2})\.?([0-9]*)%")
FORMATS = {"moodle", "html", "plain", "markdown"}
TRUE_FALSE = {"T", "TRUE", "F", "FALSE"}


def _escape_pre(text: str) -> str:
    text = text.replace("\\\\", BACKSLASH)
    for escaped, placeholder in ESCAPES.items():
        text = text.replace(escaped, placeholder)
    return text.replace(BACKSLASH, "\\")


def _escape_post(text: str) -> str:
    for placeholder, character in UNESCAPES.items():
        text = text.replace(placeholder, character)
    return text


def _with_format(text: str, default: str = "moodle") -> tuple[str, str]:
    text = text.strip()
    text_format = default
    if text.startswith("["):
        end = text.find("]")
        if end > 0 and text[1:end] in FORMATS:
            text_format = text[1:end]
            text = text[end + 1 :]
    return _escape_post(text).strip(), text_format


def _as_html(text: str, text_format: str) -> str:
    if text_format in ("plain", "markdown"):
        return plain_to_html(text)
    return as_html(text.replace("\n", "<br>") if "<" in text else text)


def _as_plain(text: str, text_format: str) -> str:
    if text_format in ("plain", "markdown"):
        return text
    return html_to_plain(text)


def _weight(answer: str) -> tuple[float | None, str]:
    """Moodle's answerweightparser: ``%50%rest`` → (0.5, "rest")."""
    if not WEIGHT_RE.match(answer):
        return None, answer
    body = answer[1:]
    end = body.find("%")
    try:
        weight = float(body[:end]) / 100
    except ValueError:
        # "%--50%" matches the pattern; Moodle's floatval() reads it as 0.
        weight = 0.0
    return weight, body[end + 1 :]


def _blocks(text: str) -> list[list[str]]:
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in text.split("\n"):
        if not line.strip():
            if current:
                blocks.append(current)
                current = []
        else:
            current.append(line)
    if current:
        blocks.append(current)
    return blocks


def parse(data: bytes) -> ParseResult:
    result = ParseResult()
    category = ""
    number = 0
    for lines in _blocks(decode_text(data)):
        lines = [" " if line.strip().startswith("//") else line for line in lines]
        text = "\n".join(lines).strip()
        if not text:
            continue
        text = _escape_pre(text)
        if text.startswith("$CATEGORY:"):
            category = category_path(_escape_post(text[10:]).strip())
            continue
        number += 1
        _read_question(result, text, number, category)
    return result


def _read_question(result: ParseResult, text: str, number: int, category: str):
    name = ""
    if text.startswith("::"):
        text = text[2:]
        end = text.find("::")
        if end >= 0:
            name = _escape_post(text[:end]).strip()
            text = text[end + 2 :].strip()
    data = QuestionData(type=Question.Type.SINGLE, stem="", name=name[:200])
    data.category = category
    parsed = Parsed(data=data, number=number)

    start, finish = text.find("{"), text.find("}")
    if start < 0 and finish < 0:
        result.skipped.append(
            Skipped(name=name or _first_words(text), type="description")
        )
        return
    if start < 0 or finish < 0 or finish < start:
        result.errors.append(
            parsed.problem(_("The answer part must be enclosed in braces { }."))
        )
        return
    answer_text = text[start + 1 : finish].strip()
    if text.endswith("}"):
        stem_text = text[:start] + text[finish + 1 :]
    else:
        stem_text = text[:start] + "_____" + text[finish + 1 :]

    general = ""
    separator = answer_text.rfind("####")
    if separator >= 0:
        general = answer_text[separator + 4 :]
        answer_text = answer_text[:separator].strip()

    stem, text_format = _with_format(stem_text)
    data.stem = _as_html(stem, text_format)
    general, general_format = _with_format(general, text_format)
    data.explanation = _as_html(general, general_format)
    label = name or _first_words(stem)

    if answer_text == "":
        data.type = Question.Type.ESSAY
    elif answer_text.startswith("#"):
        result.skipped.append(Skipped(name=label, type="numerical"))
        return
    elif "~" in answer_text:
        _multichoice(parsed, answer_text, text_format)
    elif "=" in answer_text and "->" in answer_text:
        result.skipped.append(Skipped(name=label, type="matching"))
        return
    else:
        check = answer_text
        if answer_text.find("#") > 0:
            check = answer_text[: answer_text.find("#")].strip()
        if check in TRUE_FALSE:
            _true_false(data, answer_text, text_format)
        else:
            _short(data, answer_text)
    if (
        parsed.data.type in (Question.Type.SINGLE, Question.Type.MULTIPLE)
        and len(data.choices) < 2
    ):
        result.errors.append(
            parsed.problem(_("A choice question needs at least two answers."))
        )
        return
    if data.type in (Question.Type.SHORT, Question.Type.FILL) and not data.answer:
        result.errors.append(parsed.problem(_("The question has no right answer.")))
        return
    result.items.append(parsed)


def _first_words(text: str) -> str:
    plain = re.sub(r"\s+", " ", _escape_post(html_to_plain(text))).strip()
    return plain[:40]


def _answer_and_feedback(answer: str, text_format: str) -> tuple[str, str]:
    text, _sep, feedback = answer.partition("#")
    text, answer_format = _with_format(text, text_format)
    feedback, feedback_format = _with_format(feedback, text_format)
    return _as_plain(text, answer_format), _as_plain(feedback, feedback_format)


def _multichoice(parsed: Parsed, answer_text: str, text_format: str) -> None:
    data = parsed.data
    data.type = Question.Type.SINGLE if "=" in answer_text else Question.Type.MULTIPLE
    answers = answer_text.replace("=", "~=").split("~")
    if answers and not answers[0].strip():
        answers = answers[1:]
    for answer in answers:
        answer = answer.strip()
        if answer.startswith("="):
            weight, answer = 1.0, answer[1:]
        else:
            weight, answer = _weight(answer)
            weight = weight or 0.0
        text, feedback = _answer_and_feedback(answer, text_format)
        data.choices.append({"text": text, "fraction": weight, "feedback": feedback})


def _true_false(data: QuestionData, answer_text: str, text_format: str) -> None:
    data.type = Question.Type.TRUE_FALSE
    bits = [*answer_text.split("#", 2), "", ""][:3]
    word = _escape_post(bits[0]).strip()
    wrong = _as_plain(*_with_format(bits[1], text_format))
    right = _as_plain(*_with_format(bits[2], text_format))
    if word in ("T", "TRUE"):
        data.answer = ["T"]
        data.choices = [
            {"key": "T", "feedback": right},
            {"key": "F", "feedback": wrong},
        ]
    else:
        data.answer = ["F"]
        data.choices = [
            {"key": "T", "feedback": wrong},
            {"key": "F", "feedback": right},
        ]


def _short(data: QuestionData, answer_text: str) -> None:
    answers = answer_text.split("=")
    if answers and not answers[0].strip():
        answers = answers[1:]
    accepted = []
    for answer in answers:
        weight, answer = _weight(answer.strip())
        if weight is None:
            weight = 1.0
        text = _escape_post(answer.partition("#")[0]).strip()
        if weight >= 0.9999999 and text:
            accepted.append(text)
    if blank_count(data.stem) == 1:
        data.type = Question.Type.FILL
        data.answer = [accepted] if accepted else []
    else:
        data.type = Question.Type.SHORT
        data.answer = accepted
