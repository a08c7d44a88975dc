"""Roster import (花名册导入): read a workers' XLSX or CSV, check it, write it.

HR offices keep their workers in Excel. An import checks every row first and
reports every problem at once, with the row number the user sees in Excel;
only a file with no problem at all is written, in one transaction. A half
imported roster would leave HR unable to tell which rows made it.
"""

from __future__ import annotations

import csv
import io
import logging
import os
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import openpyxl
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import OperationalError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.styles import Font
from openpyxl.utils.datetime import from_excel

from .audit import audit_record
from .models import OrgUnit, Position, RosterImport, User, WorkerProfile
from .selectors import org_unit_full_names
from .services import WorkerData, grade_range, org_unit_get_or_create, worker_upsert

logger = logging.getLogger(__name__)

# Column headers as they appear in the file. They are the file format, not
# interface text, so they are not translated.
NAME = "姓名"
EMPLOYEE_NO = "工号"
MOBILE = "手机号"
ORG = "所属组织"
POSITION = "岗位"
GRADE = "等级"
HIRE_DATE = "入职日期"
QUALIFICATION = "资格"
QUALIFICATION_DATE = "资格登记日期"

# Every roster must have these headers. 等级 and 入职日期 may be left blank
# in a row, but the columns must be there so that a misspelt header is not
# silently ignored.
REQUIRED_COLUMNS = (NAME, EMPLOYEE_NO, MOBILE, ORG, POSITION, GRADE, HIRE_DATE)
# Optional columns: when absent, existing workers keep what they have.
OPTIONAL_COLUMNS = (QUALIFICATION, QUALIFICATION_DATE)
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS

# A district has a few thousand workers; anything far bigger is a mistake or
# an attack, and is refused before it fills the memory of a worker process.
MAX_ROWS = 20_000
# An xlsx is a zip: refuse one that would unpack to more than this many times
# the upload limit (a "zip bomb").
MAX_UNPACK_RATIO = 20

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the pre-2007 .xls format
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
EMPLOYEE_NO_RE = re.compile(r"^[\w.@+-]+$")
ORG_SEPARATOR_RE = re.compile(r"[/／]")
DATE_RE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[ T]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
COMPACT_DATE_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
GRADE_RE = re.compile(r"^(\d+)(?:\.0+)?$")
CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
QUALIFICATIONS = {
    "": WorkerProfile.Qualification.NONE,
    "无": WorkerProfile.Qualification.NONE,
    "none": WorkerProfile.Qualification.NONE,
    "助理社会工作师": WorkerProfile.Qualification.ASSISTANT,
    "社会工作师": WorkerProfile.Qualification.SOCIAL_WORKER,
    "高级社会工作师": WorkerProfile.Qualification.SENIOR,
    **{choice.value: choice for choice in WorkerProfile.Qualification},
}
# SQLite refuses statements with too many parameters; keep IN lists short.
IN_CHUNK = 500


@dataclass
class RosterResult:
    created: int = 0
    updated: int = 0
    errors: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class RosterFileError(Exception):
    """The file as a whole cannot be imported (unreadable, too big, no header)."""

    def __init__(self, message: str, row: int | None = None):
        super().__init__(message)
        self.error = roster_error(row=row, message=message)


class CellError(Exception):
    pass


def roster_error(*, row: int | None, message: str, column: str = "") -> dict:
    """One problem, as stored on a RosterImport and shown in the report."""
    return {"row": row, "column": column, "message": message}


def roster_error_text(error: dict) -> str:
    """An error as one line of text, e.g. for the management command."""
    if error.get("row") is None:
        return error["message"]
    if error.get("column"):
        return _("Row %(row)s [%(column)s]: %(message)s") % error
    return _("Row %(row)s: %(message)s") % error


# --- Reading ----------------------------------------------------------------


@dataclass
class RosterRow:
    number: int  # as Excel shows it: the header is row 1
    values: dict[str, Any]  # column name -> raw cell value


