"""我的能力 and a worker's competency profile: what each persona sees, the chart,
the evidence trail, the rating form, and a constant number of queries."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.models import (
    Competency,
    CompetencyEvidence,
    CompetencyFramework,
    CourseCompetency,
    WorkerCompetency,
)
from assessments.services.competencies import (
    competency_evidence_add,
    competency_rate,
)
from people.models import AuditEntry
from tests.factories.courses import CoursePageFactory

pytestmark = pytest.mark.django_db

SOURCE = CompetencyEvidence.Source
MINE = "/assessments/competencies/"


def profile_url(user) -> str:
    return f"/assessments/competencies/workers/{user.pk}/"


def rate_url(user) -> str:
    return f"/assessments/competencies/workers/{user.pk}/rate/"


@pytest.fixture
def client_for(client_for):
    """The personas' clients, reading the English msgids (translations come later)."""

    def make(persona):
        client = client_for(persona)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        return client

    return make


def competency(code: str) -> Competency:
    return Competency.objects.get(framework__is_default=True, code=code)


def add_evidence(user, count: int, code: str = "FL"):
    comp = competency(code)
    course = CoursePageFactory(title="民法典与社区治理")
    for n in range(count):
        competency_evidence_add(
            user=user,
            competency=comp,
            source=SOURCE.COURSE,
            level=(n % 4) + 1,
            reference=f"course:{course.pk}:{n}",
            course=course,
        )


# --- the worker's own page ---------------------------------------------------------


def test_a_new_worker_sees_every_competency_at_no_level_and_an_empty_trail(
    client_for, worker
):
    page = client_for("worker").get(MINE).content.decode()

    assert "My competencies" in page
    assert "社区工作者能力框架" in page
    for name in ("法律法规运用", "矛盾纠纷调解", "心理调适"):
        assert name in page
    assert page.count("No level yet") == 8
    assert "No evidence yet." in page


def test_the_worker_sees_the_current_level_chart_and_evidence(
    client_for, worker, trainer
):
    course = CoursePageFactory(title="人民调解法解读")
    CourseCompetency.objects.create(course=course, competency=competency("TJ"), level=3)
    competency_evidence_add(
        user=worker,
        competency=competency("TJ"),
        source=SOURCE.COURSE,
        level=3,
        reference="course:1:1",
        course=course,
    )
    competency_rate(
        worker=worker,
        competency=competency("GT"),
        level=2,
        note="协调物业纠纷表现良好",
        by=trainer,
    )

    page = client_for("worker").get(MINE).content.decode()

    assert "Level 3 · 应用" in page
    assert "Level 2 · 理解" in page
    # What level 3 of 矛盾纠纷调解 means, from the framework.
    assert "能独立主持调解，制作调解协议。" in page
    assert "Completed the course “人民调解法解读”" in page
    assert "Rated by 王老师" in page
    assert "协调物业纠纷表现良好" in page
    # The chart: a bar three quarters of the width for level 3, drawn as SVG.
    assert "<svg" in page
    assert re.search(r'class="bar-fill level-3"[^>]*width="240"', page)
    assert re.search(r'class="bar-fill level-2"[^>]*width="160"', page)


def test_a_score_that_did_not_reach_80_percent_shows_as_not_achieved(
    client_for, worker
):
    competency_evidence_add(
        user=worker,
        competency=competency("GW"),
        source=SOURCE.SCORE,
        level=2,
        reference="score:1",
        achieved=False,
        percent=Decimal("62.50"),
    )

    page = client_for("worker").get(MINE).content.decode()

    assert "Level 2 · 理解 not yet achieved" in page
    assert page.count("No level yet") == 8


def test_the_page_reads_the_stored_level_and_never_recomputes_it(client_for, worker):
    add_evidence(worker, 1)
    WorkerCompetency.objects.filter(user=worker).update(level=4)

    page = client_for("worker").get(MINE).content.decode()

    assert "Level 4 · 精通" in page


def test_the_evidence_trail_is_paginated_25_per_page(client_for, worker):
    add_evidence(worker, 30)
    client = client_for("worker")

    first = client.get(MINE).content.decode()
    second = client.get(MINE, {"page": 2}).content.decode()

    assert first.count('class="is-achieved"') == 25
    assert second.count('class="is-achieved"') == 5
    assert "Page 1 of 2" in first


