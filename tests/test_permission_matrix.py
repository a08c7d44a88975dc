"""The permission matrix: every URL pattern, every persona, what they get.

Walks the project's URLconf and fails if a pattern is missing from MATRIX (add
it, with what each persona should see) or if MATRIX lists a route that no
longer exists. Third-party includes are one entry each at their prefix,
written "prefix*": the Wagtail admin, the Django admin, Wagtail documents and
the Wagtail page tree (the final catch-all, "*").

Outcomes:
    200, 403, 404, 405   the status; 403 and 404 also show our error pages
    (200, "text")        the status, and the page shows this text (a msgid is
                         looked for in the site's language; a callable is
                         called when checked)
    LOGIN                302 to /accounts/login/?next=<the requested path>
    ("redirect", "/x")   302 to a URL starting with /x
"""

from types import ModuleType
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from tests.conftest import PERSONAS
from tests.matrix import LOGIN, Case, areas, everyone, redirect, row

OUR_PACKAGES = {
    "lms",
    "people",
    "courses",
    "assessments",
    "wellbeing",
    "records",
    "cms",
}


NO_PROFILE = (
    200,
    "Your account has no worker profile yet. "
    "Ask your HR office to add you to the roster.",
)
WAGTAIL_DASHBOARD = (200, "Wagtail")
TOTP_SETUP = (
    200,
    "Install an authenticator app (for example Microsoft Authenticator or "
    "FreeOTP) on your phone.",
)
ROSTER = (200, "Import a roster")

