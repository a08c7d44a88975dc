"""The HR dashboard: figures of the reviewer's scope, drill-down, constant queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments.models import CompetencyFramework, WorkerCompetency
from courses.models import HoursTarget
from courses.services.ledger import ledger_year
from tests.factories.assessments import CompetencyFactory, CompetencyFrameworkFactory
from tests.records._h2_data import add_worker, certificate, course, credit, enrol

pytestmark = pytest.mark.django_db


def dashboard(client, **params):
    response = client.get("/records/", params)
    assert response.status_code == 200, response.status_code
    return response


def test_it_counts_completed_in_progress_not_started_and_overdue(
    client_for, org, worker
):
    c1, c2, c3 = course(), course(), course()
    enrol(worker, c1, state="completed")
    enrol(worker, c2, state="in_progress")
    yesterday = timezone.localdate() - timedelta(days=1)
    enrol(worker, c3, state="not_started", due=yesterday)

    figures = dashboard(client_for("hr_street")).context["dashboard"].totals

    assert (figures.enrolments, figures.completed) == (3, 1)
    assert (figures.in_progress, figures.not_started, figures.overdue) == (1, 1, 1)
    assert figures.completion_rate == 33


def test_a_street_sees_its_communities_in_name_order_without_rank(
    client_for, org, worker, other_worker
):
    from tests.factories.people import org_unit

    org_unit("安宁社区", org["donghu"])
    enrol(worker, course(), state="completed")
    enrol(other_worker, course(), state="completed")

    response = dashboard(client_for("hr_street"))

    rows = response.context["dashboard"].rows
    assert [r.unit.name for r in rows] == ["安宁社区", "朝阳社区"]
    assert [r.rank for r in rows] == [None, None]
    assert response.context["dashboard"].totals.enrolments == 1
    body = response.content.decode()
    assert "朝阳社区" in body and "青松社区" not in body and "李青" not in body


def test_comparison_ranks_units_only_when_the_deployment_allows_it(
    client_for, org, worker, other_worker, settings
):
    settings.LIANXIN_RECORDS_ALLOW_COMPARISON = True
    enrol(worker, course(), state="not_started")
    enrol(other_worker, course(), state="completed")

    rows = dashboard(client_for("hr_district")).context["dashboard"].rows

    assert [(r.unit.name, r.rank) for r in rows] == [("西山街道", 1), ("东湖街道", 2)]


def test_it_drills_down_from_district_to_community_to_its_workers(
    client_for, org, worker, other_worker
):
    client = client_for("hr_district")

    top = dashboard(client).context["dashboard"]
    street = dashboard(client, unit=org["donghu"].pk)
    community = dashboard(client, unit=org["chaoyang"].pk)

    assert [r.unit.name for r in top.rows] == ["东湖街道", "西山街道"]
    assert [r.unit.name for r in street.context["dashboard"].rows] == ["朝阳社区"]
    workers = list(community.context["workers"])
    assert [w.user.name for w in workers] == ["张晓明"]
    assert f"/records/workers/{worker.pk}/" in community.content.decode()


def test_hours_reached_uses_each_positions_target(client_for, org, worker):
    year = ledger_year()
    lazy = add_worker(org["chaoyang"])
    HoursTarget.objects.create(year=year, position=None, hours=10)
    credit(worker, 12)
    credit(lazy, 4)

    totals = dashboard(client_for("hr_street")).context["dashboard"].totals

    assert (totals.workers, totals.reached) == (2, 1)


def test_it_counts_certificates_expiring_within_30_days(client_for, org, worker):
    c = course()
    today = timezone.localdate()
    certificate(worker, c, expires_on=today + timedelta(days=10))
    certificate(worker, course(), expires_on=today + timedelta(days=90))

    response = dashboard(client_for("hr_street"))

    reports = {r.code: figures for r, figures in response.context["reports"]}
    assert reports["certificates"] == 1


def test_competency_coverage_is_the_share_of_workers_at_level_one(
    client_for, org, worker, other_worker
):
    add_worker(org["chaoyang"])
    framework = CompetencyFramework.objects.filter(is_default=True).first()
    framework = framework or CompetencyFrameworkFactory(is_default=True)
    law = CompetencyFactory(framework=framework, name="依法办事测试")
    WorkerCompetency.objects.create(user=worker, competency=law, level=2)
    WorkerCompetency.objects.create(user=other_worker, competency=law, level=3)

    response = dashboard(client_for("hr_street"))

    reports = {r.code: figures for r, figures in response.context["reports"]}
    coverage = {c.competency.name: (c.workers, c.rate) for c in reports["competencies"]}
    assert coverage["依法办事测试"] == (1, 50)
    assert "依法办事测试" in response.content.decode()


@pytest.mark.parametrize("param", ["unit", "course", "plan", "position"])
def test_an_unknown_or_out_of_scope_filter_is_a_404(client_for, org, param):
    value = org["xishan"].pk if param == "unit" else 999999

    response = client_for("hr_street").get("/records/", {param: value})

    assert response.status_code == 404


def test_a_unit_of_another_street_is_never_widened_to_the_scope(client_for, org):
    for unit in ("district", "xishan", "qingsong"):
        response = client_for("hr_street").get("/records/", {"unit": org[unit].pk})
        assert response.status_code == 404


def test_a_malformed_date_shows_the_error_and_no_figures(client_for, org):
    response = client_for("hr_street").get("/records/", {"date_from": "2026-13-40"})

    assert response.status_code == 400
    assert response.context.get("dashboard") is None
    assert "date_from" in response.context["form"].errors


def test_the_period_filter_drops_enrolments_completed_before_it(
    client_for, org, worker
):
    old = enrol(worker, course(), state="completed")
    old.completed_at = timezone.now() - timedelta(days=800)
    old.save(update_fields=["completed_at"])
    enrol(worker, course(), state="in_progress")

    totals = (
        dashboard(client_for("hr_street"), year=ledger_year())
        .context["dashboard"]
        .totals
    )

    assert (totals.enrolments, totals.completed) == (1, 0)


def _populate(org, n):
    c = course()
    for i in range(n):
        unit = org["chaoyang"] if i % 2 else org["grid"]
        w = add_worker(unit)
        enrol(w, c, state=["completed", "in_progress", "not_started"][i % 3])
        credit(w, i % 7)


@pytest.mark.parametrize("persona", ["hr_street", "hr_district", "admin"])
def test_the_dashboard_makes_the_same_number_of_queries_for_5_or_50_workers(
    client_for, org, persona
):
    client = client_for(persona)
    _populate(org, 5)
    dashboard(client)
    with CaptureQueriesContext(connection) as small:
        dashboard(client)
        dashboard(client, unit=org["chaoyang"].pk)
    _populate(org, 45)
    from tests.factories.people import org_unit

    for name in ("甲社区", "乙社区", "丙社区"):
        org_unit(name, org["donghu"])
    with CaptureQueriesContext(connection) as large:
        dashboard(client)
        dashboard(client, unit=org["chaoyang"].pk)

    assert len(large) == len(small)
