"""Roster import (花名册导入): reading, checking, writing, the command and the pages."""

import io
import re
from datetime import date, timedelta

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import OperationalError
from django.utils import timezone, translation

from people import roles
from people import roster as roster_module
from people.models import AuditEntry, OrgUnit, Position, RosterImport, WorkerProfile
from people.roster import (
    RosterResult,
    roster_import,
    roster_import_create,
    roster_import_process,
)
from people.tasks import roster_import_run
from tests.factories.people import PositionFactory, UserFactory

HEADER = ["姓名", "工号", "手机号", "所属组织", "岗位", "等级", "入职日期"]
CHAOYANG = "连心区/东湖街道/朝阳社区"
GRID = "连心区/东湖街道/朝阳社区/第一网格"
QINGSONG = "连心区/西山街道/青松社区"
STAFF = "专职社区工作者"  # grades 1–12
SECRETARY = "社区书记"  # grades 7–18


def xlsx(rows, header=HEADER) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_text(rows, header=HEADER) -> str:
    lines = [header, *rows]
    return "\r\n".join(",".join(str(cell) for cell in line) for line in lines)


def errors_at(result: RosterResult) -> set[tuple]:
    return {(error["row"], error["column"]) for error in result.errors}


def profile(employee_no: str) -> WorkerProfile:
    return WorkerProfile.objects.select_related("user", "org_unit", "position").get(
        employee_no=employee_no
    )


@pytest.fixture
def positions(db):
    return {
        STAFF: PositionFactory(name=STAFF, post_type=Position.PostType.OTHER),
        SECRETARY: PositionFactory(
            name=SECRETARY, post_type=Position.PostType.PRINCIPAL
        ),
    }


@pytest.fixture
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def clean_rows():
    return [
        ["陈静", "L0001", 13800138001, CHAOYANG, SECRETARY, "十二级", date(2020, 3, 1)],
        ["刘洋", "L0002", "138-0013-8002", GRID, STAFF, "5级", "2021/7/15"],
        ["黄敏", 3, "138 0013 8003", "连心区／西山街道／青松社区", STAFF, 12, ""],
    ]


# --- Reading and writing ------------------------------------------------------


def test_a_clean_workbook_creates_workers_with_org_position_grade_and_date(
    org, positions, clean_rows
):
    result = roster_import(content=xlsx(clean_rows), filename="花名册.xlsx")

    assert result.errors == []
    assert (result.created, result.updated) == (3, 0)
    chen = profile("L0001")
    assert chen.user.name == "陈静"
    assert chen.user.mobile == "13800138001"
    assert chen.user.username == "L0001"
    assert chen.org_unit == org["chaoyang"]
    assert chen.position.name == SECRETARY
    assert chen.grade == 12
    assert chen.hire_date == date(2020, 3, 1)
    assert chen.user.groups.filter(name=roles.GROUP_NAMES[roles.WORKER]).exists()
    liu = profile("L0002")
    assert (liu.org_unit, liu.grade, liu.hire_date) == (
        org["grid"],
        5,
        date(2021, 7, 15),
    )
    assert liu.user.mobile == "13800138002"
    huang = profile("3")
    assert (huang.org_unit, huang.grade, huang.hire_date) == (
        org["qingsong"],
        12,
        None,
    )


def test_a_gbk_csv_with_chinese_names_imports(org, positions):
    content = csv_text(
        [
            ["欧阳晓燕", "G001", "13900139001", CHAOYANG, STAFF, "三", "2019年5月6日"],
            ["司马光", "G002", "13900139002", QINGSONG, STAFF, "十", "2018.9.1"],
        ]
    ).encode("gbk")

    result = roster_import(content=content, filename="花名册.csv")

    assert result.errors == []
    assert result.created == 2
    assert profile("G001").user.name == "欧阳晓燕"
    assert profile("G001").grade == 3
    assert profile("G001").hire_date == date(2019, 5, 6)
    assert profile("G002").user.name == "司马光"
    assert profile("G002").org_unit == org["qingsong"]
    assert profile("G002").hire_date == date(2018, 9, 1)


