"""CSRF: no state-changing request gets through without the token.

CsrfViewMiddleware checks every POST before the view runs, so the tests walk
every route: the matrix's (ours, the admins', the page tree) posted by a
persona allowed to use it, and the owners' real POSTs of
tests/security/access_registry.py, where nothing may change without the
token and the work is done with it. No view may be csrf_exempt except the
read-only records API, which authenticates by token and refuses every
unsafe method (405).
"""

import json

import pytest
from django.conf import settings
from django.middleware.csrf import CSRF_ALLOWED_CHARS
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import translation
from django.utils.crypto import get_random_string
from rest_framework.exceptions import MethodNotAllowed
from wagtail.models import Page

from assessments.models import Certificate
from courses.models import Enrolment, TrainingRecord
from people.models import OrgUnit, User
from tests.matrix import LOGIN
from tests.security.access_registry import REGISTRY, World
from tests.test_permission_matrix import MATRIX, shown

# Our failure page (templates/403_csrf.html, through Django's CSRF_FAILURE_VIEW),
# in the site's language.
CSRF_FAILED = "The form has expired"
API_PREFIX = "api/"


def csrf_refused(response) -> bool:
    return (
        response.status_code == 403 and shown(CSRF_FAILED) in response.content.decode()
    )


def post(client: Client, url: str, data=None, *, token=None, content_type=None):
    """A POST as a browser sends it: with the cookie's token, or with none."""
    data = dict(data or {})
    extra = {}
    if token:
        client.cookies[settings.CSRF_COOKIE_NAME] = token
        extra["HTTP_X_CSRFTOKEN"] = token
        if content_type is None:
            data["csrfmiddlewaretoken"] = token
    if content_type:
        return client.post(url, json.dumps(data), content_type=content_type, **extra)
    return client.post(url, data, **extra)


def new_token() -> str:
    return get_random_string(32, CSRF_ALLOWED_CHARS)


def allowed_persona(outcomes: dict) -> str:
    """The first signed-in persona the route lets in (admin when none does)."""
    for persona, outcome in outcomes.items():
        status = outcome[0] if isinstance(outcome, tuple) else outcome
        if persona != "anonymous" and outcome != LOGIN and status not in (403, 401):
            return persona
    return "admin"


def csrf_exempt_views(resolver: URLResolver | None = None, prefix: str = "") -> dict:
    """Every routed view marked csrf_exempt, the included apps' too."""
    resolver = resolver or get_resolver()
    found = {}
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            found.update(csrf_exempt_views(pattern, route))
        elif isinstance(pattern, URLPattern) and getattr(
            pattern.callback, "csrf_exempt", False
        ):
            found[route] = pattern.lookup_str
    return found


@pytest.fixture
def world(request, db):
    return World(request)


# DRF views are csrf_exempt for Django; DRF's SessionAuthentication checks the
# token itself (the admin API below, and the records API's session use).
DRF_VIEWS = (
    "records.api.views.",
    "wagtail.admin.api.views.",
    "wagtail.documents.api.admin.views.",
    "wagtail.images.api.admin.views.",
)


def test_no_view_is_csrf_exempt_but_the_drf_apis_that_check_it_themselves():
    exempt = csrf_exempt_views()

    others = {
        route: view for route, view in exempt.items() if not view.startswith(DRF_VIEWS)
    }
    assert not others, f"csrf_exempt views: {others}"
    assert any(route.startswith("api/v1/") for route in exempt)


def test_the_wagtail_admin_api_page_actions_need_the_token(world):
    home = Page.objects.filter(depth=2).first()
    client = world.client("admin", csrf=True)
    url = f"/admin/api/main/pages/{home.pk}/action/copy/"
    pages_before = Page.objects.count()

    refused = client.post(url, "{}", content_type="application/json")

    assert refused.status_code == 403
    assert "CSRF Failed" in refused.json()["detail"]
    assert Page.objects.count() == pages_before


NON_API = sorted(route for route in MATRIX if not route.startswith(API_PREFIX))


@pytest.mark.parametrize("route", NON_API)
def test_a_post_without_the_token_is_refused_on_every_route(world, route):
    case = MATRIX[route]
    persona = allowed_persona(case.outcomes)
    client = world.client(persona, csrf=True)

    refused = post(client, case.url, case.data)
    passed = post(client, case.url, case.data, token=new_token())

    assert csrf_refused(refused), (persona, refused.status_code)
    assert not csrf_refused(passed), (persona, passed.status_code)


def test_signing_in_without_the_token_is_refused(db, worker, password):
    client = Client(enforce_csrf_checks=True)

    refused = post(
        client, "/accounts/login/", {"username": "worker", "password": password}
    )
    passed = post(
        client,
        "/accounts/login/",
        {"username": "worker", "password": password},
        token=new_token(),
    )

    assert csrf_refused(refused)
    assert passed.status_code == 302
    assert passed["Location"] == "/accounts/home/"
    assert client.session["_auth_user_id"] == str(worker.pk)


def test_signing_out_without_the_token_leaves_the_user_signed_in(world):
    client = world.client("worker", csrf=True)

    refused = post(client, "/accounts/logout/")
    assert csrf_refused(refused)
    assert client.session.get("_auth_user_id") == str(world.user("worker").pk)

    post(client, "/accounts/logout/", token=new_token())
    assert client.session.get("_auth_user_id") is None


POSTS = sorted(
    route
    for route, probe in REGISTRY.items()
    if (probe.method == "post" or probe.form) and not probe.api
)


@pytest.mark.parametrize("route", POSTS)
def test_the_owners_post_changes_nothing_without_the_token(world, route):
    probe = REGISTRY[route]
    target = probe.build(world)
    state = target.state or (lambda: None)
    before = state()
    client = world.client(probe.owner, csrf=True)

    refused = post(client, target.url, target.data, content_type=target.content_type)

    assert csrf_refused(refused)
    assert state() == before

    passed = post(
        client,
        target.url,
        target.data,
        token=new_token(),
        content_type=target.content_type,
    )

    assert not csrf_refused(passed)
    if probe.method == "post" and probe.owner_changes:
        assert state() != before, "with the token the POST should have done its work"


API_ROUTES = sorted(route for route in MATRIX if route.startswith("api/v1/"))
UNSAFE = ["post", "put", "patch", "delete"]


def api_rows() -> tuple:
    return tuple(
        model.objects.count()
        for model in (OrgUnit, User, Enrolment, TrainingRecord, Certificate)
    )


@pytest.mark.parametrize("route", API_ROUTES)
def test_the_records_api_refuses_every_unsafe_method(world, route):
    url = MATRIX[route].url.replace("999999", str(world.user("worker").pk))
    by_token = world.client("hr_district", api=True)
    by_session = world.client("hr_district", csrf=True)
    before = api_rows()

    for method in UNSAFE:
        response = getattr(by_token, method)(url, {"name": "x"}, format="json")
        session_response = getattr(by_session, method)(
            url, json.dumps({"name": "x"}), content_type="application/json"
        )

        with translation.override(settings.LANGUAGE_CODE):
            not_allowed = str(MethodNotAllowed(method.upper()).detail)
        assert response.status_code == 405, (method, response.status_code)
        assert response.json()["detail"] == not_allowed
        # A browser session gets DRF's CSRF refusal before the method is looked at.
        assert session_response.status_code == 403, method
        assert "CSRF Failed" in session_response.json()["detail"]
    assert api_rows() == before