def test_another_framework_can_be_chosen(client_for, worker):
    other = CompetencyFramework.objects.create(
        name="网格员能力框架", level_names=["初级", "中级", "高级", "专家"]
    )
    Competency.objects.create(framework=other, code="WG", name="网格巡查")

    client = client_for("worker")
    default_page = client.get(MINE).content.decode()
    other_page = client.get(MINE, {"framework": other.pk}).content.decode()

    assert "网格巡查" not in default_page
    assert "网格巡查" in other_page
    assert "法律法规运用" not in other_page


@pytest.mark.parametrize("url", [MINE, "worker_profile"])
def test_the_profile_pages_take_the_same_queries_for_5_or_50_pieces_of_evidence(
    client_for, worker, url
):
    client = client_for("worker" if url == MINE else "hr_street")
    path = MINE if url == MINE else profile_url(worker)
    add_evidence(worker, 5)
    client.get(path)
    with CaptureQueriesContext(connection) as few:
        client.get(path)

    add_evidence(worker, 45, code="GT")
    with CaptureQueriesContext(connection) as many:
        response = client.get(path)

    assert response.content.decode().count('class="is-achieved"') == 25
    assert len(many) == len(few)


# --- a worker's profile for trainers, HR and admins ------------------------------


def test_hr_sees_the_profile_of_a_worker_in_its_street(client_for, worker):
    add_evidence(worker, 1)

    page = client_for("hr_street").get(profile_url(worker)).content.decode()

    assert "Competencies of 张晓明" in page
    assert "W10001" in page
    assert "Completed the course “民法典与社区治理”" in page
    assert rate_url(worker) in page


def test_hr_of_another_street_gets_404_for_the_worker(client_for, other_worker):
    client = client_for("hr_street")

    assert client.get(profile_url(other_worker)).status_code == 404
    assert client.get(rate_url(other_worker)).status_code == 404


@pytest.mark.parametrize("persona", ["hr_district", "trainer", "admin"])
def test_district_hr_trainers_and_admins_see_any_worker(
    client_for, other_worker, persona
):
    response = client_for(persona).get(profile_url(other_worker))

    assert "Competencies of 李青" in response.content.decode()


@pytest.mark.parametrize("persona", ["worker", "reviewer"])
def test_workers_and_reviewers_cannot_see_anyone_elses_profile(
    client_for, other_worker, persona
):
    assert client_for(persona).get(profile_url(other_worker)).status_code == 403


def test_a_user_who_is_not_a_worker_has_no_profile_page(client_for, trainer):
    assert client_for("admin").get(profile_url(trainer)).status_code == 404


# --- the rating form ---------------------------------------------------------------


def test_the_rating_form_offers_the_competencies_and_named_levels(client_for, worker):
    page = client_for("trainer").get(rate_url(worker)).content.decode()

    assert "Rate a competency" in page
    assert "FL · 法律法规运用" in page
    assert "4 · 精通" in page


def test_hr_rates_a_worker_in_scope_and_sees_the_new_level(client_for, worker):
    client = client_for("hr_street")

    response = client.post(
        rate_url(worker),
        {"competency": competency("YJ").pk, "level": 2, "note": "参与防汛演练"},
        follow=True,
    )

    page = response.content.decode()
    assert response.redirect_chain[-1][0] == profile_url(worker)
    assert "Your rating of 应急处置 is recorded." in page
    assert "Level 2 · 理解" in page
    assert "参与防汛演练" in page
    rating = CompetencyEvidence.objects.get(user=worker)
    assert (rating.source, rating.level, rating.rated_by.username) == (
        SOURCE.RATING,
        2,
        "hr_street",
    )
    assert AuditEntry.objects.filter(action="competency.rated").count() == 1


def test_a_rating_without_a_note_is_refused_and_keeps_what_was_chosen(
    client_for, worker
):
    response = client_for("trainer").post(
        rate_url(worker), {"competency": competency("YJ").pk, "level": 3, "note": " "}
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "This field is required." in page
    assert re.search(rf'value="{competency("YJ").pk}"\s+selected', page)
    assert re.search(r'value="3"[^>]*checked', page)
    assert not CompetencyEvidence.objects.exists()


def test_hr_of_another_street_cannot_rate_the_worker(client_for, other_worker):
    response = client_for("hr_street").post(
        rate_url(other_worker),
        {"competency": competency("YJ").pk, "level": 2, "note": "x"},
    )

    assert response.status_code == 404
    assert not CompetencyEvidence.objects.exists()