MATRIX: dict[str, Case] = {
    # --- lms -------------------------------------------------------------------
    "healthz/": Case("/healthz/", "get", everyone((200, '"status": "ok"'))),
    "i18n/setlang/": Case(
        "/i18n/setlang/",
        "post",
        everyone(redirect("/learning/")),
        data={"language": "en", "next": "/learning/"},
    ),
    # The admins' own login pages lead to ours.
    "django-admin/login/": Case(
        "/django-admin/login/?next=/django-admin/",
        "get",
        everyone(redirect("/accounts/login/?next=")),
    ),
    "admin/login/": Case(
        "/admin/login/?next=/admin/",
        "get",
        everyone(redirect("/accounts/login/?next=")),
    ),
    # --- third-party includes, one entry each -----------------------------------
    # Django admin: staff only. Everyone else goes to its login page, which
    # leads to ours (see tests/people/test_auth.py for what they see there).
    "django-admin/*": Case(
        "/django-admin/",
        "get",
        row(
            redirect("/django-admin/login/?next=/django-admin/"),
            redirect("/django-admin/login/?next=/django-admin/"),
            redirect("/django-admin/login/?next=/django-admin/"),
            redirect("/django-admin/login/?next=/django-admin/"),
            redirect("/django-admin/login/?next=/django-admin/"),
            redirect("/django-admin/login/?next=/django-admin/"),
            redirect("/django-admin/login/?next=/django-admin/"),
            # Read when checked: lms.urls sets it when the URLconf loads.
            (200, lambda: admin.site.site_header),
        ),
    ),
    # Wagtail 8 sends a signed-in user without access_admin to the login page
    # (with "You do not have permission to access the admin."), like anonymous.
    "admin/*": Case(
        "/admin/",
        "get",
        row(
            LOGIN,
            LOGIN,
            LOGIN,
            WAGTAIL_DASHBOARD,
            WAGTAIL_DASHBOARD,
            LOGIN,
            LOGIN,
            WAGTAIL_DASHBOARD,
        ),
    ),
    "documents/*": Case("/documents/1/x.pdf", "get", everyone(404)),
    # The Wagtail page tree: the home page is public.
    "*": Case("/", "get", everyone((200, "连心学堂"))),
    # --- people ------------------------------------------------------------------
    "accounts/login/": Case(
        "/accounts/login/",
        "get",
        row(
            (200, "Username, employee number or mobile"),
            *[redirect("/accounts/home/")] * 7,
        ),
    ),
    "accounts/logout/": Case(
        "/accounts/logout/", "post", everyone(redirect("/accounts/login/"))
    ),
    "accounts/2fa/": Case(
        "/accounts/2fa/",
        "get",
        row(LOGIN, 403, 403, 403, 403, TOTP_SETUP, TOTP_SETUP, TOTP_SETUP),
    ),
    # Without a pending password sign-in there is nothing to verify.
    "accounts/2fa/verify/": Case(
        "/accounts/2fa/verify/", "get", everyone(redirect("/accounts/login/"))
    ),
    "accounts/home/": Case(
        "/accounts/home/",
        "get",
        row(
            LOGIN,
            redirect("/learning/"),
            redirect("/learning/"),
            redirect("/admin/"),
            redirect("/admin/"),
            redirect("/records/"),
            redirect("/records/"),
            redirect("/admin/"),
        ),
    ),
    "people/roster/": Case(
        "/people/roster/", "get", row(LOGIN, 403, 403, 403, 403, 403, 403, ROSTER)
    ),
    "people/roster/template.xlsx": Case(
        "/people/roster/template.xlsx",
        "get",
        row(LOGIN, 403, 403, 403, 403, 403, 403, 200),
    ),
    "people/roster/<int:pk>/": Case(
        "/people/roster/999999/", "get", row(LOGIN, 403, 403, 403, 403, 403, 403, 404)
    ),
    # --- courses -----------------------------------------------------------------
    "learning/": Case(
        "/learning/",
        "get",
        row(
            LOGIN,
            (200, "W10001"),
            (200, "W20001"),
            NO_PROFILE,
            NO_PROFILE,
            NO_PROFILE,
            NO_PROFILE,
            NO_PROFILE,
        ),
    ),
    "learning/hours/": Case(
        "/learning/hours/", "get", row(LOGIN, *[(200, "My hours ledger")] * 7)
    ),
    # Corrections: admins and HR in scope; an id out of scope tells nothing.
    "hours/<int:pk>/correct/": Case(
        "/hours/999999/correct/",
        "get",
        row(LOGIN, 403, 403, 403, 403, 404, 404, 404),
    ),
    "sessions/": Case(
        "/sessions/", "get", row(LOGIN, *[(200, "Offline sessions")] * 7)
    ),
    "sessions/<int:pk>/": Case("/sessions/999999/", "get", row(LOGIN, *[404] * 7)),
    # Only workers register or check in; others are refused before the lookup.
    "sessions/<int:pk>/register/": Case(
        "/sessions/999999/register/",
        "post",
        row(LOGIN, 404, 404, 403, 403, 403, 403, 403),
    ),
    "sessions/<int:pk>/cancel/": Case(
        "/sessions/999999/cancel/",
        "get",
        row(LOGIN, 404, 404, 403, 403, 403, 403, 403),
    ),
    "sessions/<int:pk>/checkin/": Case(
        "/sessions/999999/checkin/",
        "get",
        row(LOGIN, 404, 404, 403, 403, 403, 403, 403),
    ),
    "sessions/<int:pk>/present/": Case(
        "/sessions/999999/present/", "get", row(LOGIN, *[404] * 7)
    ),
    "sessions/<int:pk>/present/code/": Case(
        "/sessions/999999/present/code/", "get", row(LOGIN, *[404] * 7)
    ),
    "sessions/<int:pk>/roster/": Case(
        "/sessions/999999/roster/", "post", row(LOGIN, *[404] * 7)
    ),
    "learn/courses/<int:course_id>/enrol/": Case(
        "/learn/courses/999999/enrol/", "post", row(LOGIN, *[404] * 7)
    ),
    "learn/lessons/<int:lesson_id>/complete/": Case(
        "/learn/lessons/999999/complete/", "post", row(LOGIN, *[404] * 7)
    ),
    "learn/lessons/<int:lesson_id>/video-progress/": Case(
        "/learn/lessons/999999/video-progress/", "post", row(LOGIN, *[404] * 7)
    ),
    "learn/lessons/<int:lesson_id>/reflections/<str:block_id>/": Case(
        "/learn/lessons/999999/reflections/x/", "post", row(LOGIN, *[404] * 7)
    ),
    "media/<int:document_id>/stream/": Case(
        "/media/999999/stream/", "get", row(LOGIN, *[404] * 7)
    ),
    # --- cms -----------------------------------------------------------------------
    # Everyone may search; what each finds is tested in tests/cms/test_search.py.
    "search/": Case("/search/", "get", everyone((200, "How to search"))),
}

