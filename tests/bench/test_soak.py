"""The soak's bookkeeping (tests/bench/soak.py): what it counts and how it judges.

No server and no timing here: a worker's journey runs through Django's test
client on a tiny seeded size, and the checks are fed hand-made responses and
snapshots to show that a lost write, a 5xx or a dropped connection fails them.
"""

from __future__ import annotations

from collections import Counter

import pytest

from tests.bench import load as bench_load
from tests.bench import seed, soak
from tests.bench.__main__ import benchmarks

TINY = seed.Spec("tiny", 1, 2, 2, 8, 2, 2, 2, 4)
STEP = {step.func: step for step in bench_load.STEPS}


@pytest.fixture
def tiny(db, monkeypatch):
    monkeypatch.setitem(seed.SIZES, "tiny", TINY)
    return seed.ensure("tiny", log=lambda *a: None)


def _certificate_course_worker():
    """A seeded worker part-way through the course that gives a certificate."""
    for context in bench_load.contexts(TINY.workers + 2):
        if (
            context.role == "worker"
            and "bench-course-001" in context.course_url
            and context.lesson_index < len(context.lessons)
        ):
            return context
    raise AssertionError("the tiny size has no such worker")


def test_a_worker_journey_reconciles_with_what_the_database_stored(
    tiny, celery_eager, django_capture_on_commit_callbacks
):
    from people.models import User

    context = _certificate_course_worker()
    user = User.objects.get(username=context.username)
    left = len(context.lessons) - context.lesson_index
    before = soak.snapshot([user.pk])
    ledger = soak.Ledger({user.username: user.pk})
    session = bench_load.DjangoSession(user)
    plan = bench_load.journey("worker", bench_load.STEPS)

    with django_capture_on_commit_callbacks(execute=True):
        for _round in range(left):
            for step in plan:
                ledger.run(step, session, context)
    after = soak.snapshot([user.pk])
    checks = {
        c.name: c for c in soak.reconcile(before, after, ledger, users=1, signed_in=1)
    }

    assert [name for name, c in checks.items() if not c.ok] == []
    assert checks["lesson completions (new worker × lesson pairs)"].found == left
    assert checks["quiz attempts started (new attempt ids)"].found == left
    assert checks["quiz attempts submitted (finished in the run)"].found == left
    assert checks["hours credited once per course completed in the run"].found == 1
    assert checks["certificates issued for courses completed in the run"].found == 1
    assert checks["certificate PDFs stored"].found == 1
    assert ledger.statuses["quiz answer (autosave)"] == Counter({200: left * 5})


def _snapshot(**given) -> soak.Snapshot:
    empty = {
        "completed": set(),
        "attempts": {},
        "courses_done": set(),
        "hours": {},
        "certificates": {},
    }
    return soak.Snapshot(**{**empty, **given})


def _context(**given) -> bench_load.Context:
    lessons = [bench_load.Lesson(11, "/c/l1/"), bench_load.Lesson(12, "/c/l2/")]
    return bench_load.Context("w1", "worker", lessons=lessons, **given)


def _response(status: int, location: str = "") -> bench_load.Response:
    return bench_load.Response(status, {"location": location} if location else {}, b"")


def test_it_notes_only_the_writes_the_server_confirmed():
    ledger = soak.Ledger({"w1": 1})
    complete = STEP[bench_load.step_lesson_complete]
    start = STEP[bench_load.step_quiz_start]
    submit = STEP[bench_load.step_quiz_submit]
    lesson1, lesson2 = _context().lessons

    ledger.acknowledge(complete, _context(), _response(302, "/c/l2/"), lesson=lesson1)
    # Not enrolled: sent back to the same lesson, nothing stored.
    ledger.acknowledge(complete, _context(), _response(302, "/c/l2/"), lesson=lesson2)
    ledger.acknowledge(
        start, _context(attempt_id=7), _response(302, "/quiz/attempt/7/")
    )
    ledger.acknowledge(start, _context(), _response(302, "/quiz/3/"))
    ledger.acknowledge(
        submit, _context(), _response(302, "/quiz/attempt/7/review/"), attempt=7
    )
    ledger.acknowledge(submit, _context(), _response(409), attempt=8)
    ledger.acknowledge(
        submit, _context(), _response(302, "/accounts/login/?next=/x/"), attempt=9
    )

    assert ledger.completed == {(1, 11)}
    assert ledger.started == {7}
    assert ledger.submitted == {7}
    assert ledger.signed_out == Counter({submit.name: 1})
    assert ledger.statuses[submit.name] == Counter({302: 2, 409: 1})


def test_a_write_acknowledged_but_not_stored_fails_its_check():
    ledger = soak.Ledger({"w1": 1})
    ledger.completed = {(1, 11), (1, 12)}
    ledger.started = {7}
    before = _snapshot(completed={(1, 10)}, attempts={5: "finished"})
    after = _snapshot(
        completed={(1, 10), (1, 11)}, attempts={5: "finished", 7: "open", 8: "open"}
    )

    checks = {
        c.name: c for c in soak.reconcile(before, after, ledger, users=1, signed_in=1)
    }

    lessons = checks["lesson completions (new worker × lesson pairs)"]
    assert (lessons.expected, lessons.found, lessons.verdict) == (2, 1, "FAIL")
    assert "1 not stored, e.g. [(1, 12)]" in lessons.detail
    attempts = checks["quiz attempts started (new attempt ids)"]
    assert (attempts.expected, attempts.found, attempts.verdict) == (1, 2, "FAIL")
    assert "1 stored but not acknowledged, e.g. [8]" in attempts.detail
    assert not checks["writes exercised (attempts submitted)"].ok


