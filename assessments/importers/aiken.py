"""Aiken: single-choice questions as plain text, as Moodle's qformat_aiken reads them.

    中华人民共和国民法典自何时起施行？
    A. 2020年5月28日
    B. 2021年1月1日
    ANSWER: B

A line that is not a choice or an ANSWER line is question text (several
lines make one stem); ``A.`` or ``A)`` starts a choice (Chinese files also
write ``A．`` or ``A、``); ``ANSWER: B`` ends the question.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from ..models import Question
from ..services.questions import QuestionData, plain_to_html
from .base import Parsed, ParseResult, decode_text

CHOICE_RE = re.compile(r"^([A-Z])\s*[.)．、）]\s*(\S.*)$")
ANSWER_RE = re.compile(r"^(?:ANSWER|答案)\s*[:：]\s*(.*)$", re.IGNORECASE)


def looks_like_aiken(text: str) -> bool:
    return bool(re.search(r"^\s*ANSWER\s*:\s*[A-Z]\s*$", text, re.MULTILINE))


def parse(data: bytes) -> ParseResult:
    result = ParseResult()
    stem: list[str] = []
    choices: list[str] = []
    number = 0
    first_line = 0
    for line_number, line in enumerate(decode_text(data).split("\n"), start=1):
        line = line.strip()
        if not line:
            continue
        answer = ANSWER_RE.match(line)
        choice = CHOICE_RE.match(line)
        if answer:
            number += 1
            parsed = Parsed(
                data=QuestionData(
                    type=Question.Type.SINGLE,
                    stem=plain_to_html("\n".join(stem)),
                    choices=[{"text": text} for text in choices],
                ),
                number=number,
            )
            letter = answer.group(1).strip()[:1].upper()
            if not stem:
                result.errors.append(
                    parsed.problem(
                        _("Line %(line)s: an ANSWER line without a question.")
                        % {"line": line_number}
                    )
                )
            elif not re.fullmatch(r"[A-Z]", letter):
                result.errors.append(
                    parsed.problem(
                        _(
                            "Line %(line)s: write the answer as one letter, "
                            "e.g. ANSWER: B."
                        )
                        % {"line": line_number}
                    )
                )
            else:
                parsed.data.answer = [letter]
                result.items.append(parsed)
            stem, choices = [], []
        elif choice and stem:
            choices.append(choice.group(2).strip())
        elif choices:
            # Text after the choices and before ANSWER: a choice spread over lines.
            choices[-1] += "\n" + line
        else:
            if not stem:
                first_line = line_number
            stem.append(line)
    if stem or choices:
        result.errors.append(
            Parsed(
                data=QuestionData(type="single", stem=""), number=number + 1
            ).problem(
                _("Line %(line)s: the question has no ANSWER line.")
                % {"line": first_line}
            )
        )
    return result
