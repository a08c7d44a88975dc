"""Certificates (assessments/urls_certificates.py): who gets what.

Ids that do not exist (999999) and an unknown code show each persona's gate:
the login for anonymous, 403 for a role that may never use the page, 404 for
one that may but finds nothing (which also says nothing about other people's
certificates). What each persona sees with real certificates is tested in
tests/certificates/.
"""

from tests.matrix import LOGIN, Case, everyone, row

NO_CERTIFICATE = (
    200,
    "You have no certificate yet. Courses that give a certificate issue it here "
    "when you complete them.",
)
HR_EMPTY = (200, "No worker in your area holds a certificate yet.")

ROWS: dict[str, Case] = {
    "certificates/": Case(
        "/certificates/",
        "get",
        row(LOGIN, NO_CERTIFICATE, NO_CERTIFICATE, 403, 403, 403, 403, 403),
    ),
    "certificates/<int:pk>/download/": Case(
        "/certificates/999999/download/", "get", row(LOGIN, *[404] * 7)
    ),
    "certificates/<int:pk>/renew/": Case(
        "/certificates/999999/renew/",
        "post",
        row(LOGIN, 404, 404, 403, 403, 403, 403, 403),
    ),
    "certificates/<int:pk>/revoke/": Case(
        "/certificates/999999/revoke/",
        "get",
        row(LOGIN, 403, 403, 403, 403, 404, 404, 404),
    ),
    "certificates/hr/": Case(
        "/certificates/hr/",
        "get",
        row(LOGIN, 403, 403, 403, 403, HR_EMPTY, HR_EMPTY, HR_EMPTY),
    ),
    "certificates/hr/zip/": Case(
        "/certificates/hr/zip/",
        "post",
        row(LOGIN, 403, 403, 403, 403, 404, 404, 404),
        data={"course": "999999"},
    ),
    "certificates/hr/zip/<int:pk>/": Case(
        "/certificates/hr/zip/999999/",
        "get",
        row(LOGIN, 403, 403, 403, 403, 404, 404, 404),
    ),
    "certificates/hr/zip/<int:pk>/download/": Case(
        "/certificates/hr/zip/999999/download/",
        "get",
        row(LOGIN, 403, 403, 403, 403, 404, 404, 404),
    ),
    # Public: an unknown code is a plain not-found page for everyone.
    "certificates/verify/<str:code>/": Case(
        "/certificates/verify/unknown-code/", "get", everyone(404)
    ),
    "certificates/badges/issuer.json": Case(
        "/certificates/badges/issuer.json", "get", everyone((200, '"Issuer"'))
    ),
    "certificates/badges/class/<int:course_id>.json": Case(
        "/certificates/badges/class/999999.json", "get", everyone(404)
    ),
    "certificates/badges/<str:code>/assertion.json": Case(
        "/certificates/badges/unknown-code/assertion.json",
        "get",
        everyone((404, '"detail"')),
    ),
    "certificates/preview/<int:course_id>/<str:design>/": Case(
        "/certificates/preview/999999/classic/",
        "get",
        row(LOGIN, 403, 403, 404, 403, 403, 403, 404),
    ),
}