# Each feature area's own rows (tests/matrix/<area>.py).
for _area_rows in areas():
    _clash = set(_area_rows) & set(MATRIX)
    assert not _clash, f"routes listed twice in the matrix: {_clash}"
    MATRIX.update(_area_rows)

# What our own error pages say, so a 403 or 404 is checked as the user sees it.
ERROR_TEXT = {403: "Not allowed", 404: "Page not found"}


def _origin(resolver: URLResolver) -> str:
    """The module an include comes from (for a list, its first view's)."""
    conf = resolver.urlconf_name
    if isinstance(conf, str):
        return conf
    if isinstance(conf, ModuleType):
        return conf.__name__
    first = next((p for p in resolver.url_patterns if isinstance(p, URLPattern)), None)
    return first.lookup_str if first else ""


def url_routes(resolver: URLResolver | None = None, prefix: str = "") -> dict:
    """Every route in the URLconf -> its name; a third-party include is "prefix*"."""
    resolver = resolver or get_resolver()
    routes = {}
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            origin = _origin(pattern)
            if origin.split(".")[0] in OUR_PACKAGES:
                routes.update(url_routes(pattern, route))
            else:
                routes[route + "*"] = origin
        else:
            routes[route] = pattern.name or pattern.lookup_str
    return routes


def shown(text) -> str:
    """The text as the page shows it, in the site's language."""
    if callable(text):
        text = text()
    with translation.override(settings.LANGUAGE_CODE):
        return gettext(str(text))


def test_every_url_pattern_is_in_the_matrix():
    missing = {
        route: name for route, name in url_routes().items() if route not in MATRIX
    }

    assert not missing, (
        "Add these URL patterns to MATRIX in tests/test_permission_matrix.py, "
        f"with what each persona should get: {missing}"
    )


def test_every_route_in_the_matrix_still_exists():
    gone = sorted(set(MATRIX) - set(url_routes()))

    assert not gone, f"MATRIX lists routes that are no longer in the URLconf: {gone}"


@pytest.mark.parametrize("route", MATRIX)
def test_each_matrix_url_exercises_its_own_route_for_every_persona(route):
    case = MATRIX[route]
    match = resolve(urlsplit(case.url).path)

    if route.endswith("*"):
        assert match.route.startswith(route[:-1])
        assert match.route not in MATRIX
    else:
        assert match.route == route
    assert list(case.outcomes) == PERSONAS


CASES = [(route, persona) for route in MATRIX for persona in PERSONAS]


@pytest.mark.parametrize(
    ("route", "persona"), CASES, ids=[f"{r} as {p}" for r, p in CASES]
)
def test_each_persona_gets_what_the_matrix_says(client_for, route, persona):
    case = MATRIX[route]
    expected = case.outcomes[persona]
    client = client_for(persona)

    response = getattr(client, case.method)(case.url, case.data or {})

    if expected == LOGIN:
        assert response.status_code == 302, response.status_code
        location = urlsplit(response["Location"])
        assert location.path == "/accounts/login/"
        assert parse_qs(location.query).get("next") == [urlsplit(case.url).path]
    elif isinstance(expected, tuple) and expected[0] == "redirect":
        assert response.status_code == 302, response.status_code
        assert response["Location"].startswith(expected[1]), response["Location"]
    else:
        status, text = expected if isinstance(expected, tuple) else (expected, None)
        assert response.status_code == status, response.status_code
        text = text or ERROR_TEXT.get(status)
        if text:
            body = response.content.decode()
            assert shown(text) in body or escape(shown(text)) in body, (
                f"{case.url} as {persona} does not show {shown(text)!r}"
            )
