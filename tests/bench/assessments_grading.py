"""Grading and attempt pages: ``make bench BENCH=assessments_grading``.

Figures: grading a 100-question attempt of mixed types (the pure function and
the whole submit on PostgreSQL), and the queries of the attempt page, an
autosave and a submit for 10 and 100 questions (they must not grow). All rows
are made inside one transaction that is rolled back at the end.
"""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

from tests.bench import Figure, median, stopwatch

KINDS = ["single", "multiple", "truefalse", "fill", "short", "essay"]


def _version(kind: str):
    choices = [
        {"key": k, "text": k, "fraction": f, "feedback": ""}
        for k, f in zip("ABCD", [0.5, -0.5, 0.5, -0.5], strict=True)
    ]
    answers = {
        "single": ["A"],
        "multiple": ["A", "C"],
        "truefalse": ["T"],
        "fill": [["人民调解委员会", "调委会"], ["民法典"], ["三十日", "30日"]],
        "short": ["自愿原则", "自愿"],
        "essay": [],
    }
    return SimpleNamespace(
        question=SimpleNamespace(type=kind), answer=answers[kind], choices=choices
    )


def _given(kind: str):
    return {
        "single": ["A"],
        "multiple": ["A", "B", "C"],
        "truefalse": ["F"],
        "fill": ["（人民调解委员会）", "民 法 典", "３０日"],
        "short": ["自愿。"],
        "essay": {"text": "应当依法调解。"},
    }[kind]


def _grade_pure(repeats: int) -> float:
    from assessments.grading import item_score

    items = [(_version(KINDS[i % 6]), _given(KINDS[i % 6])) for i in range(100)]
    timings = []
    for _ in range(repeats):
        with stopwatch() as elapsed:
            for version, answer in items:
                item_score(
                    version=version,
                    answer=answer,
                    points=Decimal("2"),
                    multiple_scoring="partial",
                    qtype=version.question.type,
                )
        timings.append(elapsed())
    return median(timings)


def _quiz(count: int):
    from tests.factories.assessments import QuestionFactory, QuizFactory

    kinds = ["single", "multiple", "truefalse", "fill", "short"]
    questions = [QuestionFactory(type=kinds[i % len(kinds)]) for i in range(count)]
    return QuizFactory(questions=questions, time_limit_minutes=60, attempts_allowed=50)


def _submit_timing(user, repeats: int) -> float:
    from assessments.services.attempts import attempt_start, attempt_submit

    quiz = _quiz(100)
    timings = []
    for _ in range(repeats):
        attempt = attempt_start(quiz=quiz, user=user)
        answers = {n: ["A"] for n in range(1, 101, 5)}
        with stopwatch() as elapsed:
            attempt_submit(attempt=attempt, seq=attempt.seq, answers=answers)
        timings.append(elapsed())
    return median(timings)


def _page_queries(client, user, count: int) -> tuple[int, int, int]:
    import json

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from assessments.services.attempts import attempt_start

    quiz = _quiz(count)
    attempt = attempt_start(quiz=quiz, user=user)
    with CaptureQueriesContext(connection) as page:
        client.get(f"/quiz/attempt/{attempt.pk}/")
    with CaptureQueriesContext(connection) as save:
        client.post(
            f"/quiz/attempt/{attempt.pk}/answer/",
            json.dumps({"position": 1, "answer": ["A"], "seq": 0}),
            content_type="application/json",
        )
    data = {"seq": "1", "answers_included": "1"}
    with CaptureQueriesContext(connection) as submit:
        client.post(f"/quiz/attempt/{attempt.pk}/submit/", data)
    return len(page), len(save), len(submit)


def run(size: str) -> list[Figure]:
    from django.db import transaction
    from django.test import Client

    from people import roles
    from tests.factories.people import UserFactory

    repeats = {"smoke": 5, "S": 50, "M": 200}[size]
    figures: list[Figure] = []
    pure = _grade_pure(repeats)
    figures.append(
        Figure("grade 100 mixed answers (pure)", pure, "ms", "< 50 ms", pure < 50)
    )
    with transaction.atomic():
        user = UserFactory(username="bench_quiz_worker", roles=[roles.WORKER])
        submit = _submit_timing(user, max(3, repeats // 10))
        figures.append(
            Figure(
                "submit + grade a 100-question attempt (PostgreSQL)",
                submit,
                "ms",
                "< 50 ms",
                submit < 50,
            )
        )
        client = Client()
        client.force_login(user)
        small = _page_queries(client, user, 10)
        large = _page_queries(client, user, 100)
        for label, a, b in zip(
            ("attempt page", "autosave", "submit"), small, large, strict=True
        ):
            figures.append(Figure(f"{label} queries, 10 questions", a, "queries"))
            figures.append(
                Figure(
                    f"{label} queries, 100 questions",
                    b,
                    "queries",
                    "same as 10",
                    a == b,
                )
            )
        transaction.set_rollback(True)
    return figures
