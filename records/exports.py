"""Writing the records table to CSV and XLSX, streamed so memory stays flat.

Cells that a spreadsheet would read as a formula (starting with =, +, -, @,
a tab or a carriage return) are neutralised with a leading apostrophe: a
worker named ``=HYPERLINK(...)`` must not become a link in HR's Excel.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import IO

from django.utils.translation import gettext as _
from openpyxl import Workbook

from courses.models import Enrolment
from courses.services.ledger import LEDGER_TZ

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHUNK_SIZE = 2000
CSV_BATCH = 500


def neutralise(value):
    """A cell value that no spreadsheet evaluates: text starting like a formula
    gets a leading apostrophe; numbers and dates are left alone."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def header(*, year: int) -> list[str]:
    return [
        _("Employee number"),
        _("Name"),
        _("Org unit"),
        _("Position"),
        _("Course"),
        _("Enrolment"),
        _("Status"),
        _("Progress (%)"),
        _("Due date"),
        _("Enrolled on"),
        _("Completed on"),
        _("Hours in %(year)s") % {"year": year},
        _("Certificate serial"),
    ]


def _local_date(value: datetime | None):
    return value.astimezone(LEDGER_TZ).date() if value else None


def status_labels() -> dict[str, str]:
    """The status words, translated once per export rather than once per row."""
    return {
        "completed": _("Completed"),
        "overdue": _("Overdue"),
        "in_progress": _("In progress"),
        "not_started": _("Not started"),
    }


def status_key(row: dict, today) -> str:
    if row["status"] == Enrolment.Status.COMPLETED:
        return "completed"
    if row["due_date"] and row["due_date"] < today:
        return "overdue"
    if row["lessons_done"]:
        return "in_progress"
    return "not_started"


def progress_percent(row: dict) -> int:
    if row["status"] == Enrolment.Status.COMPLETED:
        return 100
    if not row["lessons_required"]:
        return 0
    return min(100, round(100 * row["lessons_done"] / row["lessons_required"]))


def table_rows(rows: Iterable[dict], *, unit_names: dict[str, str], today) -> Iterator:
    """Each record as the cells of one line, neutralised, in header order."""
    sources = {key: str(label) for key, label in Enrolment.Source.choices}
    statuses = status_labels()
    for row in rows:
        cells = [
            row["employee_no"],
            row["worker_name"] or row["username"],
            unit_names.get(row["unit_path"], ""),
            row["position_name"] or "",
            row["course_title"],
            sources.get(row["source"], row["source"]),
            statuses[status_key(row, today)],
            progress_percent(row),
            row["due_date"],
            _local_date(row["enrolled_at"]),
            _local_date(row["completed_at"]),
            row["hours_year"],
            row["certificate_serial"] or "",
        ]
        yield [neutralise(cell) for cell in cells]


class _Echo:
    """A file-like object whose write returns the line, for csv.writer."""

    def write(self, value):
        return value


def _csv_cell(value):
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def csv_chunks(head: list[str], lines: Iterable[list]) -> Iterator[str]:
    """The CSV text in chunks: a BOM first (Excel then reads UTF-8 Chinese)."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(head)
    batch = []
    for line in lines:
        batch.append(writer.writerow([_csv_cell(cell) for cell in line]))
        if len(batch) >= CSV_BATCH:
            yield "".join(batch)
            batch = []
    if batch:
        yield "".join(batch)


def write_csv(fileobj: IO[bytes], head, lines, progress: Callable | None = None):
    """Write the CSV to a binary file; ``progress(n)`` is called every chunk."""
    count = 0
    for chunk in csv_chunks(head, _counting(lines, progress)):
        fileobj.write(chunk.encode())
    return count


def write_xlsx(fileobj: IO[bytes], head, lines, progress: Callable | None = None):
    """Write an XLSX in openpyxl's write-only mode: rows go to disk as they come."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Records"))
    for letter, width in zip(
        "ABCDEFGHIJKLM",
        (12, 10, 30, 14, 30, 10, 10, 8, 12, 12, 12, 10, 16),
        strict=True,
    ):
        sheet.column_dimensions[letter].width = width
    sheet.append(head)
    for line in _counting(lines, progress):
        sheet.append(line)
    workbook.save(fileobj)


def _counting(lines: Iterable[list], progress: Callable | None) -> Iterator[list]:
    count = 0
    for line in lines:
        yield line
        count += 1
        if progress is not None and count % CHUNK_SIZE == 0:
            progress(count)
    if progress is not None:
        progress(count)