def test_a_utf8_csv_with_a_byte_order_mark_and_padded_headers_imports(org, positions):
    header = [f" {name} " for name in reversed(HEADER)]
    row = list(reversed(["杨帆", "U001", "13700137001", CHAOYANG, STAFF, "7", ""]))
    content = ("\ufeff" + csv_text([row], header=header)).encode("utf-8")

    result = roster_import(content=content, filename="roster.csv")

    assert result.errors == []
    assert profile("U001").user.name == "杨帆"
    assert profile("U001").grade == 7


def test_every_accepted_date_and_grade_spelling_is_read(org, positions):
    spellings = [
        ("2020-03-01", "12"),
        ("2020/3/1", "12级"),
        ("2020.3.1", "十二级"),
        ("2020年3月1日", "十二"),
        (43891, 12),  # an Excel day count in a cell without a date format
    ]
    rows = [
        [f"测试{i}", f"D{i}", f"1370013700{i}", CHAOYANG, STAFF, grade, day]
        for i, (day, grade) in enumerate(spellings)
    ]

    result = roster_import(content=xlsx(rows), filename="dates.xlsx")

    assert result.errors == []
    stored = WorkerProfile.objects.filter(employee_no__startswith="D")
    assert {(p.hire_date, p.grade) for p in stored} == {(date(2020, 3, 1), 12)}
    assert stored.count() == len(spellings)


def test_blank_rows_are_skipped_and_errors_use_the_row_number_excel_shows(
    org, positions
):
    rows = [
        ["甲", "B001", "13600136001", CHAOYANG, STAFF, 1, ""],
        [None] * 7,
        ["", " ", "", "", "", "", ""],
        ["乙", "B002", "12345", CHAOYANG, STAFF, 1, ""],
    ]

    result = roster_import(content=xlsx(rows), filename="blank.xlsx")

    # Header = row 1, 甲 = row 2, two blank rows, 乙 = row 5.
    assert errors_at(result) == {(5, "手机号")}
    assert not WorkerProfile.objects.filter(employee_no__startswith="B").exists()


def test_optional_qualification_columns_are_imported(org, positions):
    header = [*HEADER, "资格", "资格登记日期"]
    rows = [
        [
            "钱多",
            "Q001",
            "13500135001",
            CHAOYANG,
            STAFF,
            3,
            "",
            "社会工作师",
            "2022-6-1",
        ]
    ]

    result = roster_import(content=xlsx(rows, header=header), filename="q.xlsx")

    assert result.errors == []
    stored = profile("Q001")
    assert stored.qualification == WorkerProfile.Qualification.SOCIAL_WORKER
    assert stored.qualification_date == date(2022, 6, 1)


# --- All or nothing -----------------------------------------------------------


def test_one_bad_row_among_good_rows_writes_nothing_and_names_that_row(
    org, positions, clean_rows, english
):
    rows = [*clean_rows, ["坏行", "L0004", "1234567", CHAOYANG, STAFF, 3, ""]]
    before = WorkerProfile.objects.count()

    result = roster_import(content=xlsx(rows), filename="one-bad.xlsx")

    assert WorkerProfile.objects.count() == before
    assert (result.created, result.updated) == (0, 0)
    assert result.errors == [
        {
            "row": 5,
            "column": "手机号",
            "message": "1234567 is not an 11-digit mainland mobile number.",
        }
    ]


