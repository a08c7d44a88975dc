"""Fast checks of the benchmark harness (seeding, journeys, table) on a tiny size.

No timings are asserted here: `make bench` prints them, these only keep the
harness from rotting as the pages it drives change.
"""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse

from tests.bench import Figure, percentile, seed
from tests.bench import load as bench_load
from tests.bench.__main__ import benchmarks, table

TINY = seed.Spec("tiny", 1, 2, 2, 8, 2, 2, 2, 4)


@pytest.fixture
def tiny(db, monkeypatch):
    monkeypatch.setitem(seed.SIZES, "tiny", TINY)
    return seed.ensure("tiny", log=lambda *a: None)


def test_it_seeds_every_table_of_a_size(tiny):
    from assessments.models import Attempt, AttemptItem, Certificate, QuizGrade
    from courses.models import CoursePage, Enrolment, LessonProgress, TrainingRecord
    from people.models import HRScope, OrgUnit, User, WorkerProfile

    assert not tiny.cached
    assert User.objects.filter(username__startswith="bw").count() == 8
    assert WorkerProfile.objects.filter(org_unit__level=3).count() == 8
    assert OrgUnit.objects.count() == 1 + 2 + 4
    assert Enrolment.objects.count() == 16
    done = sum(Enrolment.objects.values_list("lessons_done", flat=True))
    assert LessonProgress.objects.count() == done
    completed = Enrolment.objects.filter(status="completed").count()
    assert TrainingRecord.objects.count() == completed
    assert Certificate.objects.count() <= completed
    assert Attempt.objects.count() == 4
    assert AttemptItem.objects.count() == 4 * seed.QUESTIONS
    assert QuizGrade.objects.count() == 4
    assert (
        HRScope.objects.filter(user__username=seed.HR_STREET).get().org_unit.level == 2
    )
    courses = CoursePage.objects.filter(slug__startswith="bench-course-")
    assert [c.get_children().count() for c in courses] == [2, 2]
    assert tiny.tables["enrolments"]["rows"] == 16


def test_the_org_tree_it_builds_is_one_treebeard_accepts(tiny):
    from people.models import OrgUnit

    assert all(not problems for problems in OrgUnit.find_problems())
    district = OrgUnit.get_root_nodes().get(name="基准区01")
    assert district.get_descendant_count() == 6
    street = district.get_children().first()
    assert [c.name for c in street.get_children()] == [
        f"{street.name}社区01",
        f"{street.name}社区02",
    ]


def test_rows_the_app_adds_after_seeding_get_fresh_ids(tiny):
    from people.models import OrgUnit, User

    seeded = User.objects.order_by("-pk").first().pk
    street = OrgUnit.objects.filter(level=2).first()

    assert User.objects.create(username="late-joiner").pk > seeded
    assert (
        street.add_child(name="新社区", level=3).pk
        > OrgUnit.objects.filter(level=3)
        .exclude(name="新社区")
        .order_by("-pk")
        .first()
        .pk
    )


def test_a_rerun_finds_the_marker_and_seeds_nothing(tiny):
    from people.models import User

    again = seed.ensure("tiny", log=lambda *a: None)

    assert again.cached
    assert again.tables == tiny.tables
    assert User.objects.filter(username__startswith="bw").count() == 8


def test_it_never_drops_a_database_that_is_not_a_bench_one(tiny, monkeypatch):
    monkeypatch.setitem(seed.SIZES, "other", TINY)

    with pytest.raises(RuntimeError, match="BENCH_DATABASE_URL"):
        seed.ensure("other", log=lambda *a: None)


def test_tree_steps_are_treebeards_base36():
    assert seed.step(1) == "0001"
    assert seed.step(35) == "000Z"
    assert seed.step(36) == "0010"


def test_every_journey_step_answers_as_expected_through_django(tiny):
    present, missing = bench_load.steps_present(bench_load.STEPS)
    contexts = bench_load.contexts(4)

    stats, wrong = bench_load.queries_per_step(present, contexts, broker=None)

    assert wrong == []
    assert {step.name for step in present} <= set(stats)
    assert stats[bench_load.FLOOR.name].queries <= 2
    assert all(one.queries > 0 and one.slowest for one in stats.values())
    assert all(figure.missing for figure in missing)


def test_a_step_whose_page_is_missing_is_reported_not_skipped():
    absent = bench_load.Step(
        "no such page", "worker", bench_load.step_home, (200,), lambda: False
    )

    present, missing = bench_load.steps_present([absent])

    assert present == []
    assert [(f.name, f.missing) for f in missing] == [("no such page", True)]
    assert "MISSING" in table([{"benchmark": "load", **missing[0].as_dict()}])


def test_a_worker_answers_every_question_in_the_journey():
    plan = bench_load.journey("worker", bench_load.STEPS)

    answers = [s for s in plan if s.func is bench_load.step_quiz_answer]
    assert len(answers) == bench_load.ANSWERS
    assert all(s.role == "worker" for s in plan)


def test_the_table_has_latency_columns_and_the_verdict():
    rows = [
        {
            "benchmark": "load",
            **Figure(
                "catalog", 120.0, "ms p95", "p95 < 150 ms", True, p50=40, p95=120,
                p99=180, rps=12.5, ratio=0.42, errors=0, queries=16,
            ).as_dict(),
        },
        {"benchmark": "x", **Figure("render", 90.0, "ms", "< 50 ms", False).as_dict()},
    ]  # fmt: skip

    text = table(rows)

    assert (
        "| load | catalog | 120.0 ms p95 | p95 < 150 ms | yes | 40.0 | 120.0 |" in text
    )
    assert "| 0.42 | 0 | 16 |" in text
    assert "| x | render | 90.0 ms | < 50 ms | NO |" in text


def test_percentiles_are_nearest_rank():
    values = list(range(1, 101))

    assert percentile(values, 50) == 50
    assert percentile(values, 95) == 95
    assert percentile(values, 99) == 99
    assert percentile([], 95) == 0


def test_only_benchmark_modules_are_run():
    names = benchmarks()

    assert "load" in names
    assert "seed" not in names
    assert not [n for n in names if n.startswith("test_")]


def test_the_floor_is_not_routed_in_normal_runs():
    with pytest.raises(NoReverseMatch):
        reverse("bench_floor")


def test_the_floor_reads_the_session_and_one_row(db, worker, django_assert_num_queries):
    from lms.bench_views import floor

    session = SessionStore()
    session[SESSION_KEY] = str(worker.pk)
    session.create()
    request = RequestFactory().get("/bench/floor/")
    request.session = SessionStore(session.session_key)

    with django_assert_num_queries(2):  # the session row, the user by pk
        response = floor(request)

    assert json.loads(response.content) == {"ok": True, "signed_in": True}
