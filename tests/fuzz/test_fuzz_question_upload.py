"""Fuzzing the trainers' import page and import_questions with every format.

Whatever file a trainer uploads, with the format chosen or left to guess,
the page answers without a server error, says why nothing was imported when
nothing was, and shows no traceback; the command fails only with a message.
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import event, given
from hypothesis import strategies as st

from assessments.models import Question, QuestionBank, QuestionVersion

from .conftest import assert_no_traceback, fuzz, rolled_back, row_counts
from .question_checks import BANK, QUESTION_TABLES, check_upload
from .strategies import junk_bytes
from .test_fuzz_aiken import aiken_input
from .test_fuzz_gift import gift_input
from .test_fuzz_moodlexml import moodle_input
from .test_fuzz_spreadsheet import csv_input, xlsx_input

pytestmark = pytest.mark.django_db

uploads = st.one_of(
    st.tuples(st.just("xlsx"), xlsx_input, st.just("题库.xlsx")),
    st.tuples(st.just("csv"), csv_input, st.just("题库.csv")),
    st.tuples(st.just("moodlexml"), moodle_input, st.just("quiz.xml")),
    st.tuples(st.just("gift"), gift_input, st.just("题库.gift")),
    st.tuples(st.just("aiken"), aiken_input, st.just("aiken.txt")),
    st.tuples(
        st.just(""),
        junk_bytes,
        st.sampled_from(["a.xlsx", "a.xls", "a.csv", "a.xml", "a", ".gift", "题.txt"]),
    ),
)


@pytest.fixture
def trainer_client(client_for, trainer):
    return client_for("trainer")


@fuzz()
@given(upload=uploads, guess=st.booleans())
def test_the_import_page_never_fails_and_says_why_nothing_was_imported(
    upload, guess, trainer_client
):
    format, data, filename = upload
    check_upload(
        trainer_client, data, filename=filename, format="" if guess else format
    )


@fuzz(share=0.6)
@given(upload=uploads, guess=st.booleans())
def test_the_import_questions_command_fails_only_with_a_message(
    upload, guess, db, tmp_path
):
    format, data, filename = upload
    path = tmp_path / filename
    path.write_bytes(data)
    arguments = [str(path), "--bank", BANK]
    if format and not guess:
        arguments += ["--format", format]
    out, err = StringIO(), StringIO()
    with rolled_back():
        before = row_counts(QUESTION_TABLES)
        try:
            call_command("import_questions", *arguments, stdout=out, stderr=err)
        except CommandError as error:
            event("refused")
            assert str(error)
            assert err.getvalue().strip()
            assert_no_traceback(err.getvalue())
            assert out.getvalue().startswith("imported 0 questions")
            assert row_counts(QUESTION_TABLES) == before
            return
        event("imported")
        imported = int(out.getvalue().split()[1])
        bank = QuestionBank.objects.get(name=BANK)
        assert Question.objects.filter(bank=bank).count() == imported
        assert QuestionVersion.objects.filter(question__bank=bank).count() == imported