def test_every_kind_of_row_error_is_reported_at_once(org, positions, worker, english):
    UserFactory(username="someone", name="别人", mobile="13911112222")
    UserFactory(username="TAKEN01", name="占用")
    future = (timezone.localdate() + timedelta(days=30)).isoformat()
    rows = [
        ["好人", "E001", "13800000001", CHAOYANG, STAFF, 5, "2020-01-01"],  # 2
        ["", "E002", "13800000002", CHAOYANG, STAFF, 5, ""],  # 3 no name
        ["缺号", "", "13800000003", CHAOYANG, STAFF, 5, ""],  # 4 no 工号
        ["无手机", "E004", "", CHAOYANG, STAFF, 5, ""],  # 5 no phone
        ["坏手机", "E005", "12800000005", CHAOYANG, STAFF, 5, ""],  # 6 bad phone
        ["重手机", "E006", "13800000001", CHAOYANG, STAFF, 5, ""],  # 7 dup phone
        ["他人机", "E007", "13911112222", CHAOYANG, STAFF, 5, ""],  # 8 taken
        ["重工号", "E001", "13800000008", CHAOYANG, STAFF, 5, ""],  # 9 dup 工号
        ["无组织", "E009", "13800000009", "连心区/北岸街道", STAFF, 5, ""],  # 10
        ["无岗位", "E010", "13800000010", CHAOYANG, "门卫", 5, ""],  # 11
        ["坏日期", "E011", "13800000011", CHAOYANG, STAFF, 5, "2020-13-01"],  # 12
        ["未来", "E012", "13800000012", CHAOYANG, STAFF, 5, future],  # 13
        ["超级", "E013", "13800000013", CHAOYANG, STAFF, 13, ""],  # 14 range
        ["坏级", "E014", "13800000014", CHAOYANG, STAFF, "高级", ""],  # 15
        ["书记低", "E015", "13800000015", CHAOYANG, SECRETARY, "六级", ""],  # 16
        ["占号", "TAKEN01", "13800000016", CHAOYANG, STAFF, 5, ""],  # 17
        ["无组织2", "E017", "13800000017", "", STAFF, 5, ""],  # 18
    ]

    result = roster_import(content=xlsx(rows), filename="every-error.xlsx")

    assert errors_at(result) == {
        (3, "姓名"),
        (4, "工号"),
        (5, "手机号"),
        (6, "手机号"),
        (7, "手机号"),
        (8, "手机号"),
        (9, "工号"),
        (10, "所属组织"),
        (11, "岗位"),
        (12, "入职日期"),
        (13, "入职日期"),
        (14, "等级"),
        (15, "等级"),
        (16, "等级"),
        (17, "工号"),
        (18, "所属组织"),
    }
    text = {(e["row"], e["column"]): e["message"] for e in result.errors}
    assert text[(3, "姓名")] == "A value is required."
    assert text[(7, "手机号")] == "The mobile number 13800000001 is also on row 2."
    assert "already belongs to 别人" in text[(8, "手机号")]
    assert text[(9, "工号")] == "The employee number E001 is also on row 2."
    assert text[(10, "所属组织")] == "Unknown org unit: 连心区/北岸街道"
    assert text[(11, "岗位")] == "Unknown position: 门卫"
    assert "not a date" in text[(12, "入职日期")]
    assert "in the future" in text[(13, "入职日期")]
    assert "outside 1–12" in text[(14, "等级")]
    assert "not a grade" in text[(15, "等级")]
    assert "outside 7–18" in text[(16, "等级")]
    assert [e["row"] for e in result.errors] == sorted(e["row"] for e in result.errors)
    assert not WorkerProfile.objects.filter(employee_no__startswith="E").exists()


def test_a_phone_already_held_by_the_same_worker_is_fine(org, positions, worker):
    worker.mobile = "13811112222"
    worker.save(update_fields=["mobile"])
    rows = [["张晓明", "W10001", "13811112222", CHAOYANG, STAFF, 6, ""]]

    result = roster_import(content=xlsx(rows), filename="same.xlsx")

    assert result.errors == []
    assert (result.created, result.updated) == (0, 1)
    assert profile("W10001").grade == 6