def test_a_course_completed_without_its_certificate_or_with_double_hours_fails():
    ledger = soak.Ledger({"w1": 1})
    ledger.submitted = {7}
    before = _snapshot(attempts={7: "open"})
    after = _snapshot(
        attempts={7: "finished"},
        courses_done={(1, 100), (1, 200)},
        hours={1: (1, "course:100"), 2: (1, "course:200"), 3: (1, "course:200")},
        certificates={9: (1, 200, False)},
        earning={100, 200},
    )

    checks = {
        c.name: c for c in soak.reconcile(before, after, ledger, users=1, signed_in=1)
    }

    assert checks["quiz attempts submitted (finished in the run)"].ok
    hours = checks["hours credited once per course completed in the run"]
    assert (hours.expected, hours.found, hours.ok) == (2, 3, False)
    certificates = checks["certificates issued for courses completed in the run"]
    assert "e.g. [(1, 100)]" in certificates.detail
    assert not checks["certificate PDFs stored"].ok


def test_a_5xx_a_dropped_connection_or_a_stuck_queue_fails_the_soak():
    ledger = soak.Ledger({"w1": 1})
    ledger.submitted = {7}
    catalog = STEP[bench_load.step_catalog]
    ledger.acknowledge(catalog, _context(), _response(200))
    ledger.acknowledge(catalog, _context(), _response(502))
    ledger.raised["lesson page"] += 1

    checks = soak.reconcile(
        _snapshot(attempts={7: "open"}),
        _snapshot(attempts={7: "finished"}),
        ledger,
        users=3,
        signed_in=2,
        tasks_left=4,
    )
    text = soak.report("Soak, size tiny", [], checks)

    assert {c.name for c in checks if not c.ok} == {
        "5xx responses",
        "requests that raised (connection errors, timeouts)",
        "users signed in",
        "Celery tasks left after the drain (queue and outbox)",
    }
    assert "| 5xx responses | 0 | 1 | FAIL |" in text
    assert "5xx responses: catalog: 1" in text
    assert text.endswith("Soak: FAIL")
    assert [f.ok for f in soak.figures_from([], checks)].count(False) == 4


def test_the_step_table_counts_5xx_per_step():
    ledger = soak.Ledger({"w1": 1})
    catalog = STEP[bench_load.step_catalog]
    for ms, status in [(10.0, 200), (30.0, 500), (20.0, 200)]:
        ledger.add(catalog.name, ms, status == 200)
        ledger.acknowledge(catalog, _context(), _response(status))

    (stats,) = soak.step_stats(ledger, [catalog.name], seconds=2)
    text = soak.report("Soak", [stats], [])

    assert (stats.requests, stats.p50, stats.p99, stats.errors) == (3, 20, 30, 1)
    assert "| catalog | 3 | 20.0 | 30.0 | 30.0 | 1.50 | 1 | 1 |" in text


def test_users_and_minutes_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("SOAK_USERS", "20")
    monkeypatch.setenv("SOAK_MINUTES", "0.5")
    assert soak.settings_read() == (20, 0.5)

    monkeypatch.delenv("SOAK_USERS")
    monkeypatch.delenv("SOAK_MINUTES")
    assert soak.settings_read() == (100, 10.0)

    monkeypatch.setenv("SOAK_USERS", "1")
    with pytest.raises(ValueError, match="SOAK_USERS"):
        soak.settings_read()


def test_the_soak_runs_only_by_name_and_is_a_check():
    assert "soak" not in benchmarks()
    assert soak.CHECK is True


def test_errors_in_the_service_logs_fail_the_soak(tmp_path, monkeypatch):
    monkeypatch.setattr(soak, "RESULTS", tmp_path)
    (tmp_path / "load-tiny-celery.log").write_text(
        "[2026-01-05 09:00:00: WARNING/MainProcess] worker ready\n"
        "[2026-01-05 09:00:01: ERROR/ForkPoolWorker-1] Task x raised unexpected\n"
    )
    (tmp_path / "load-tiny-gunicorn.log").write_text(
        "[INFO] Booting worker\nInternal Server Error: /records/\n"
        "Traceback (most recent call last):\n"
    )
    ledger = soak.Ledger({})
    ledger.submitted = {7}

    errors = soak.log_errors("tiny")
    checks = soak.reconcile(
        _snapshot(attempts={7: "open"}),
        _snapshot(attempts={7: "finished"}),
        ledger,
        users=1,
        signed_in=1,
        log_errors=errors,
    )

    assert errors == Counter({"celery": 1, "gunicorn": 1})
    assert [(c.name, c.found) for c in checks if not c.ok] == [
        ("errors and tracebacks in the server and worker logs", 2)
    ]
