"""The import_questions and export_questions commands."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from assessments.models import Question

DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def run(*args):
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_first_line_counts_the_imports_then_the_skipped_follow(db):
    out, err = run(
        "import_questions", str(DATA / "moodle_sample.xml"), "--bank", "民法典"
    )

    assert out.splitlines() == [
        "imported 5 questions",
        "skipped: 法律与施行年份配对 (type matching)",
        "skipped: 居委会任期 (type numerical)",
        "skipped: 完形填空 (type multianswer)",
    ]
    assert err == ""
    assert Question.objects.filter(bank__name="民法典").count() == 5


def test_the_format_may_be_given(db):
    out, _err = run(
        "import_questions",
        str(DATA / "sample_aiken.txt"),
        "--bank",
        "A",
        "--format",
        "aiken",
    )

    assert out.splitlines()[0] == "imported 2 questions"


def test_it_exits_non_zero_and_prints_the_errors_when_nothing_imports(db, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("题一\nA. 甲\nB. 乙\nANSWER: E\n", encoding="utf-8")
    out, err = StringIO(), StringIO()

    with pytest.raises(CommandError, match="Nothing was imported: 1 problems found"):
        call_command(
            "import_questions", str(bad), "--bank", "坏", stdout=out, stderr=err
        )

    assert out.getvalue().splitlines() == ["imported 0 questions"]
    assert "Question 1: The answer E is not one of the choices (A–B)." in err.getvalue()
    assert not Question.objects.exists()


def test_the_entity_bomb_is_refused_by_the_command(db):
    with pytest.raises(CommandError):
        run("import_questions", str(DATA / "bomb.xml"), "--bank", "炸弹")


def test_a_missing_file_is_a_command_error(db):
    with pytest.raises(CommandError):
        run("import_questions", "/nonexistent/file.xml", "--bank", "x")


def test_export_writes_the_file_and_reports(db, tmp_path):
    run("import_questions", str(DATA / "sample.gift"), "--bank", "GIFT")
    target = tmp_path / "out.xml"

    out, _err = run(
        "export_questions", "--bank", "GIFT", "--format", "moodlexml", "-o", str(target)
    )

    assert out.splitlines() == [f"exported 7 questions to {target}"]
    assert target.read_bytes().startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    again, _err = run("import_questions", str(target), "--bank", "again")
    assert again.splitlines() == ["imported 7 questions"]


def test_export_of_an_unknown_bank_fails(db, tmp_path):
    with pytest.raises(CommandError, match="no question bank named"):
        run(
            "export_questions",
            "--bank",
            "无",
            "--format",
            "gift",
            "-o",
            str(tmp_path / "x"),
        )
