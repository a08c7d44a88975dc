"""seed_demo: the demo district and sign-ins that `make run` loads on every start."""

from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import Client

from people.models import HRScope, OrgUnit, Position, User, WorkerProfile
from people.selectors import workers_in_scope

DEMO_PASSWORD = "lianxin-demo"

# username -> where people.views.home sends them
LANDING = {
    "demo_worker": "/learning/",
    "demo_worker2": "/learning/",
    "demo_trainer": "/admin/",
    "demo_reviewer": "/admin/",
    "demo_hr_street": "/records/",
    "demo_hr_district": "/records/",
    "demo_admin": "/admin/",
}


def seed() -> str:
    out = StringIO()
    # --force: the test settings run with DEBUG off, like production.
    call_command("seed_demo", "--force", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (OrgUnit, Position, User, WorkerProfile, HRScope, Group)
    }


@pytest.fixture(scope="module")
def seeded_once(django_db_setup, django_db_blocker):
    """The demo data, seeded once for this module (a run takes about a second).

    Like TestCase.setUpTestData: the seed runs in an outer transaction that is
    rolled back after the module; each test runs in a savepoint inside it, so
    what a test changes (sign-ins, audit rows, a second seed) does not leak.
    """
    outer = transaction.atomic()
    with django_db_blocker.unblock():
        outer.__enter__()
    try:
        with django_db_blocker.unblock():
            output = seed()
        yield output
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def seeded(seeded_once, db):
    return seeded_once


def district() -> OrgUnit:
    return OrgUnit.get_root_nodes().get(name="连心区")


def test_running_it_twice_changes_nothing(seeded):
    before = counts()
    rows_before = {
        p.employee_no: (p.updated_at, p.user.password, p.user.username)
        for p in WorkerProfile.objects.select_related("user")
    }

    seed()

    assert counts() == before
    rows_after = {
        p.employee_no: (p.updated_at, p.user.password, p.user.username)
        for p in WorkerProfile.objects.select_related("user")
    }
    assert rows_after == rows_before


def test_it_refuses_to_run_with_debug_off_unless_forced(db):
    assert not settings.DEBUG
    before = counts()

    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo", stdout=StringIO())

    assert counts() == before


def test_it_ends_with_a_table_of_every_sign_in_its_role_scope_and_password(seeded):
    lines = seeded.splitlines()
    rows = {line.split()[0]: line for line in lines if line.startswith(" demo_")}

    assert set(rows) == set(LANDING)
    assert all(DEMO_PASSWORD in line for line in rows.values())
    assert "组织人事" in rows["demo_hr_street"]
    assert "连心区/东湖街道 " in rows["demo_hr_street"]
    assert "连心区/东湖街道/朝阳社区" in rows["demo_worker"]
    assert "系统管理员" in rows["demo_admin"]
    assert lines[-1].startswith("---")


@pytest.mark.parametrize("username", LANDING)
def test_every_demo_account_signs_in_and_lands_on_its_home(seeded, username):
    client = Client()

    response = client.post(
        "/accounts/login/",
        {"username": username, "password": DEMO_PASSWORD},
        follow=True,
    )

    assert response.status_code == 200
    assert response.redirect_chain[0][0] == "/accounts/home/"
    assert response.redirect_chain[-1][0] == LANDING[username]
    assert response.wsgi_request.user.username == username
    assert response.wsgi_request.user.name  # a Chinese name, not the username
    assert not response.wsgi_request.user.name.isascii()


