"""Assignments, learning plans, external hours claims and the notifications bell.

Workers claim hours for themselves; HR in scope and admins assign and review
(an unknown id is 404 for them, 403 for everyone else); every signed-in user
has a bell.
"""

from tests.matrix import LOGIN, Case, redirect, row

NO_ASSIGNMENTS = (
    200,
    "No assignment here yet. Assign a course or a learning plan to an org unit: "
    "its workers are enrolled with the due date and reminded before it.",
)
NO_PLANS = (
    200,
    "No learning plan yet. Create one, e.g. 新任社区工作者岗前培训, then assign it.",
)
NO_CLAIMS = (
    200,
    "No claim to show. Workers of your area claim hours of training done "
    "elsewhere from their learning page.",
)
MY_CLAIMS = (
    200,
    "You have not claimed any external hours yet. Use the form above after a "
    "training elsewhere.",
)
ASSIGN = (200, "Assign a course or plan")
NEW_PLAN = (200, "New learning plan")
NO_NOTIFICATIONS = (
    200,
    "No notifications. Reminders of due courses and answers to your requests "
    "appear here.",
)
NOTHING_TO_CLEAR = (200, "You have no notifications to clear.")
HR_ONLY_404 = row(LOGIN, 403, 403, 403, 403, 404, 404, 404)

ROWS: dict[str, Case] = {
    # --- the bell (people) -------------------------------------------------------
    "notifications/": Case(
        "/notifications/", "get", row(LOGIN, *[NO_NOTIFICATIONS] * 7)
    ),
    "notifications/read/": Case(
        "/notifications/read/",
        "post",
        row(LOGIN, *[redirect("/notifications/")] * 7),
    ),
    "notifications/clear/": Case(
        "/notifications/clear/", "get", row(LOGIN, *[NOTHING_TO_CLEAR] * 7)
    ),
    "notifications/<int:pk>/": Case(
        "/notifications/999999/", "get", row(LOGIN, *[404] * 7)
    ),
    "notifications/<int:pk>/clear/": Case(
        "/notifications/999999/clear/", "post", row(LOGIN, *[404] * 7)
    ),
    # --- a worker's claims (courses) ----------------------------------------------
    "learning/claims/": Case(
        "/learning/claims/",
        "get",
        row(LOGIN, MY_CLAIMS, MY_CLAIMS, 403, 403, 403, 403, 403),
    ),
    "learning/claims/<int:pk>/proof/": Case(
        "/learning/claims/999999/proof/", "get", row(LOGIN, *[404] * 7)
    ),
    # --- HR: assignments and plans (records) --------------------------------------
    "records/assignments/": Case(
        "/records/assignments/",
        "get",
        row(LOGIN, 403, 403, 403, 403, *[NO_ASSIGNMENTS] * 3),
    ),
    "records/assignments/new/": Case(
        "/records/assignments/new/",
        "get",
        row(LOGIN, 403, 403, 403, 403, *[ASSIGN] * 3),
    ),
    "records/assignments/<int:pk>/": Case(
        "/records/assignments/999999/", "get", HR_ONLY_404
    ),
    "records/assignments/<int:pk>/cancel/": Case(
        "/records/assignments/999999/cancel/", "post", HR_ONLY_404
    ),
    "records/plans/": Case(
        "/records/plans/", "get", row(LOGIN, 403, 403, 403, 403, *[NO_PLANS] * 3)
    ),
    "records/plans/new/": Case(
        "/records/plans/new/", "get", row(LOGIN, 403, 403, 403, 403, *[NEW_PLAN] * 3)
    ),
    "records/plans/<int:pk>/edit/": Case(
        "/records/plans/999999/edit/", "get", HR_ONLY_404
    ),
    # --- HR: external hours claims (records) --------------------------------------
    "records/claims/": Case(
        "/records/claims/", "get", row(LOGIN, 403, 403, 403, 403, *[NO_CLAIMS] * 3)
    ),
    "records/claims/<int:pk>/": Case("/records/claims/999999/", "get", HR_ONLY_404),
    "records/claims/<int:pk>/approve/": Case(
        "/records/claims/999999/approve/", "post", HR_ONLY_404
    ),
}