def test_a_missing_required_header_is_one_error_naming_the_columns(
    org, positions, english
):
    header = ["姓名", "工号", "所属组织", "等级", "入职日期"]
    rows = [["甲", "H001", CHAOYANG, 1, ""]]

    result = roster_import(content=xlsx(rows, header=header), filename="h.xlsx")

    assert len(result.errors) == 1
    assert result.errors[0]["row"] == 1
    assert "手机号" in result.errors[0]["message"]
    assert "岗位" in result.errors[0]["message"]
    assert not WorkerProfile.objects.filter(employee_no="H001").exists()


def test_a_title_row_above_the_header_is_skipped_and_row_numbers_still_match(
    org, positions
):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["东湖街道社区工作者花名册"])
    sheet.append(HEADER)
    sheet.append(["甲", "T001", "13600136101", CHAOYANG, STAFF, 1, ""])
    sheet.append(["乙", "T002", "no phone", CHAOYANG, STAFF, 1, ""])
    buffer = io.BytesIO()
    workbook.save(buffer)

    result = roster_import(content=buffer.getvalue(), filename="title.xlsx")

    assert errors_at(result) == {(4, "手机号")}


def test_a_file_whose_headers_are_all_misspelt_is_refused_at_its_first_row(
    org, positions
):
    header = ["名字", "编号", "电话", "单位", "职务", "级别", "入职时间"]
    rows = [["甲", "M001", "13600136201", CHAOYANG, STAFF, 1, ""]]

    result = roster_import(content=xlsx(rows, header=header), filename="m.xlsx")

    assert len(result.errors) == 1
    assert result.errors[0]["row"] == 1
    assert "姓名" in result.errors[0]["message"]


