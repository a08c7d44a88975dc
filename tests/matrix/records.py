"""HR review: the dashboard, a worker's record, exports, transcripts, the API.

Ids are 999999 (nothing): HR and admins get 404 where they may look, everyone
else is refused before the lookup. The API answers 401 without credentials
and 403 to signed-in users who are not reviewers.
"""

from tests.matrix import LOGIN, Case, row

API_401 = 401
API_403 = (403, "You do not have permission to perform this action.")
API_404 = (404, "Not found.")
API_LIST = (200, '"count"')
REFUSED = [403, 403, 403, 403]


def _api_list(url: str) -> Case:
    return Case(url, "get", row(API_401, *[API_403] * 4, API_LIST, API_LIST, API_LIST))


def _api_detail(url: str) -> Case:
    return Case(url, "get", row(API_401, *[API_403] * 4, API_404, API_404, API_404))


ROWS: dict[str, Case] = {
    "records/": Case(
        "/records/",
        "get",
        row(
            LOGIN,
            *REFUSED,
            (200, "东湖街道"),
            (200, "连心区"),
            (200, "As an administrator you see every org unit."),
        ),
    ),
    "records/workers/<int:user_id>/": Case(
        "/records/workers/999999/", "get", row(LOGIN, *REFUSED, 404, 404, 404)
    ),
    "records/workers/<int:user_id>/transcript.pdf": Case(
        "/records/workers/999999/transcript.pdf",
        "get",
        row(LOGIN, *REFUSED, 404, 404, 404),
    ),
    # A worker's own statement; the others have no worker profile.
    "records/me/transcript.pdf": Case(
        "/records/me/transcript.pdf",
        "get",
        row(LOGIN, 200, 200, 404, 404, 404, 404, 404),
    ),
    "records/export.<str:fmt>": Case(
        "/records/export.csv", "get", row(LOGIN, *REFUSED, 200, 200, 200)
    ),
    # An export job is its requester's alone.
    "records/exports/<int:pk>/": Case(
        "/records/exports/999999/", "get", row(LOGIN, *REFUSED, 404, 404, 404)
    ),
    "records/exports/<int:pk>/status/": Case(
        "/records/exports/999999/status/", "get", row(LOGIN, *REFUSED, 404, 404, 404)
    ),
    "records/exports/<int:pk>/download/": Case(
        "/records/exports/999999/download/",
        "get",
        row(LOGIN, *REFUSED, 404, 404, 404),
    ),
    # --- the records API --------------------------------------------------------
    "api/v1/org-units/": _api_list("/api/v1/org-units/"),
    "api/v1/org-units/<int:pk>/": _api_detail("/api/v1/org-units/999999/"),
    "api/v1/workers/": _api_list("/api/v1/workers/"),
    "api/v1/workers/<int:pk>/": _api_detail("/api/v1/workers/999999/"),
    "api/v1/enrolments/": _api_list("/api/v1/enrolments/"),
    "api/v1/enrolments/<int:pk>/": _api_detail("/api/v1/enrolments/999999/"),
    "api/v1/completions/": _api_list("/api/v1/completions/"),
    "api/v1/completions/<int:pk>/": _api_detail("/api/v1/completions/999999/"),
    "api/v1/hours/": _api_list("/api/v1/hours/"),
    "api/v1/hours/<int:pk>/": _api_detail("/api/v1/hours/999999/"),
    "api/v1/certificates/": _api_list("/api/v1/certificates/"),
    "api/v1/certificates/<int:pk>/": _api_detail("/api/v1/certificates/999999/"),
    "api/schema/": Case(
        "/api/schema/?format=json",
        "get",
        row(API_401, *[API_403] * 4, *[(200, '"openapi"')] * 3),
    ),
    "api/docs/": Case(
        "/api/docs/", "get", row(LOGIN, *REFUSED, *[(200, "Records API")] * 3)
    ),
}
