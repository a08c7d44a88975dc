"""Moodle XML export, in the shape Moodle's own export writes."""

from __future__ import annotations

from xml.etree.ElementTree import Comment, Element, SubElement, indent, tostring

from django.utils.translation import gettext as _

from ..importers.base import Skipped
from ..models import Question
from ..services.questions import question_name_from_stem
from .base import ExportResult, tag_names

MOODLE_TYPES = {
    Question.Type.SINGLE: "multichoice",
    Question.Type.MULTIPLE: "multichoice",
    Question.Type.TRUE_FALSE: "truefalse",
    Question.Type.FILL: "shortanswer",
    Question.Type.SHORT: "shortanswer",
    Question.Type.ESSAY: "essay",
}


def percent(fraction: float) -> str:
    """A fraction as Moodle writes it: 1.0 → "100", 1/3 → "33.33333"."""
    text = f"{float(fraction) * 100:.5f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _text(parent: Element, tag: str, value: str, text_format: str | None = None):
    node = SubElement(parent, tag)
    if text_format:
        node.set("format", text_format)
    SubElement(node, "text").text = value or ""
    return node


def _answer(parent, text: str, fraction: float, feedback: str, text_format: str):
    node = SubElement(parent, "answer", fraction=percent(fraction), format=text_format)
    SubElement(node, "text").text = text
    _text(node, "feedback", feedback, text_format)


def unsupported_reason(question: Question) -> str | None:
    """Why Moodle's formats cannot carry this question, or None."""
    version = question.current_version
    if question.type == Question.Type.FILL and len(version.answer) != 1:
        return _("fill-in with several blanks")
    return None


def export(questions) -> ExportResult:
    quiz = Element("quiz")
    result = ExportResult(data=b"")
    category = None
    for question in questions:
        reason = unsupported_reason(question)
        if reason:
            result.skipped.append(Skipped(name=str(question), type=reason))
            quiz.append(Comment(f" skipped: {question} ({reason}) "))
            continue
        if question.category and question.category.name != category:
            category = question.category.name
            node = SubElement(quiz, "question", type="category")
            _text(node, "category", f"$course$/top/{category}")
        _question(quiz, question, tag_names(question))
        result.exported += 1
    indent(quiz, space="  ")
    body = tostring(quiz, encoding="unicode")
    result.data = ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode()
    return result


def _question(quiz: Element, question: Question, tags: list[str]) -> None:
    version = question.current_version
    qtype = question.type
    node = SubElement(quiz, "question", type=MOODLE_TYPES[qtype])
    _text(node, "name", question.name or question_name_from_stem(version.stem))
    _text(node, "questiontext", version.stem, "html")
    _text(node, "generalfeedback", version.explanation, "html")
    SubElement(node, "defaultgrade").text = f"{version.points:.7f}"
    SubElement(node, "penalty").text = "0.3333333"
    SubElement(node, "hidden").text = "0"
    SubElement(node, "idnumber").text = ""
    if qtype in (Question.Type.SINGLE, Question.Type.MULTIPLE):
        single = "true" if qtype == Question.Type.SINGLE else "false"
        SubElement(node, "single").text = single
        SubElement(node, "shuffleanswers").text = "true"
        SubElement(node, "answernumbering").text = "ABCD"
        for choice in version.choices:
            _answer(
                node,
                choice["text"],
                choice.get("fraction") or 0,
                choice.get("feedback", ""),
                "plain_text",
            )
    elif qtype == Question.Type.TRUE_FALSE:
        feedback = {c["key"]: c.get("feedback", "") for c in version.choices}
        right = version.answer[0]
        for key, word in (("T", "true"), ("F", "false")):
            fraction = 1 if key == right else 0
            _answer(node, word, fraction, feedback.get(key, ""), "moodle_auto_format")
    elif qtype in (Question.Type.SHORT, Question.Type.FILL):
        SubElement(node, "usecase").text = "0"
        accepted = version.answer if qtype == Question.Type.SHORT else version.answer[0]
        for text in accepted:
            _answer(node, text, 1, "", "moodle_auto_format")
    else:
        SubElement(node, "responseformat").text = "editor"
        SubElement(node, "responserequired").text = "1"
        SubElement(node, "responsefieldlines").text = "15"
        SubElement(node, "attachments").text = "0"
        SubElement(node, "attachmentsrequired").text = "0"
        _text(node, "graderinfo", version.rubric, "html")
        _text(node, "responsetemplate", "", "html")
    if tags:
        tags_node = SubElement(node, "tags")
        for tag in tags:
            _text(tags_node, "tag", tag)