@pytest.mark.parametrize(
    ("content", "filename"),
    [
        (b"PK\x03\x04 this is not really a zip", "broken.xlsx"),
        (b"\x00\x01\x02\xff\xfe\x00binary", "photo.csv"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 old excel", "old.xls"),
        (b"plain text, not a roster", "notes.xlsx"),
        (b"", "empty.csv"),
    ],
)
def test_an_unreadable_file_is_one_clear_error_not_a_traceback(db, content, filename):
    result = roster_import(content=content, filename=filename)

    assert len(result.errors) == 1
    assert result.errors[0]["row"] is None
    assert result.errors[0]["message"]


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(db, settings, english):
    settings.LIANXIN_ROSTER_MAX_BYTES = 100
    result = roster_import(content=b"x" * 101, filename="big.csv")

    assert len(result.errors) == 1
    assert "larger than" in result.errors[0]["message"]


def test_checking_a_large_file_does_not_query_once_per_row(
    org, positions, django_assert_max_num_queries
):
    rows = [
        [f"工{i}", f"N{i:04d}", f"135{i:08d}", CHAOYANG, STAFF, 3, "2020-1-1"]
        for i in range(1200)
    ]
    rows.append(["坏", "N9999", "bad", CHAOYANG, STAFF, 3, ""])
    content = xlsx(rows)

    with django_assert_max_num_queries(20):
        result = roster_import(content=content, filename="big.xlsx")

    assert errors_at(result) == {(1202, "手机号")}


# --- Updating and org units ---------------------------------------------------


def test_reimporting_a_file_updates_workers_and_never_duplicates(
    org, positions, clean_rows
):
    roster_import(content=xlsx(clean_rows), filename="v1.xlsx")
    clean_rows[0][2] = "13800138999"
    clean_rows[0][5] = 15

    result = roster_import(content=xlsx(clean_rows), filename="v2.xlsx")

    assert result.errors == []
    assert (result.created, result.updated) == (0, 3)
    assert WorkerProfile.objects.filter(employee_no__startswith="L").count() == 2
    assert WorkerProfile.objects.filter(employee_no="3").count() == 1
    assert profile("L0001").user.mobile == "13800138999"
    assert profile("L0001").grade == 15


def test_a_reimport_without_qualification_columns_keeps_qualifications(
    org, positions, worker
):
    WorkerProfile.objects.filter(user=worker).update(
        qualification=WorkerProfile.Qualification.SENIOR,
        qualification_date=date(2019, 1, 1),
    )
    rows = [["张晓明", "W10001", "13811113333", CHAOYANG, STAFF, 6, ""]]

    roster_import(content=xlsx(rows), filename="no-qualification.xlsx")

    stored = profile("W10001")
    assert stored.qualification == WorkerProfile.Qualification.SENIOR
    assert stored.qualification_date == date(2019, 1, 1)
    assert stored.user.mobile == "13811113333"


def test_missing_org_units_are_an_error_unless_creating_them(org, positions):
    rows = [
        [
            "新人",
            "O001",
            "13300133001",
            "连心区/南湖街道/荷花社区/第三网格",
            STAFF,
            2,
            "",
        ]
    ]

    refused = roster_import(content=xlsx(rows), filename="new-org.xlsx")

    assert errors_at(refused) == {(2, "所属组织")}
    assert not OrgUnit.objects.filter(name="南湖街道").exists()

    created = roster_import(
        content=xlsx(rows), filename="new-org.xlsx", create_orgs=True
    )

    assert created.errors == []
    street = OrgUnit.objects.get(name="南湖街道")
    community = OrgUnit.objects.get(name="荷花社区")
    grid = OrgUnit.objects.get(name="第三网格")
    assert street.get_parent() == org["district"]
    assert (street.level, community.level, grid.level) == (
        OrgUnit.Level.STREET,
        OrgUnit.Level.COMMUNITY,
        OrgUnit.Level.GRID,
    )
    assert grid.get_parent().pk == community.pk
    assert profile("O001").org_unit == grid
    assert OrgUnit.objects.filter(name="连心区").count() == 1


def test_creating_org_units_still_refuses_a_path_too_deep_or_not_from_the_district(
    org, positions
):
    rows = [
        ["深", "P001", "13300133002", f"{GRID}/一组", STAFF, 2, ""],
        ["浅", "P002", "13300133003", "东湖街道/新社区", STAFF, 2, ""],
    ]

    result = roster_import(content=xlsx(rows), filename="o.xlsx", create_orgs=True)

    assert errors_at(result) == {(2, "所属组织"), (3, "所属组织")}
    assert not OrgUnit.objects.filter(name__in=["一组", "新社区"]).exists()


# --- Audit ------------------------------------------------------------------


def test_an_import_is_audited_with_its_counts(org, positions, clean_rows, admin):
    roster_import(content=xlsx(clean_rows), filename="花名册.xlsx", actor=admin)

    entry = AuditEntry.objects.get(action="roster_import")
    assert entry.actor == admin
    assert entry.details == {
        "filename": "花名册.xlsx",
        "created": 3,
        "updated": 0,
        "errors": 0,
    }


def test_a_rejected_import_is_audited_too(org, positions):
    rows = [["甲", "R001", "bad", CHAOYANG, STAFF, 1, ""]]

    roster_import(content=xlsx(rows), filename="bad.xlsx")

    entry = AuditEntry.objects.get(action="roster_import_rejected")
    assert entry.actor is None
    assert entry.details["errors"] == 1
    assert entry.details["filename"] == "bad.xlsx"
    assert not AuditEntry.objects.filter(action="roster_import").exists()


# --- Saved imports and the task ----------------------------------------------


def saved_import(content: bytes, filename="roster.xlsx", **kwargs) -> RosterImport:
    return roster_import_create(
        uploaded_by=kwargs.pop("uploaded_by", None),
        filename=filename,
        content=content,
        create_orgs=kwargs.pop("create_orgs", False),
    )


def test_processing_a_saved_import_records_done_counts_and_finish_time(
    org, positions, clean_rows, admin
):
    job = saved_import(xlsx(clean_rows), uploaded_by=admin)

    roster_import_process(import_id=job.pk)

    job.refresh_from_db()
    assert job.status == RosterImport.Status.DONE
    assert (job.created_count, job.updated_count) == (3, 0)
    assert job.errors == []
    assert job.finished_at is not None
    assert AuditEntry.objects.get(action="roster_import").actor == admin


def test_processing_a_rejected_import_stores_every_error(org, positions):
    rows = [
        ["甲", "F001", "bad", CHAOYANG, STAFF, 1, ""],
        ["乙", "F002", "13300133009", CHAOYANG, "门卫", 1, ""],
    ]
    job = saved_import(xlsx(rows))

    roster_import_process(import_id=job.pk)

    job.refresh_from_db()
    assert job.status == RosterImport.Status.FAILED
    assert [(e["row"], e["column"]) for e in job.errors] == [(2, "手机号"), (3, "岗位")]
    assert not WorkerProfile.objects.filter(employee_no__startswith="F").exists()


def test_processing_a_finished_import_again_changes_nothing(org, positions, clean_rows):
    job = saved_import(xlsx(clean_rows))
    roster_import_process(import_id=job.pk)
    job.refresh_from_db()
    finished_at = job.finished_at

    roster_import_process(import_id=job.pk)

    job.refresh_from_db()
    assert job.finished_at == finished_at
    assert (job.created_count, job.updated_count) == (3, 0)
    assert AuditEntry.objects.filter(action="roster_import").count() == 1


def test_a_crash_midway_writes_nothing_and_marks_the_import_failed(
    org, positions, clean_rows, monkeypatch
):
    real_upsert = roster_module.worker_upsert
    calls = []

    def upsert_then_crash(**kwargs):
        calls.append(kwargs)
        if len(calls) == 2:
            raise RuntimeError("disk on fire")
        return real_upsert(**kwargs)

    monkeypatch.setattr(roster_module, "worker_upsert", upsert_then_crash)
    job = saved_import(xlsx(clean_rows))

    roster_import_process(import_id=job.pk)

    job.refresh_from_db()
    assert len(calls) == 2
    assert job.status == RosterImport.Status.FAILED
    assert job.errors[0]["row"] is None
    assert not WorkerProfile.objects.filter(employee_no="L0001").exists()
    assert not AuditEntry.objects.filter(action="roster_import").exists()


def test_a_lost_database_leaves_the_import_running_for_a_retry_that_completes_it(
    org, positions, clean_rows, monkeypatch
):
    real_upsert = roster_module.worker_upsert

    def connection_lost(**kwargs):
        raise OperationalError("server closed the connection")

    monkeypatch.setattr(roster_module, "worker_upsert", connection_lost)
    job = saved_import(xlsx(clean_rows))

    with pytest.raises(OperationalError):
        roster_import_process(import_id=job.pk)

    job.refresh_from_db()
    assert job.status == RosterImport.Status.RUNNING
    assert not WorkerProfile.objects.filter(employee_no="L0001").exists()

    monkeypatch.setattr(roster_module, "worker_upsert", real_upsert)
    roster_import_process(import_id=job.pk)

    job.refresh_from_db()
    assert job.status == RosterImport.Status.DONE
    assert job.created_count == 3


def test_the_task_runs_the_import(org, positions, clean_rows, celery_eager):
    job = saved_import(xlsx(clean_rows))

    roster_import_run.delay(job.pk)

    job.refresh_from_db()
    assert job.status == RosterImport.Status.DONE
    assert profile("L0002").org_unit == org["grid"]


def test_the_task_retries_a_lost_database_then_reports_the_import_failed(
    org, positions, clean_rows, monkeypatch
):
    attempts = []

    def connection_lost(**kwargs):
        attempts.append(1)
        raise OperationalError("server closed the connection")

    monkeypatch.setattr(roster_module, "worker_upsert", connection_lost)
    job = saved_import(xlsx(clean_rows))

    # As a worker would: retry, and after the last retry fail for good.
    monkeypatch.setitem(roster_import_run.app.conf, "task_eager_propagates", False)
    outcome = roster_import_run.apply(args=[job.pk])

    job.refresh_from_db()
    assert outcome.state == "FAILURE"
    assert len(attempts) == 1 + roster_import_run.max_retries
    assert job.status == RosterImport.Status.FAILED
    assert not WorkerProfile.objects.filter(employee_no="L0001").exists()


# --- The management command ---------------------------------------------------


def test_the_command_imports_a_file_and_prints_the_counts(
    org, positions, clean_rows, tmp_path
):
    path = tmp_path / "花名册.xlsx"
    path.write_bytes(xlsx(clean_rows))
    out = io.StringIO()

    call_command("import_workers", str(path), stdout=out)

    assert out.getvalue().strip() == "imported: 3 created, 0 updated"
    assert profile("L0001").user.name == "陈静"
    entry = AuditEntry.objects.get(action="roster_import")
    assert entry.actor is None


def test_the_command_prints_every_error_and_exits_non_zero(
    org, positions, tmp_path, english
):
    rows = [
        ["甲", "C001", "bad", CHAOYANG, STAFF, 1, ""],
        ["乙", "C002", "13300133010", "连心区/无此街道", STAFF, 1, ""],
    ]
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_text(rows).encode("gbk"))
    err = io.StringIO()

    with pytest.raises(CommandError) as raised:
        call_command("import_workers", str(path), stderr=err)

    assert raised.value.returncode == 1
    lines = err.getvalue().splitlines()
    assert lines == [
        "Row 2 [手机号]: bad is not an 11-digit mainland mobile number.",
        "Row 3 [所属组织]: Unknown org unit: 连心区/无此街道",
    ]
    assert not WorkerProfile.objects.filter(employee_no__startswith="C").exists()