def roster_read(*, content: bytes, filename: str) -> list[RosterRow]:
    """The non-blank data rows of an XLSX or CSV roster, by column name.

    Raises RosterFileError when the file cannot be read or lacks a column.
    """
    if len(content) > settings.LIANXIN_ROSTER_MAX_BYTES:
        raise RosterFileError(_too_big_message())
    if content.startswith(ZIP_MAGIC):
        rows = _xlsx_rows(content)
    elif content.startswith(OLE_MAGIC):
        raise RosterFileError(_old_xls_message())
    elif filename.lower().endswith(".xlsx"):
        raise RosterFileError(_bad_xlsx_message())
    else:
        rows = _csv_rows(_decode(content))
    return _table(rows)


def roster_upload_problem(*, filename: str, content: bytes) -> str | None:
    """Why an uploaded file cannot even be queued for import, or None.

    A quick look only (size, type, encoding); the rows are checked by the import.
    """
    if len(content) > settings.LIANXIN_ROSTER_MAX_BYTES:
        return _too_big_message()
    extension = os.path.splitext(filename)[1].lower()
    if extension == ".xls" or content.startswith(OLE_MAGIC):
        return _old_xls_message()
    if extension not in (".xlsx", ".csv"):
        return _("Upload an Excel workbook (.xlsx) or a CSV file (.csv).")
    if content.startswith(ZIP_MAGIC):
        return None if zipfile.is_zipfile(io.BytesIO(content)) else _bad_xlsx_message()
    if extension == ".xlsx":
        return _bad_xlsx_message()
    try:
        _decode(content)
    except RosterFileError as exc:
        return str(exc)
    return None


def _too_big_message() -> str:
    return _("The file is larger than %(size)s MB. Split it into smaller files.") % {
        "size": round(settings.LIANXIN_ROSTER_MAX_BYTES / 1024 / 1024, 1)
    }


def _old_xls_message() -> str:
    return _(
        "This is an old-style .xls workbook. In Excel, save it as "
        "“Excel Workbook (.xlsx)” or as CSV, then upload it again."
    )


def _bad_xlsx_message() -> str:
    return _("This file is not a valid Excel workbook (.xlsx). It may be damaged.")


def _decode(content: bytes) -> str:
    # Excel in China saves CSV as GBK; GB18030 is its superset. UTF-8 first,
    # because GB18030 would happily misread many UTF-8 files.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break  # binary data that happens to decode
        return text
    raise RosterFileError(
        _("The file is neither an Excel workbook (.xlsx) nor a readable CSV file.")
    )


def _xlsx_rows(content: bytes) -> Iterator[tuple[int, tuple]]:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise RosterFileError(_bad_xlsx_message()) from exc
    if unpacked > MAX_UNPACK_RATIO * settings.LIANXIN_ROSTER_MAX_BYTES:
        raise RosterFileError(_too_big_message())
    try:
        workbook = openpyxl.load_workbook(
            io.BytesIO(content), read_only=True, data_only=True
        )
    except Exception as exc:  # a damaged file makes openpyxl raise anything
        logger.info("Unreadable roster workbook: %r", exc)
        raise RosterFileError(_bad_xlsx_message()) from exc
    return _sheet_rows(workbook)


def _sheet_rows(workbook) -> Iterator[tuple[int, tuple]]:
    try:
        sheet = workbook.worksheets[0]
        # Some programs write a wrong "used range"; read every row there is.
        sheet.reset_dimensions()
        # Read-only sheets fill in missing rows, so the count matches Excel's.
        yield from enumerate(sheet.iter_rows(values_only=True), start=1)
    except Exception as exc:  # the sheet XML is parsed lazily
        logger.info("Unreadable roster sheet: %r", exc)
        raise RosterFileError(_bad_xlsx_message()) from exc
    finally:
        workbook.close()


def _csv_rows(text: str) -> Iterator[tuple[int, tuple]]:
    try:
        for number, cells in enumerate(csv.reader(io.StringIO(text, newline="")), 1):
            yield number, tuple(cells)
    except csv.Error as exc:
        raise RosterFileError(
            _("The CSV file is malformed: %(problem)s") % {"problem": exc}
        ) from exc


def _header_name(value: Any) -> str:
    return re.sub(r"\s+", "", str(value or "")).lstrip("\ufeff")


