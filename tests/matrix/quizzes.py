"""Permission-matrix rows of the quiz pages (/quiz/...): workers only.

Other roles are refused before any lookup (403); a worker asking for a quiz or
an attempt that is not theirs, or does not exist, learns nothing (404). What a
worker sees of their own attempts is tested in tests/assessments/.
"""

from tests.matrix import LOGIN, Case, row

WORKERS_ONLY_MISSING = row(LOGIN, 404, 404, 403, 403, 403, 403, 403)

ROWS: dict[str, Case] = {
    "quiz/<int:quiz_id>/": Case("/quiz/999999/", "get", WORKERS_ONLY_MISSING),
    "quiz/<int:quiz_id>/start/": Case(
        "/quiz/999999/start/", "post", WORKERS_ONLY_MISSING
    ),
    "quiz/attempt/<int:attempt_id>/": Case(
        "/quiz/attempt/999999/", "get", WORKERS_ONLY_MISSING
    ),
    "quiz/attempt/<int:attempt_id>/answer/": Case(
        "/quiz/attempt/999999/answer/", "post", WORKERS_ONLY_MISSING
    ),
    "quiz/attempt/<int:attempt_id>/submit/": Case(
        "/quiz/attempt/999999/submit/", "post", WORKERS_ONLY_MISSING
    ),
    "quiz/attempt/<int:attempt_id>/review/": Case(
        "/quiz/attempt/999999/review/", "get", WORKERS_ONLY_MISSING
    ),
}
