"""Every URL with an id, tried with somebody else's real object.

The permission matrix uses ids that do not exist; here each parameterised
route gets a real object of another person (other_worker, of 西山街道) or of
another HR scope, from tests/security/access_registry.py. Everyone outside
gets the area's refusal (404, or 403 where the role is refused before the
lookup) and changes nothing in the database; the owner or the HR in scope
gets the real page, which proves that the id was valid.
"""

import json

import pytest
from django.utils.html import escape

from tests.security.access_registry import EXEMPT, REGISTRY, World
from tests.test_permission_matrix import ERROR_TEXT, MATRIX, shown, url_routes


def body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def send(client, method: str, target, data=None):
    data = target.data if data is None else data
    if target.content_type == "application/json":
        return getattr(client, method)(
            target.url, json.dumps(data or {}), content_type=target.content_type
        )
    return getattr(client, method)(target.url, data or {})


def assert_refused(response, status: int, *, api: bool, who: str, url: str):
    assert response.status_code == status, (who, url, response.status_code)
    if api:
        return
    page = body(response).decode()
    text = shown(ERROR_TEXT[status])
    assert text in page or escape(text) in page, (who, url)


@pytest.fixture
def world(request, db):
    return World(request)


def test_every_route_with_a_parameter_is_probed_or_exempt_with_a_reason():
    parameterised = {route for route in url_routes() if "<" in route}

    missing = parameterised - set(REGISTRY) - set(EXEMPT)

    assert not missing, (
        "Add these routes to REGISTRY in tests/security/access_registry.py "
        f"(or to EXEMPT with the reason): {sorted(missing)}"
    )
    assert not (set(REGISTRY) | set(EXEMPT)) - parameterised, "routes gone"
    assert not set(REGISTRY) & set(EXEMPT)


def test_each_probe_uses_the_method_of_its_matrix_row():
    wrong = {
        route: probe.method
        for route, probe in REGISTRY.items()
        if probe.method != MATRIX[route].method
    }

    assert not wrong


@pytest.mark.parametrize("route", sorted(REGISTRY))
def test_another_persons_id_gives_others_nothing_and_its_owner_the_page(world, route):
    probe = REGISTRY[route]
    target = probe.build(world)
    state = target.state or (lambda: None)
    before = state()

    for who, status in probe.intruders.items():
        client = world.client(who, api=probe.api)
        response = send(client, probe.method, target)
        assert_refused(response, status, api=probe.api, who=who, url=target.url)
        if probe.form:
            response = send(client, "post", target)
            assert_refused(response, status, api=probe.api, who=who, url=target.url)
        assert state() == before, f"{who} changed something at {target.url}"

    response = send(world.client(probe.owner, api=probe.api), probe.method, target)

    assert response.status_code == probe.owner_status, (
        target.url,
        response.status_code,
    )
    shows = target.shows
    if shows:
        content = body(response)
        wanted = shows if isinstance(shows, bytes) else shows.encode()
        assert wanted in content, f"{probe.owner} does not see {shows!r}"
    if probe.owner_changes:
        assert state() != before, f"{probe.owner}'s request did nothing"