def _is_blank(cells: Iterable) -> bool:
    return all(_text(value) == "" for value in cells)


# Rows above the header (a title such as "东湖街道社区工作者花名册") are
# skipped, but only this many: a file whose header is misspelt must fail.
MAX_TITLE_ROWS = 5


def _table(rows: Iterator[tuple[int, tuple]]) -> list[RosterRow]:
    header: dict[str, int] | None = None
    first_row: int | None = None
    skipped = 0
    data: list[RosterRow] = []
    for number, cells in rows:
        if _is_blank(cells):
            continue
        if header is None:
            first_row = first_row or number
            names = {_header_name(value) for value in cells}
            if not names & set(COLUMNS) and skipped < MAX_TITLE_ROWS:
                skipped += 1
                continue
            header = _header(cells, number)
            continue
        if len(data) >= MAX_ROWS:
            raise RosterFileError(
                _("The file has more than %(count)s rows. Split it into smaller files.")
                % {"count": MAX_ROWS}
            )
        values = {
            column: cells[index] if index < len(cells) else None
            for column, index in header.items()
        }
        data.append(RosterRow(number=number, values=values))
    if header is None:
        if first_row is None:
            raise RosterFileError(_("The file is empty."))
        raise RosterFileError(
            _("No header row found. The first row must name the columns: %(columns)s.")
            % {"columns": "、".join(REQUIRED_COLUMNS)},
            row=first_row,
        )
    return data


def _header(cells: tuple, number: int) -> dict[str, int]:
    header: dict[str, int] = {}
    for index, value in enumerate(cells):
        name = _header_name(value)
        if name not in COLUMNS:
            continue  # extra columns (备注 …) are allowed and ignored
        if name in header:
            raise RosterFileError(
                _("The column %(column)s appears more than once.") % {"column": name},
                row=number,
            )
        header[name] = index
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise RosterFileError(
            _("The header row lacks these columns: %(columns)s.")
            % {"columns": "、".join(missing)},
            row=number,
        )
    return header


# --- Cells ------------------------------------------------------------------


