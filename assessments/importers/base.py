"""What every importer shares: the plain data it parses into, and its problems."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from ..services.questions import QuestionData


class ImportFileError(Exception):
    """The file as a whole cannot be read (damaged, unsafe, empty, too big)."""


@dataclass
class ImportProblem:
    """One reason a question or row cannot be imported."""

    message: str
    row: int | None = None  # spreadsheets: the row number Excel shows
    number: int | None = None  # other formats: the question's place in the file
    name: str = ""

    @property
    def where(self) -> str:
        if self.row is not None:
            return _("Row %(row)s") % {"row": self.row}
        if self.number is not None and self.name:
            return _("Question %(number)s (%(name)s)") % {
                "number": self.number,
                "name": self.name,
            }
        if self.number is not None:
            return _("Question %(number)s") % {"number": self.number}
        return self.name

    def __str__(self) -> str:
        where = self.where
        return f"{where}: {self.message}" if where else self.message


@dataclass
class Skipped:
    """A question of a type we do not support, left out and reported."""

    name: str
    type: str  # as the source format names it: "matching", "numerical" …

    def __str__(self) -> str:
        return _("%(name)s (type %(type)s)") % {"name": self.name, "type": self.type}


@dataclass
class Parsed:
    """One parsed question with where it came from."""

    data: QuestionData
    row: int | None = None
    number: int | None = None

    def problem(self, message: str) -> ImportProblem:
        return ImportProblem(
            message=message, row=self.row, number=self.number, name=self.data.name
        )


@dataclass
class ParseResult:
    items: list[Parsed] = field(default_factory=list)
    errors: list[ImportProblem] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def decode_text(data: bytes) -> str:
    """A text file as str: UTF-8 (with or without BOM), else GBK/GB18030.

    Excel and Notepad in China save text as GBK; GB18030 is its superset.
    UTF-8 is tried first because GB18030 would misread many UTF-8 files.
    """
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        return text.replace("\r\n", "\n").replace("\r", "\n")
    raise ImportFileError(
        _("The file is not readable text in UTF-8 or GBK, nor an Excel workbook.")
    )
