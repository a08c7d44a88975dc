import re

from django.utils import timezone

from tests.factories.courses import CoursePageFactory
from wellbeing.models import Result

from .conftest import HIGH, LOW, MIDDLE, at, consent, take

ALL_SOMETIMES = {f"q{n}": "2" for n in range(1, 11)}


def test_a_worker_answers_and_sees_their_score_band_and_where_to_get_help(
    client_for, worker, pss10
):
    consent(worker, pss10)
    CoursePageFactory(title="社区工作者压力管理", slug="stress-management")
    client = client_for("worker")

    response = client.post("/wellbeing/pss10/take/", ALL_SOMETIMES, follow=True)

    page = response.content.decode()
    assert response.redirect_chain[-1][0] == "/wellbeing/results/"
    assert "20 of 40" in page
    assert "中等的压力感受" in page
    assert "社区工作者压力管理" in page  # the suggested course
    assert "12356" in page
    assert Result.objects.get(user=worker).unit_path == worker.profile.org_unit.path


def test_missing_answers_are_asked_for_and_the_given_ones_kept(
    client_for, worker, pss10
):
    consent(worker, pss10)
    answers = dict(ALL_SOMETIMES)
    del answers["q7"]
    answers["q1"] = "4"

    response = client_for("worker").post("/wellbeing/pss10/take/", answers)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Please answer every question" in page
    assert re.search(
        r'value="4"[^>]*id="id_q1_4"[^>]*checked|name="q1" value="4"[^>]*checked', page
    )
    assert not Result.objects.exists()


def test_an_answer_outside_the_scale_is_refused(client_for, worker, pss10):
    consent(worker, pss10)

    client_for("worker").post("/wellbeing/pss10/take/", {**ALL_SOMETIMES, "q3": "9"})

    assert not Result.objects.exists()


def test_the_history_has_a_chart_with_one_point_per_result(client_for, worker, pss10):
    for answers, month in ((HIGH, 3), (MIDDLE, 6), (LOW, 9)):
        take(
            worker,
            pss10,
            answers,
            taken_at=at(
                timezone.now().year - 1 if month > 11 else timezone.now().year, month, 1
            ),
        )

    page = client_for("worker").get("/wellbeing/results/").content.decode()

    assert page.count('class="wb-dot"') == 3
    assert "<polyline" in page
    assert "较低的压力感受" in page  # the latest band's text leads


def test_the_results_page_without_results_says_how_to_start(client_for, worker):
    page = client_for("worker").get("/wellbeing/results/").content.decode()

    assert "You have no self-assessment results" in page


def test_a_worker_sees_only_their_own_results(client_for, worker, other_worker, pss10):
    take(worker, pss10, HIGH)

    page = client_for("other_worker").get("/wellbeing/results/").content.decode()

    assert "40 of 40" not in page
    assert "You have no self-assessment results" in page


def test_the_workers_pages_are_never_cached(client_for, worker, pss10):
    take(worker, pss10)
    client = client_for("worker")

    for url in ("/wellbeing/", "/wellbeing/results/", "/wellbeing/pss10/take/"):
        assert "no-store" in client.get(url)["Cache-Control"], url
