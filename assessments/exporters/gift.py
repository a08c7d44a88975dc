"""GIFT export, as Moodle's qformat_gift writes it.

Stems are HTML, so they are written with the ``[html]`` marker; choices and
feedback (plain text here) are written HTML-escaped in the question's format.
GIFT carries no points, difficulty, tags or essay rubric.
"""

from __future__ import annotations

import html

from ..importers.base import Skipped
from ..models import Question
from ..services.questions import question_name_from_stem
from .base import ExportResult
from .moodlexml import percent, unsupported_reason

RESERVED = [
    ("\\", "\\\\"),
    ("#", "\\#"),
    ("=", "\\="),
    ("~", "\\~"),
    ("{", "\\{"),
    ("}", "\\}"),
    (":", "\\:"),
    ("\n", "\\n"),
    ("\r", ""),
]


def repchar(text: str) -> str:
    """Moodle's repchar: escape GIFT's control characters, fold new lines."""
    for character, escaped in RESERVED:
        text = text.replace(character, escaped)
    return text


def _plain(text: str) -> str:
    # Plain text inside an [html] question: escaped as HTML, then for GIFT.
    return repchar(html.escape(text or "", quote=False))


def export(questions) -> ExportResult:
    result = ExportResult(data=b"")
    parts: list[str] = []
    category = None
    for question in questions:
        reason = unsupported_reason(question)
        if reason:
            result.skipped.append(Skipped(name=str(question), type=reason))
            parts.append(f"// skipped: {question} ({reason})\n")
            continue
        if question.category and question.category.name != category:
            category = question.category.name
            parts.append(f"$CATEGORY: $course$/top/{category}\n")
        parts.append(_question(question))
        result.exported += 1
    result.data = "\n".join(parts).encode()
    return result


def _question(question: Question) -> str:
    version = question.current_version
    qtype = question.type
    name = question.name or question_name_from_stem(version.stem)
    out = f"// question: {question.pk}  name: {name}\n"
    out += f"::{repchar(name)}::[html]{repchar(version.stem)}"
    general = f"####{repchar(version.explanation)}" if version.explanation else ""
    if qtype in (Question.Type.SINGLE, Question.Type.MULTIPLE):
        out += "{\n"
        for choice in version.choices:
            fraction = choice.get("fraction") or 0
            if fraction == 1 and qtype == Question.Type.SINGLE:
                mark = "="
            elif fraction == 0:
                mark = "~"
            else:
                mark = f"~%{percent(fraction)}%"
            out += f"\t{mark}{_plain(choice['text'])}"
            if choice.get("feedback"):
                out += f"#{_plain(choice['feedback'])}"
            out += "\n"
        out += f"\t{general}\n" if general else ""
        out += "}\n"
    elif qtype == Question.Type.TRUE_FALSE:
        feedback = {c["key"]: c.get("feedback", "") for c in version.choices}
        right_key = version.answer[0]
        wrong_key = "F" if right_key == "T" else "T"
        right, wrong = feedback.get(right_key, ""), feedback.get(wrong_key, "")
        out += "{" + ("TRUE" if right_key == "T" else "FALSE")
        if wrong:
            out += f"#{_plain(wrong)}"
        elif right:
            out += "#"
        if right:
            out += f"#{_plain(right)}"
        out += general + "}\n"
    elif qtype in (Question.Type.SHORT, Question.Type.FILL):
        accepted = version.answer if qtype == Question.Type.SHORT else version.answer[0]
        out += "{\n"
        for text in accepted:
            out += f"\t=%100%{repchar(text)}#\n"
        out += f"\t{general}\n" if general else ""
        out += "}\n"
    else:
        out += "{" + general + "}\n"
    return out