def test_the_command_creates_org_units_when_asked(org, positions, tmp_path):
    rows = [["丙", "C003", "13300133011", "连心区/新街道", STAFF, 1, ""]]
    path = tmp_path / "new.xlsx"
    path.write_bytes(xlsx(rows))
    out = io.StringIO()

    call_command("import_workers", str(path), "--create-orgs", stdout=out)

    assert "imported: 1 created, 0 updated" in out.getvalue()
    assert profile("C003").org_unit.name == "新街道"
    assert profile("C003").org_unit.level == OrgUnit.Level.STREET


def test_the_command_reports_a_missing_file(db, tmp_path):
    with pytest.raises(CommandError):
        call_command("import_workers", str(tmp_path / "nowhere.xlsx"))


# --- The pages ----------------------------------------------------------------

ROSTER_URLS = ["/people/roster/", "/people/roster/template.xlsx"]


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def test_an_admin_uploads_a_roster_and_sees_the_report(
    client_for,
    org,
    positions,
    clean_rows,
    admin,
    django_capture_on_commit_callbacks,
    celery_eager,
):
    client = client_for("admin")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            "/people/roster/",
            {"file": upload("花名册.xlsx", xlsx(clean_rows))},
        )

    job = RosterImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/people/roster/{job.pk}/"
    # The import is queued once (the page cache's generation bumps aside).
    queued = [c for c in callbacks if getattr(c, "func", None) is not None]
    assert len(queued) == 1
    assert job.uploaded_by == admin
    assert job.filename == "花名册.xlsx"
    assert job.status == RosterImport.Status.DONE
    assert profile("L0001").user.name == "陈静"

    page = client.get(response["Location"]).content.decode()
    assert '<dd class="figure" id="roster-created">3</dd>' in page
    assert '<dd class="figure" id="roster-updated">0</dd>' in page
    assert 'http-equiv="refresh"' not in page


