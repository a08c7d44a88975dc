"""Question bank pages (A1): trainers and admins edit, reviewers read."""

from tests.matrix import LOGIN, Case, row

BANKS = (200, "Question banks")
IMPORT = (200, "Import questions")

ROWS: dict[str, Case] = {
    "assessments/banks/": Case(
        "/assessments/banks/",
        "get",
        row(LOGIN, 403, 403, BANKS, BANKS, 403, 403, BANKS),
    ),
    "assessments/banks/template.xlsx": Case(
        "/assessments/banks/template.xlsx",
        "get",
        row(LOGIN, 403, 403, 200, 200, 403, 403, 200),
    ),
    "assessments/banks/import/": Case(
        "/assessments/banks/import/",
        "get",
        row(LOGIN, 403, 403, IMPORT, 403, 403, 403, IMPORT),
    ),
    "assessments/banks/<int:pk>/": Case(
        "/assessments/banks/999999/",
        "get",
        row(LOGIN, 403, 403, 404, 404, 403, 403, 404),
    ),
    "assessments/banks/<int:pk>/questions/new/": Case(
        "/assessments/banks/999999/questions/new/",
        "get",
        row(LOGIN, 403, 403, 404, 403, 403, 403, 404),
    ),
    "assessments/banks/<int:pk>/export/<str:format>/": Case(
        "/assessments/banks/999999/export/gift/",
        "get",
        row(LOGIN, 403, 403, 404, 404, 403, 403, 404),
    ),
    "assessments/questions/<int:pk>/edit/": Case(
        "/assessments/questions/999999/edit/",
        "get",
        row(LOGIN, 403, 403, 404, 403, 403, 403, 404),
    ),
}
