"""Question import in five formats: XLSX and CSV (the trainers' template),
Moodle XML, GIFT and Aiken.

All or nothing: the whole file is parsed into plain data and every question
checked first, with one problem per row or question; only a file without any
problem is written, in one transaction. A half-imported bank would leave the
trainer unable to tell which questions made it. Questions of a type we do not
support are not problems: they are skipped, reported by name, and the rest
imports.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..services.questions import (
    bank_get_or_create,
    question_clean,
    questions_create_many,
)
from . import aiken, gift, moodlexml, spreadsheet
from .base import ImportFileError, ImportProblem, ParseResult, Skipped, decode_text

FORMATS = {
    "xlsx": gettext_lazy("Excel workbook (.xlsx, the template)"),
    "csv": gettext_lazy("CSV (the template's columns)"),
    "moodlexml": gettext_lazy("Moodle XML"),
    "gift": gettext_lazy("GIFT (Moodle)"),
    "aiken": gettext_lazy("Aiken"),
}
PARSERS = {
    "xlsx": spreadsheet.parse_xlsx,
    "csv": spreadsheet.parse_csv,
    "moodlexml": moodlexml.parse,
    "gift": gift.parse,
    "aiken": aiken.parse,
}

__all__ = [
    "FORMATS",
    "ImportFileError",
    "ImportProblem",
    "ImportReport",
    "Skipped",
    "guess_format",
    "import_questions",
]


@dataclass
class ImportReport:
    """What an import did: how many questions, what was wrong, what was skipped."""

    format: str = ""
    imported: int = 0
    errors: list[ImportProblem] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    bank: object = None

    @property
    def ok(self) -> bool:
        return not self.errors


def max_bytes() -> int:
    return settings.LIANXIN_QUESTION_IMPORT_MAX_BYTES


def too_big_message() -> str:
    return _("The file is larger than %(size)s MB. Split it into smaller files.") % {
        "size": round(max_bytes() / 1024 / 1024, 1)
    }


def guess_format(data: bytes, filename: str = "") -> str | None:
    """The format of a file, from its content first and its name second."""
    if data.startswith(spreadsheet.ZIP_MAGIC) or data.startswith(spreadsheet.OLE_MAGIC):
        return "xlsx"
    extension = os.path.splitext(filename)[1].lower()
    try:
        text = decode_text(data[:200_000])
    except ImportFileError:
        return "xlsx" if extension == ".xlsx" else None
    head = text.lstrip()
    if head.startswith("<"):
        return "moodlexml"
    lines = [line for line in text.split("\n") if line.strip()]
    # The header may have a few title rows above it, as in the XLSX.
    for line in lines[: spreadsheet.MAX_TITLE_ROWS + 1]:
        if spreadsheet.TYPE in line and spreadsheet.STEM in line:
            return "csv"
    if aiken.looks_like_aiken(text):
        return "aiken"
    if "{" in text and "}" in text:
        return "gift"
    return {
        ".xlsx": "xlsx",
        ".csv": "csv",
        ".xml": "moodlexml",
        ".gift": "gift",
    }.get(extension)


def import_questions(
    *,
    data: bytes,
    bank_name: str,
    format: str | None = None,
    filename: str = "",
    by=None,
) -> ImportReport:
    """Import a file of questions into the bank of this name (created if new).

    Nothing is written unless every question in the file is fit.
    """
    report = ImportReport()
    if len(data) > max_bytes():
        report.errors.append(ImportProblem(message=too_big_message()))
        return report
    if not (bank_name or "").strip():
        report.errors.append(ImportProblem(message=_("Name the question bank.")))
        return report
    if len(bank_name.strip()) > 100:
        report.errors.append(
            ImportProblem(message=_("A bank name has at most 100 characters."))
        )
        return report
    format = format or guess_format(data, filename)
    if format not in PARSERS:
        report.errors.append(
            ImportProblem(
                message=_(
                    "Could not tell the file's format. Choose it: Excel, CSV, "
                    "Moodle XML, GIFT or Aiken."
                )
            )
        )
        return report
    report.format = format
    if not data.strip():
        report.errors.append(ImportProblem(message=_("The file is empty.")))
        return report
    try:
        parsed: ParseResult = PARSERS[format](data)
    except ImportFileError as error:
        report.errors.append(ImportProblem(message=str(error)))
        return report
    report.errors.extend(parsed.errors)
    report.skipped = parsed.skipped
    for item in parsed.items:
        try:
            question_clean(
                type=item.data.type,
                stem=item.data.stem,
                choices=item.data.choices,
                answer=item.data.answer,
                explanation=item.data.explanation,
                rubric=item.data.rubric,
                points=item.data.points,
                difficulty=item.data.difficulty,
            )
        except ValidationError as error:
            report.errors.extend(item.problem(message) for message in error.messages)
    report.errors.sort(key=lambda e: (e.row or 0, e.number or 0))
    if report.errors:
        return report
    if not parsed.items and not parsed.skipped:
        report.errors.append(ImportProblem(message=_("The file has no questions.")))
        return report
    with transaction.atomic():
        report.bank = bank_get_or_create(name=bank_name, by=by)
        report.imported = questions_create_many(
            bank=report.bank, items=[item.data for item in parsed.items], by=by
        )
    return report
