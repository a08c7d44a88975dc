"""Permission rows of the marking area (essay queue, key correction, statistics).

Trainers and admins mark and correct keys; reviewers may also read statistics.
Ids that do not exist answer 404 to those allowed, 403 to everyone else (the
role is checked before the lookup, so an id tells nothing).
"""

from tests.matrix import LOGIN, Case, row

QUEUE = (200, "Marking queue")

ROWS: dict[str, Case] = {
    "assessments/marking/": Case(
        "/assessments/marking/",
        "get",
        row(LOGIN, 403, 403, QUEUE, 403, 403, 403, QUEUE),
    ),
    "assessments/marking/items/<int:item_id>/": Case(
        "/assessments/marking/items/999999/",
        "get",
        row(LOGIN, 403, 403, 404, 403, 403, 403, 404),
    ),
    "assessments/questions/<int:question_id>/correct-key/": Case(
        "/assessments/questions/999999/correct-key/",
        "get",
        row(LOGIN, 403, 403, 404, 403, 403, 403, 404),
    ),
    "assessments/quizzes/<int:quiz_id>/statistics/": Case(
        "/assessments/quizzes/999999/statistics/",
        "get",
        row(LOGIN, 403, 403, 404, 404, 403, 403, 404),
    ),
}