def test_it_puts_back_a_demo_account_that_someone_changed(seeded):
    user = User.objects.get(username="demo_hr_street")
    user.set_password("something-else-entirely")
    user.is_active = False
    user.save()

    seed()

    response = Client().post(
        "/accounts/login/", {"username": "demo_hr_street", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/home/"


def test_the_demo_workers_can_also_sign_in_by_employee_number_and_phone(seeded):
    profile = WorkerProfile.objects.select_related("user").get(
        user__username="demo_worker"
    )
    for identifier in (profile.employee_no, profile.user.mobile):
        client = Client()
        client.post(
            "/accounts/login/", {"username": identifier, "password": DEMO_PASSWORD}
        )
        assert client.session["_auth_user_id"] == str(profile.user.pk)


def test_demo_worker_lives_in_chaoyang_and_demo_worker2_on_another_street(seeded):
    first = WorkerProfile.objects.get(user__username="demo_worker").org_unit
    second = WorkerProfile.objects.get(user__username="demo_worker2").org_unit

    assert first.name == "朝阳社区"
    assert first.get_parent().name == "东湖街道"
    street = second.get_ancestors().get(level=OrgUnit.Level.STREET)
    assert street.name == "西山街道"


def test_the_street_hr_sees_only_donghu_and_the_district_hr_sees_everyone(seeded):
    donghu = district().get_children().get(name="东湖街道")
    everyone = WorkerProfile.objects.filter(org_unit__path__startswith=district().path)
    in_donghu = everyone.filter(org_unit__path__startswith=donghu.path)

    street_view = workers_in_scope(user=User.objects.get(username="demo_hr_street"))
    district_view = workers_in_scope(user=User.objects.get(username="demo_hr_district"))

    assert 0 < street_view.count() < everyone.count()
    assert set(street_view) == set(in_donghu)
    assert all(p.org_unit.path.startswith(donghu.path) for p in street_view)
    assert set(district_view) == set(everyone)
    assert HRScope.objects.get(user__username="demo_hr_street").org_unit == donghu


def test_the_district_has_three_streets_and_eight_communities_with_grids(seeded):
    root = district()
    streets = root.get_children()
    communities = OrgUnit.objects.filter(
        path__startswith=root.path, level=OrgUnit.Level.COMMUNITY
    )

    assert sorted(s.name for s in streets) == sorted(
        ["东湖街道", "西山街道", "南河街道"]
    )
    assert all(s.level == OrgUnit.Level.STREET for s in streets)
    assert communities.count() == 8
    assert {s.get_children().count() > 0 for s in streets} == {True}
    for community in communities:
        grids = community.get_children()
        assert 2 <= grids.count() <= 3
        assert all(g.level == OrgUnit.Level.GRID for g in grids)
        assert "第一网格" in {g.name for g in grids}


def test_the_positions_are_an_ordered_list_with_post_types(seeded):
    positions = [(p.name, p.post_type) for p in Position.objects.all()]

    assert positions == [
        ("书记", "principal"),
        ("主任", "principal"),
        ("副书记", "deputy"),
        ("副主任", "deputy"),
        ("委员", "other"),
        ("专职社区工作者", "other"),
        ("网格员", "other"),
        ("人民调解员", "other"),
    ]


def test_it_creates_at_least_55_workers_with_unique_numbers_and_valid_mobiles(
    seeded,
):
    workers = list(
        WorkerProfile.objects.filter(
            org_unit__path__startswith=district().path
        ).select_related("user", "position")
    )

    assert len(workers) >= 55
    assert len({w.employee_no for w in workers}) == len(workers)
    assert len({w.user.mobile for w in workers}) == len(workers)
    for worker in workers:
        worker.user.full_clean(exclude=["password"])
        assert worker.hire_date is not None
        assert worker.position is not None
        assert not worker.user.name.isascii()
    assert len({w.position.name for w in workers}) == 8
    assert len({w.org_unit.get_ancestors().get(level=2).name for w in workers}) == 3
    assert any(w.qualification != "none" for w in workers)
    assert all(w.user.groups.filter(name="学员").exists() for w in workers)


def test_every_grade_lies_within_its_post_types_range(seeded):
    workers = WorkerProfile.objects.select_related("position")

    for worker in workers:
        low, high = settings.LIANXIN_GRADE_RANGES[worker.position.post_type]
        assert low <= worker.grade <= high, worker