def _text(value: Any) -> str:
    """A cell as text; Excel gives numbers (工号, 手机号) as int or float."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    return str(value).strip()


def _mobile(value: Any) -> str:
    text = re.sub(r"[\s\-－]", "", _text(value))
    if text.startswith("+86"):
        text = text[3:]
    if not MOBILE_RE.match(text):
        raise CellError(
            _("%(value)s is not an 11-digit mainland mobile number.")
            % {"value": _text(value)}
        )
    return text


def _cn_number(text: str) -> int | None:
    """一 … 九十九 as a number, or None."""
    if text in CN_DIGITS:
        return CN_DIGITS[text]
    tens_text, ten, ones_text = text.partition("十")
    if not ten:
        return None
    tens = CN_DIGITS.get(tens_text) if tens_text else 1
    ones = CN_DIGITS.get(ones_text) if ones_text else 0
    if tens is None or ones is None:
        return None
    return tens * 10 + ones


def _grade(value: Any) -> int | None:
    text = _text(value)
    if text == "":
        return None
    bare = text.removeprefix("第").removesuffix("级").strip()
    match = GRADE_RE.match(bare)
    grade = int(match.group(1)) if match else _cn_number(bare)
    if grade is None:
        raise CellError(
            _("%(value)s is not a grade. Write a number such as 12 or 12级.")
            % {"value": text}
        )
    return grade


def _date(value: Any, *, today: date) -> date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        day = value.date()
    elif isinstance(value, date):
        day = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        day = _excel_serial(value)
    else:
        day = _date_from_text(_text(value))
    if day is None:
        raise CellError(
            _("%(value)s is not a date. Write it like 2020-03-01.")
            % {"value": _text(value)}
        )
    if day > today:
        raise CellError(_("%(date)s is in the future.") % {"date": day.isoformat()})
    return day


def _excel_serial(number: float) -> date | None:
    # An xlsx date cell without a date format arrives as Excel's day count.
    if not 1 <= number < 2_958_466:
        return None
    return from_excel(number).date()


def _date_from_text(text: str) -> date | None:
    match = DATE_RE.match(text) or COMPACT_DATE_RE.match(text)
    if not match:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def _qualification(value: Any) -> str:
    text = _text(value)
    choice = QUALIFICATIONS.get(text) or QUALIFICATIONS.get(text.lower())
    if choice is None:
        raise CellError(
            _(
                "%(value)s is not a qualification. Write 无, 助理社会工作师, "
                "社会工作师 or 高级社会工作师."
            )
            % {"value": text}
        )
    return str(choice)


def _org_names(value: Any) -> list[str]:
    return [
        part.strip() for part in ORG_SEPARATOR_RE.split(_text(value)) if part.strip()
    ]


# --- Checking ---------------------------------------------------------------

ABSENT = object()  # an optional column the file does not have


@dataclass
class PlannedWorker:
    row: int
    name: str = ""
    employee_no: str = ""
    mobile: str = ""
    org_names: list[str] = field(default_factory=list)
    org_unit: OrgUnit | None = None
    position: Position | None = None
    grade: int | None = None
    hire_date: date | None = None
    qualification: Any = ABSENT
    qualification_date: Any = ABSENT


class _Errors:
    def __init__(self):
        self.items: list[dict] = []

    def add(self, row: int | None, column: str, message: str) -> None:
        self.items.append(roster_error(row=row, column=column, message=message))

    def sorted(self) -> list[dict]:
        order = {column: index for index, column in enumerate(COLUMNS)}
        return sorted(
            self.items,
            key=lambda e: (e["row"] or 0, order.get(e["column"], -1)),
        )


def _chunks(values: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(values), IN_CHUNK):
        yield values[start : start + IN_CHUNK]


def _existing_profiles(numbers: list[str]) -> dict[str, dict]:
    found: dict[str, dict] = {}
    for chunk in _chunks(numbers):
        for profile in WorkerProfile.objects.filter(employee_no__in=chunk).values(
            "employee_no", "user_id", "qualification", "qualification_date"
        ):
            found[profile["employee_no"]] = profile
    return found


def _mobile_owners(mobiles: list[str]) -> dict[str, dict]:
    found: dict[str, dict] = {}
    for chunk in _chunks(mobiles):
        for user in User.objects.filter(mobile__in=chunk).values(
            "pk", "mobile", "name", "username"
        ):
            found[user["mobile"]] = user
    return found


def _taken_usernames(names: list[str]) -> set[str]:
    taken: set[str] = set()
    for chunk in _chunks(names):
        taken.update(
            User.objects.filter(username__in=chunk).values_list("username", flat=True)
        )
    return taken


def _check_cells(
    row: RosterRow,
    errors: _Errors,
    *,
    units: dict[str, OrgUnit],
    inner_names: set[str],
    positions: dict[str, Position],
    create_orgs: bool,
    today: date,
) -> PlannedWorker:
    """Everything about one row that needs no other row."""
    values = row.values
    plan = PlannedWorker(row=row.number)
    required = _("A value is required.")

    plan.org_names = _org_names(values[ORG])
    for column in (NAME, EMPLOYEE_NO, MOBILE, POSITION):
        if _text(values[column]) == "":
            errors.add(row.number, column, required)
    if not plan.org_names:
        errors.add(row.number, ORG, required)

    plan.name = _text(values[NAME])
    name_max = User._meta.get_field("name").max_length
    if len(plan.name) > name_max:
        errors.add(row.number, NAME, _too_long(name_max))

    plan.employee_no = _text(values[EMPLOYEE_NO])
    number_max = WorkerProfile._meta.get_field("employee_no").max_length
    if len(plan.employee_no) > number_max:
        errors.add(row.number, EMPLOYEE_NO, _too_long(number_max))
    elif plan.employee_no and not EMPLOYEE_NO_RE.match(plan.employee_no):
        errors.add(
            row.number,
            EMPLOYEE_NO,
            _("An employee number may hold only letters, digits and @ . + - _"),
        )

    if _text(values[MOBILE]):
        try:
            plan.mobile = _mobile(values[MOBILE])
        except CellError as exc:
            errors.add(row.number, MOBILE, str(exc))

    if plan.org_names:
        plan.org_unit = units.get("/".join(plan.org_names))
        if plan.org_unit is None:
            problem = _org_problem(plan.org_names, inner_names, create_orgs)
            if problem:
                errors.add(row.number, ORG, problem)

    position_name = _text(values[POSITION])
    if position_name:
        plan.position = positions.get(position_name)
        if plan.position is None:
            errors.add(
                row.number,
                POSITION,
                _("Unknown position: %(name)s") % {"name": position_name},
            )

    try:
        plan.grade = _grade(values[GRADE])
    except CellError as exc:
        errors.add(row.number, GRADE, str(exc))
    else:
        if plan.grade is not None and plan.position is not None:
            low, high = grade_range(plan.position)
            if not low <= plan.grade <= high:
                errors.add(
                    row.number,
                    GRADE,
                    _("Grade %(grade)s is outside %(low)s–%(high)s for %(position)s.")
                    % {
                        "grade": plan.grade,
                        "low": low,
                        "high": high,
                        "position": plan.position.name,
                    },
                )

    for column, attribute in (
        (HIRE_DATE, "hire_date"),
        (QUALIFICATION_DATE, "qualification_date"),
    ):
        if column not in values:
            continue
        try:
            setattr(plan, attribute, _date(values[column], today=today))
        except CellError as exc:
            errors.add(row.number, column, str(exc))

    if QUALIFICATION in values:
        try:
            plan.qualification = _qualification(values[QUALIFICATION])
        except CellError as exc:
            errors.add(row.number, QUALIFICATION, str(exc))
    return plan


def _org_problem(names: list[str], inner_names: set[str], create_orgs: bool):
    """Why a path that is not in the tree cannot be used, or None."""
    path = "/".join(names)
    unit_name_max = OrgUnit._meta.get_field("name").max_length
    if any(len(name) > unit_name_max for name in names):
        return _too_long(unit_name_max)
    if len(names) > len(OrgUnit.Level):
        return _(
            "%(path)s has too many levels: at most district/street/community/grid."
        ) % {"path": path}
    if not create_orgs:
        return _("Unknown org unit: %(path)s") % {"path": path}
    if names[0] in inner_names:
        # "东湖街道/朝阳社区" would otherwise create a second 东湖街道, as a
        # district of its own.
        return _(
            "%(name)s is not a district. Write the full path, starting from "
            "the district: %(path)s"
        ) % {"name": names[0], "path": path}
    return None


def _too_long(limit: int) -> str:
    return _("Too long: at most %(count)s characters.") % {"count": limit}


def roster_check(
    *, rows: list[RosterRow], create_orgs: bool
) -> tuple[list[PlannedWorker], list[dict], dict[str, dict]]:
    """Check every row; return the plan, every error, and the existing profiles.

    Existing data is loaded in a few bulk queries, never one per row, so a
    2,000-row roster is checked in about a dozen queries.
    """
    errors = _Errors()
    units = org_unit_full_names()
    districts = {path for path in units if "/" not in path}
    # Names of streets, communities and grids (unless a district has it too).
    inner_names = {path.rsplit("/", 1)[-1] for path in units} - districts
    positions = {position.name: position for position in Position.objects.all()}
    today = timezone.localdate()
    plans = [
        _check_cells(
            row,
            errors,
            units=units,
            inner_names=inner_names,
            positions=positions,
            create_orgs=create_orgs,
            today=today,
        )
        for row in rows
    ]

    first_row_of_number: dict[str, int] = {}
    first_row_of_mobile: dict[str, int] = {}
    for plan in plans:
        if plan.employee_no:
            first = first_row_of_number.setdefault(plan.employee_no, plan.row)
            if first != plan.row:
                errors.add(
                    plan.row,
                    EMPLOYEE_NO,
                    _("The employee number %(value)s is also on row %(row)s.")
                    % {"value": plan.employee_no, "row": first},
                )
        if plan.mobile:
            first = first_row_of_mobile.setdefault(plan.mobile, plan.row)
            if first != plan.row:
                errors.add(
                    plan.row,
                    MOBILE,
                    _("The mobile number %(value)s is also on row %(row)s.")
                    % {"value": plan.mobile, "row": first},
                )

    profiles = _existing_profiles(list(first_row_of_number))
    owners = _mobile_owners(list(first_row_of_mobile))
    new_numbers = [number for number in first_row_of_number if number not in profiles]
    taken = _taken_usernames(new_numbers)
    for plan in plans:
        profile = profiles.get(plan.employee_no)
        owner = owners.get(plan.mobile)
        if owner is not None and (profile is None or profile["user_id"] != owner["pk"]):
            errors.add(
                plan.row,
                MOBILE,
                _("The mobile number %(value)s already belongs to %(user)s.")
                % {"value": plan.mobile, "user": owner["name"] or owner["username"]},
            )
        if profile is None and plan.employee_no in taken:
            errors.add(
                plan.row,
                EMPLOYEE_NO,
                _(
                    "Another account already signs in with %(value)s as its "
                    "username, so no worker can be created with this number."
                )
                % {"value": plan.employee_no},
            )
    return plans, errors.sorted(), profiles


# --- Writing ----------------------------------------------------------------


class _WriteRejectedError(Exception):
    def __init__(self, errors: list[dict]):
        super().__init__(errors)
        self.errors = errors


def _write(plans: list[PlannedWorker], profiles: dict[str, dict]) -> tuple[int, int]:
    created_count = updated_count = 0
    new_units: dict[str, OrgUnit] = {}
    for plan in plans:
        unit = plan.org_unit
        if unit is None:
            path = "/".join(plan.org_names)
            if path not in new_units:
                new_units[path] = org_unit_get_or_create(names=plan.org_names)
            unit = new_units[path]
        existing = profiles.get(plan.employee_no) or {}
        qualification = plan.qualification
        if qualification is ABSENT:
            qualification = existing.get(
                "qualification", WorkerProfile.Qualification.NONE
            )
        qualification_date = plan.qualification_date
        if qualification_date is ABSENT:
            qualification_date = existing.get("qualification_date")
        data = WorkerData(
            name=plan.name,
            employee_no=plan.employee_no,
            mobile=plan.mobile,
            org_unit=unit,
            position=plan.position,
            grade=plan.grade,
            hire_date=plan.hire_date,
            qualification=qualification,
            qualification_date=qualification_date,
        )
        try:
            _profile, created = worker_upsert(data=data)
        except ValidationError as exc:
            # The checks above should have caught it; never write half a file.
            raise _WriteRejectedError(
                [roster_error(row=plan.row, message=m) for m in exc.messages]
            ) from exc
        if created:
            created_count += 1
        else:
            updated_count += 1
    return created_count, updated_count


def roster_import(
    *, content: bytes, filename: str, create_orgs: bool = False, actor=None
) -> RosterResult:
    """Import a roster file: all rows or, if any row is wrong, none.

    Workers are matched by 工号, so importing the same file again updates them.
    Org units missing from the tree are created only with create_orgs.
    """
    result = RosterResult()
    try:
        rows = roster_read(content=content, filename=filename)
    except RosterFileError as exc:
        result.errors = [exc.error]
    else:
        plans, result.errors, profiles = roster_check(
            rows=rows, create_orgs=create_orgs
        )
        if not result.errors:
            try:
                with transaction.atomic():
                    result.created, result.updated = _write(plans, profiles)
                    audit_record(
                        action="roster_import",
                        actor=actor,
                        details={
                            "filename": filename,
                            "created": result.created,
                            "updated": result.updated,
                            "errors": 0,
                        },
                    )
            except _WriteRejectedError as exc:
                result = RosterResult(errors=exc.errors)
    if result.errors:
        audit_record(
            action="roster_import_rejected",
            actor=actor,
            details={
                "filename": filename,
                "created": 0,
                "updated": 0,
                "errors": len(result.errors),
            },
        )
    return result


# --- Queued imports ---------------------------------------------------------


def roster_import_create(
    *, uploaded_by: User | None, filename: str, content: bytes, create_orgs: bool
) -> RosterImport:
    """Keep an uploaded roster for the background import (queue it on commit)."""
    name = os.path.basename(filename.replace("\\", "/"))
    max_length = RosterImport._meta.get_field("filename").max_length
    with transaction.atomic():
        return RosterImport.objects.create(
            uploaded_by=uploaded_by,
            filename=name[-max_length:],
            content=content,
            create_orgs=create_orgs,
        )


FINISHED = (RosterImport.Status.DONE, RosterImport.Status.FAILED)


def roster_import_process(*, import_id: int) -> None:
    """Run a saved import: pending → running → done or failed.

    Safe to run twice: a finished import is left alone, and the row lock makes
    a second worker wait for the first and then find it finished. The workers
    are written in the same transaction as the "done" status, so a crash
    leaves nothing half written and the import "running", ready for a retry.
    """
    with transaction.atomic():
        job = (
            RosterImport.objects.select_for_update()
            .defer("content")
            .filter(pk=import_id)
            .first()
        )
        if job is None or job.status in FINISHED:
            return
        if job.status == RosterImport.Status.PENDING:
            job.status = RosterImport.Status.RUNNING
            job.save(update_fields=["status"])
    try:
        with transaction.atomic():
            job = (
                RosterImport.objects.select_for_update(of=("self",))
                .select_related("uploaded_by")
                .get(pk=import_id)
            )
            if job.status in FINISHED:
                return
            result = roster_import(
                content=bytes(job.content),
                filename=job.filename,
                create_orgs=job.create_orgs,
                actor=job.uploaded_by,
            )
            _finish(job, result)
    except OperationalError:
        raise  # the database went away: let the task retry
    except Exception:  # any bug: a failed import, not a hang
        logger.exception("Roster import %s crashed", import_id)
        roster_import_abandon(import_id=import_id)


def _finish(job: RosterImport, result: RosterResult) -> None:
    job.status = (
        RosterImport.Status.FAILED if result.errors else RosterImport.Status.DONE
    )
    job.created_count = result.created
    job.updated_count = result.updated
    job.errors = result.errors
    job.finished_at = timezone.now()
    job.save(
        update_fields=[
            "status",
            "created_count",
            "updated_count",
            "errors",
            "finished_at",
        ]
    )


def roster_import_abandon(*, import_id: int) -> None:
    """Mark an import that could not run as failed; nothing of it was written."""
    with transaction.atomic():
        job = (
            RosterImport.objects.select_for_update()
            .defer("content")
            .filter(pk=import_id)
            .first()
        )
        if job is None or job.status in FINISHED:
            return
        message = _(
            "The import stopped because of an internal error. Nothing was "
            "written. Try again later, or tell the system administrator."
        )
        _finish(job, RosterResult(errors=[roster_error(row=None, message=message)]))


# --- Reads for the roster pages ---------------------------------------------


def roster_imports() -> QuerySet[RosterImport]:
    """Past imports, newest first, without the file bytes."""
    return RosterImport.objects.defer("content").select_related("uploaded_by")


def roster_template_xlsx() -> bytes:
    """An empty roster with the header row and one example row."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "花名册"
    sheet.append(list(COLUMNS))
    position = Position.objects.order_by("sort_order", "name").first()
    position_name = position.name if position else "专职社区工作者"
    low, _high = grade_range(position)
    sheet.append(
        [
            "张三",
            "W00001",
            "13800138000",
            "连心区/东湖街道/朝阳社区/第一网格",
            position_name,
            low,
            date(2020, 3, 1),
            "助理社会工作师",
            date(2021, 6, 1),
        ]
    )
    bold = Font(bold=True)
    for cell in sheet[1]:
        cell.font = bold
    # Excel would turn 工号 and 手机号 into numbers (and lose leading zeros).
    for column in ("B", "C"):
        sheet.column_dimensions[column].number_format = "@"
        for cell in sheet[column]:
            cell.number_format = "@"
    for column in ("G", "I"):
        sheet[f"{column}2"].number_format = "yyyy-mm-dd"
    widths = {
        "A": 10,
        "B": 12,
        "C": 15,
        "D": 36,
        "E": 16,
        "F": 8,
        "G": 12,
        "H": 16,
        "I": 14,
    }
    for column, width in widths.items():
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
