"""Competency profiles: a worker's own page, and trainers', HR's and admins' view
of a worker with the rating form (HR only in scope; an unknown id is 404)."""

from tests.matrix import LOGIN, Case, row

MINE = (200, "My competencies")

ROWS: dict[str, Case] = {
    "assessments/competencies/": Case(
        "/assessments/competencies/", "get", row(LOGIN, *[MINE] * 7)
    ),
    "assessments/competencies/workers/<int:user_id>/": Case(
        "/assessments/competencies/workers/999999/",
        "get",
        row(LOGIN, 403, 403, 404, 403, 404, 404, 404),
    ),
    "assessments/competencies/workers/<int:user_id>/rate/": Case(
        "/assessments/competencies/workers/999999/rate/",
        "get",
        row(LOGIN, 403, 403, 404, 403, 404, 404, 404),
    ),
}
