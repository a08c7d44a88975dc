"""Fuzzing the roster import (花名册): the importer, and the admins' upload page.

Rosters are built as HR offices make them, in XLSX or CSV: the real header
in any order (sometimes misspelt or doubled, with titles above it), rows of
plausible values with now and then a wrong type, a duplicate number, an org
unit that is not in the tree, a grade out of range or a date in the future;
beside them random bytes and broken zips under either name.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time
from io import StringIO

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from hypothesis import event, given
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from people import roster
from people.models import (
    AuditEntry,
    OrgUnit,
    Position,
    RosterImport,
    User,
    WorkerProfile,
)
from people.roster import roster_check, roster_import, roster_read
from tests.factories.people import PositionFactory

from .conftest import assert_no_traceback, fuzz, rolled_back, row_counts
from .strategies import encoded, huge_numbers, junk_bytes, junk_zip, nasty_text

pytestmark = pytest.mark.django_db

# Excel has no time zones: a date cell reads back as a naive datetime.
EXCEL_DATETIME = datetime(2019, 5, 4, 8, 30)  # noqa: DTZ001

STAFF = "专职社区工作者"  # grades 1–12
SECRETARY = "社区书记"  # grades 7–18
PEOPLE_TABLES = [User, WorkerProfile, OrgUnit, Position, Group, User.groups.through]
INTERNAL_ERROR = "The import stopped because of an internal error."

names = st.sampled_from(["陈静", "刘洋", "王芳", "李娜", "Zhang Wei", "欧阳修远"])
COLUMN_VALUES = {
    roster.NAME: st.one_of(names, names, st.just(""), st.just("长" * 200)),
    roster.EMPLOYEE_NO: st.one_of(
        st.sampled_from([f"F{n:04d}" for n in range(1, 8)]),
        st.sampled_from(["W10001", "W20001", "worker", "admin", "F 1", "工号１"]),
        st.sampled_from([12345, 1.0, "x" * 100, ""]),
    ),
    roster.MOBILE: st.one_of(
        st.sampled_from([f"1380013800{n}" for n in range(8)]),
        st.sampled_from(
            [13800138001, 13800138002.0, "+86 138-0013-8003", "12345", "", "１３８"]
        ),
    ),
    roster.ORG: st.sampled_from(
        [
            "连心区/东湖街道/朝阳社区",
            "连心区/东湖街道/朝阳社区/第一网格",
            "连心区／西山街道／青松社区",
            "东湖街道/朝阳社区",
            "新区/新街道/新社区",
            "连心区/新街道",
            "a/b/c/d/e",
            "连心区/" + "长" * 300,
            "新区",
            "新区/新街道",
            "连心区/新街道/新社区/新网格",
            "/",
            "",
        ]
    ),
    roster.POSITION: st.sampled_from([STAFF, SECRETARY, "门卫", "", " 社区书记 "]),
    roster.GRADE: st.one_of(
        st.sampled_from([1, 5, 12, "十二级", "第3级", "5.0", 99, -1, 5.0, "٣", "１２"]),
        st.sampled_from(["", "十", "一百", "零", "两级", "9" * 30]),
        huge_numbers,
    ),
    roster.HIRE_DATE: st.one_of(
        st.sampled_from([date(2020, 3, 1), EXCEL_DATETIME, time(9, 0)]),
        st.sampled_from(["2021/7/15", "20200101", "2020年3月1日", "2020-02-30"]),
        st.sampled_from([43000, 0, 3e6, -5, 1.5, "2999-01-01", "0000-00-00", ""]),
    ),
    roster.QUALIFICATION: st.sampled_from(
        ["", "无", "社会工作师", "assistant", "博士", "NONE"]
    ),
    roster.QUALIFICATION_DATE: st.sampled_from(
        [date(2021, 6, 1), "", "2021-06-01", "明年", 44000]
    ),
}
odd_values = st.one_of(
    nasty_text,
    huge_numbers,
    st.integers(min_value=-(2**63), max_value=2**63),
    st.floats(),
    st.booleans(),
    st.dates(min_value=date(1900, 3, 1)),
)
header_names = st.sampled_from([*roster.COLUMNS, "备注", "姓 名", "工号 ", "", "电话"])


def column_value(column: str):
    plausible = COLUMN_VALUES.get(column, names)
    return st.one_of(plausible, plausible, plausible, plausible, odd_values)


@st.composite
def tidy_row(draw, header: list, number: int) -> list:
    """A worker as HR would enter them, with now and then one odd cell."""
    position = draw(st.sampled_from([STAFF, SECRETARY]))
    low = 1 if position == STAFF else 7
    values = {
        roster.NAME: draw(names),
        roster.EMPLOYEE_NO: f"F{number:04d}",
        roster.MOBILE: draw(
            st.sampled_from([f"1380013800{number}", 13800138000 + number])
        ),
        roster.ORG: draw(
            st.sampled_from(
                [
                    "连心区/东湖街道/朝阳社区",
                    "连心区/东湖街道/朝阳社区/第一网格",
                    "连心区/西山街道/青松社区",
                ]
            )
        ),
        roster.POSITION: position,
        roster.GRADE: draw(st.sampled_from([low, low + 5, "", f"{low}级"])),
        roster.HIRE_DATE: draw(st.sampled_from([date(2020, 3, 1), "2019-05-04", ""])),
        roster.QUALIFICATION: draw(st.sampled_from(["", "无", "社会工作师"])),
        roster.QUALIFICATION_DATE: draw(st.sampled_from(["", date(2021, 6, 1)])),
    }
    if draw(st.integers(0, 3)) == 3:
        column = draw(st.sampled_from(roster.COLUMNS))
        values[column] = draw(column_value(column))
    return [values.get(str(name), "") for name in header]


@st.composite
def table(draw) -> list[list]:
    header = draw(st.permutations(roster.REQUIRED_COLUMNS))
    header += draw(st.lists(st.sampled_from(roster.OPTIONAL_COLUMNS), unique=True))
    if draw(st.integers(0, 5)) == 5:
        header = draw(st.lists(header_names, max_size=11))
    titles = []
    if draw(st.integers(0, 4)) == 4:
        titles = draw(st.lists(st.lists(names, max_size=2), max_size=7))
    rows = [*titles, header]
    messy = draw(st.booleans())
    for number in range(draw(st.integers(1, 5))):
        if messy:
            row = [draw(column_value(str(name))) for name in header]
        else:
            row = draw(tidy_row(header, number))
        if draw(st.integers(0, 9)) == 9:
            row = row[: draw(st.integers(0, len(row)))]
        rows.append(row)
    return rows


def _cell(value):
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


@st.composite
def xlsx_roster(draw) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    rows = draw(table())
    for row in rows:
        sheet.append([_cell(value) for value in row])
    if len(rows) > 1 and draw(st.integers(0, 5)) == 5:
        top = draw(st.integers(1, len(rows)))
        sheet.merge_cells(start_row=top, start_column=1, end_row=top, end_column=2)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@st.composite
def csv_roster(draw) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(draw(table()))
    text = buffer.getvalue()
    if draw(st.integers(0, 9)) == 9:
        text += draw(st.sampled_from(['"未闭合,1', "\x00", "a\rb"]))
    return draw(encoded(text))


@st.composite
def roster_files(draw) -> tuple[str, bytes]:
    """A (filename, content) pair as an admin might upload it."""
    kind = draw(st.sampled_from(["xlsx", "csv", "xlsx", "csv", "junk", "zip"]))
    if kind == "xlsx":
        data = draw(xlsx_roster())
    elif kind == "csv":
        data = draw(csv_roster())
    elif kind == "zip":
        data = draw(junk_zip())
    else:
        data = draw(junk_bytes)
    extension = kind if kind in ("xlsx", "csv") else "xlsx"
    if draw(st.integers(0, 7)) == 7:
        extension = draw(st.sampled_from(["xlsx", "csv", "xls", "txt", "XLSX", ""]))
    return f"花名册.{extension}", data


@pytest.fixture
def positions(db):
    return [
        PositionFactory(name=STAFF, post_type=Position.PostType.OTHER),
        PositionFactory(name=SECRETARY, post_type=Position.PostType.PRINCIPAL),
    ]


@pytest.fixture
def people(org, positions, worker, other_worker, admin):
    """The tree, the positions and a few accounts a roster may collide with."""
    return admin


def _assert_stored_as_planned(plans) -> None:
    for plan in plans:
        profile = WorkerProfile.objects.select_related(
            "user", "org_unit", "position"
        ).get(employee_no=plan.employee_no)
        assert profile.user.name == plan.name
        assert profile.user.mobile == (plan.mobile or None)
        assert profile.position == plan.position
        assert profile.grade == plan.grade
        assert profile.hire_date == plan.hire_date
        path = [unit.name for unit in profile.org_unit.get_ancestors()]
        assert [*path, profile.org_unit.name] == plan.org_names


@fuzz()
@given(upload=roster_files(), create_orgs=st.booleans())
def test_a_roster_imports_whole_or_not_at_all(upload, create_orgs, people):
    filename, content = upload
    with rolled_back():
        before = row_counts(PEOPLE_TABLES)
        audits = AuditEntry.objects.count()
        try:
            plans, _errors, _profiles = roster_check(
                rows=roster_read(content=content, filename=filename),
                create_orgs=create_orgs,
            )
        except roster.RosterFileError:
            plans = None

        result = roster_import(
            content=content, filename=filename, create_orgs=create_orgs, actor=people
        )

        event("rejected" if result.errors else f"imported {len(plans)}")
        assert AuditEntry.objects.count() == audits + 1
        if result.errors:
            assert result.created == result.updated == 0
            for error in result.errors:
                assert set(error) == {"row", "column", "message"}
                assert error["row"] is None or error["row"] >= 1
                assert error["column"] in ("", *roster.COLUMNS)
                assert error["message"].strip()
                assert_no_traceback(error["message"])
            assert row_counts(PEOPLE_TABLES) == before
            assert AuditEntry.objects.latest("pk").action == "roster_import_rejected"
        else:
            assert result.created + result.updated == len(plans)
            assert (
                WorkerProfile.objects.count()
                == before["WorkerProfile"] + result.created
            )
            _assert_stored_as_planned(plans)


@pytest.fixture
def admin_client(client_for, people):
    return client_for("admin")


@fuzz(share=0.6)
@given(upload=roster_files(), create_orgs=st.booleans())
def test_the_roster_pages_never_fail_and_show_every_problem(
    upload, create_orgs, admin_client
):
    filename, content = upload
    with rolled_back():
        jobs = RosterImport.objects.count()
        response = admin_client.post(
            "/people/roster/",
            {"file": SimpleUploadedFile(filename, content), "create_orgs": create_orgs},
            HTTP_ACCEPT_LANGUAGE="en",
        )
        assert response.status_code < 500
        event(f"upload {response.status_code}")
        if response.status_code == 200:
            # Refused at once: the form says why, and nothing is queued.
            page = response.content.decode()
            assert_no_traceback(page)
            assert 'role="alert"' in page
            assert RosterImport.objects.count() == jobs
            return
        job = RosterImport.objects.latest("pk")
        assert response["Location"] == f"/people/roster/{job.pk}/"

        with translation.override("en"):
            roster.roster_import_process(import_id=job.pk)  # what the task runs
        job.refresh_from_db()
        assert job.status in (RosterImport.Status.DONE, RosterImport.Status.FAILED)
        assert not any(INTERNAL_ERROR in error["message"] for error in job.errors)

        report = admin_client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en")
        page = report.content.decode()
        assert report.status_code == 200
        assert_no_traceback(page)
        if job.status == RosterImport.Status.FAILED:
            assert 'role="alert"' in page
            assert 'class="roster-errors"' in page
        else:
            assert f'id="roster-created">{job.created_count}<' in page


@fuzz(share=0.6)
@given(upload=roster_files(), create_orgs=st.booleans())
def test_the_import_workers_command_fails_only_with_a_message(
    upload, create_orgs, people, tmp_path
):
    filename, content = upload
    path = tmp_path / filename
    path.write_bytes(content)
    arguments = [str(path), "--create-orgs"] if create_orgs else [str(path)]
    out, err = StringIO(), StringIO()
    with rolled_back():
        before = row_counts(PEOPLE_TABLES)
        try:
            call_command("import_workers", *arguments, stdout=out, stderr=err)
        except CommandError as error:
            event("refused")
            assert str(error)
            assert err.getvalue().strip()
            assert_no_traceback(err.getvalue())
            assert row_counts(PEOPLE_TABLES) == before
            return
        event("imported")
        assert out.getvalue().startswith("imported: ")