def test_the_report_lists_every_problem_row(client_for, org, positions, admin):
    rows = [
        ["甲", "V001", "13300133020", CHAOYANG, STAFF, 1, ""],
        ["乙", "V002", "13300133021", CHAOYANG, "门卫", 1, ""],
    ]
    job = saved_import(xlsx(rows), uploaded_by=admin)
    roster_import_process(import_id=job.pk)

    page = client_for("admin").get(f"/people/roster/{job.pk}/").content.decode()

    assert re.search(r'<td class="num">3</td>\s*<td>岗位</td>\s*<td>[^<]*门卫', page)
    assert "roster-created" not in page


def test_a_pending_import_page_says_importing_and_refreshes_itself(client_for, admin):
    job = saved_import(b"not yet", filename="wait.csv")

    page = client_for("admin").get(f"/people/roster/{job.pk}/").content.decode()

    assert '<meta http-equiv="refresh" content="2">' in page
    assert 'class="roster-progress"' in page
    assert "wait.csv" in page


def test_an_unknown_import_is_404(client_for, admin):
    assert client_for("admin").get("/people/roster/999999/").status_code == 404


def test_an_unsuitable_upload_is_refused_and_the_form_keeps_the_checkbox(
    client_for, admin, english
):
    response = client_for("admin").post(
        "/people/roster/",
        {"file": upload("roster.pdf", b"%PDF-1.4"), "create_orgs": "on"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Upload an Excel workbook (.xlsx) or a CSV file (.csv)." in page
    assert re.search(r'<input[^>]*name="create_orgs"[^>]*checked', page)
    assert not RosterImport.objects.exists()


def test_an_upload_over_the_size_limit_is_refused(client_for, admin, settings):
    settings.LIANXIN_ROSTER_MAX_BYTES = 50

    response = client_for("admin").post(
        "/people/roster/", {"file": upload("big.csv", b"a," * 100)}
    )

    assert response.status_code == 200
    assert 'class="error"' in response.content.decode()
    assert not RosterImport.objects.exists()


def test_the_upload_page_lists_past_imports_twenty_at_a_time(client_for, admin):
    for i in range(25):
        saved_import(b"x", filename=f"import-{i:02d}.csv")
    client = client_for("admin")

    first = client.get("/people/roster/").content.decode()
    second = client.get("/people/roster/?page=2").content.decode()

    assert len(re.findall(r"import-\d\d\.csv", first)) == 20
    assert len(re.findall(r"import-\d\d\.csv", second)) == 5
    assert "import-24.csv" in first  # newest first
    assert "import-00.csv" in second


def test_the_blank_roster_is_a_real_workbook_with_the_expected_headers(
    client_for, admin, positions
):
    response = client_for("admin").get("/people/roster/template.xlsx")

    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert "attachment" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0][:7]) == HEADER
    assert len(rows) == 2
    assert rows[1][0] == "张三"


def test_the_blank_roster_imports_cleanly_once_filled_in(
    client_for, admin, org, positions
):
    content = client_for("admin").get("/people/roster/template.xlsx").content

    result = roster_import(content=content, filename="template.xlsx")

    assert result.errors == []
    assert profile("W00001").org_unit == org["grid"]


@pytest.mark.parametrize("url", [*ROSTER_URLS, "/people/roster/1/"])
def test_anonymous_visitors_are_sent_to_sign_in(client_for, url):
    response = client_for("anonymous").get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("persona", ["worker", "trainer", "hr_street", "hr_district"])
@pytest.mark.parametrize("url", ROSTER_URLS)
def test_only_admins_may_open_the_roster_pages(client_for, persona, url):
    assert client_for(persona).get(url).status_code == 403


def test_a_non_admin_cannot_upload_or_read_a_report(client_for, hr_district):
    job = saved_import(b"x", filename="secret.csv")
    client = client_for("hr_district")

    posted = client.post("/people/roster/", {"file": upload("a.csv", b"a,b")})
    report = client.get(f"/people/roster/{job.pk}/")

    assert posted.status_code == 403
    assert report.status_code == 403
    assert "secret.csv" not in report.content.decode()
    assert RosterImport.objects.count() == 1
