import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories.people import org_unit
from wellbeing.selectors.aggregates import (
    period_for,
    period_parse,
    periods_offered,
    published_cells,
)

from .conftest import HIGH, LOW, MIDDLE, at, take, worker_in

TOO_SMALL = "Group too small to show"


@pytest.fixture(autouse=True)
def _long_retention(settings):
    """These tests use 2025's periods: keep them from the retention cut-off."""
    settings.LIANXIN_WELLBEING_RETENTION_DAYS = 3650


def _people(unit, count, pss10, when, answers=MIDDLE):
    users = [worker_in(unit) for _ in range(count)]
    for user in users:
        take(user, pss10, answers, taken_at=when)
    return users


def _row(page: str, name: str) -> str:
    match = re.search(rf'<tr[^>]*data-unit="{name}">(.*?)</tr>', page, re.S)
    assert match, f"no row for {name}"
    return match.group(1)


def _participants(row: str) -> int | None:
    if TOO_SMALL in row:
        return None
    return int(re.search(r"<td>(\d+)</td>", row).group(1))


def _page(client, unit, period):
    response = client.get("/wellbeing/aggregates/", {"unit": unit.pk, "period": period})
    assert response.status_code == 200
    return response.content.decode()


def test_a_group_of_five_is_shown_with_its_spread_across_bands(client_for, org, pss10):
    _people(org["chaoyang"], 3, pss10, at(2025, 5, 6), MIDDLE)
    _people(org["chaoyang"], 2, pss10, at(2025, 5, 6), HIGH)

    page = _page(client_for("hr_street"), org["donghu"], "2025-Q2")

    row = _row(page, "东湖街道")
    assert _participants(row) == 5
    assert "0 <span" in row and "3 <span" in row and "2 <span" in row
    assert "(60%)" in row and "(40%)" in row


def test_a_group_of_four_is_too_small_to_show(client_for, org, pss10):
    _people(org["chaoyang"], 4, pss10, at(2025, 5, 6))

    page = _page(client_for("hr_street"), org["donghu"], "2025-Q2")

    assert TOO_SMALL in _row(page, "东湖街道")
    assert TOO_SMALL in _row(page, "朝阳社区")


@pytest.mark.parametrize(
    ("setting", "people", "shown"), [(2, 4, False), (7, 6, False), (7, 7, True)]
)
def test_the_minimum_group_is_configurable_but_never_below_five(
    client_for, org, pss10, settings, setting, people, shown
):
    settings.LIANXIN_WELLBEING_MIN_GROUP = setting
    _people(org["chaoyang"], people, pss10, at(2025, 5, 6))

    page = _page(client_for("hr_street"), org["donghu"], "2025-Q2")

    assert (_participants(_row(page, "东湖街道")) == people) is shown


def test_a_street_of_six_hides_its_community_of_five_next_to_one_of_one(
    client_for, org, pss10
):
    guiyuan = org_unit("桂园社区", org["donghu"])
    _people(org["chaoyang"], 5, pss10, at(2025, 5, 6))
    _people(guiyuan, 1, pss10, at(2025, 5, 6))

    for persona in ("hr_street", "hr_district"):
        page = _page(client_for(persona), org["donghu"], "2025-Q2")

        assert _participants(_row(page, "东湖街道")) == 6
        # Shown, 朝阳社区's 5 would give away 桂园社区's one person: 6 − 5 = 1.
        assert TOO_SMALL in _row(page, "朝阳社区")
        assert TOO_SMALL in _row(page, "桂园社区")


def test_a_community_is_shown_when_what_is_left_of_the_street_is_five_or_more(
    client_for, org, pss10
):
    guiyuan = org_unit("桂园社区", org["donghu"])
    _people(org["chaoyang"], 5, pss10, at(2025, 5, 6))
    _people(guiyuan, 5, pss10, at(2025, 5, 6))

    page = _page(client_for("hr_street"), org["donghu"], "2025-Q2")

    assert _participants(_row(page, "东湖街道")) == 10
    assert _participants(_row(page, "朝阳社区")) == 5
    assert _participants(_row(page, "桂园社区")) == 5


def test_workers_attached_to_the_street_itself_count_in_what_is_left(org, pss10):
    _people(org["chaoyang"], 5, pss10, at(2025, 5, 6))
    _people(org["donghu"], 2, pss10, at(2025, 5, 6))  # no community

    cells = published_cells(instrument=pss10, year=2025)["2025-Q2"]

    assert cells[org["donghu"].path].participants == 7
    assert org["chaoyang"].path not in cells


def test_the_district_minus_its_shown_street_reveals_no_small_group(org, pss10):
    _people(org["chaoyang"], 6, pss10, at(2025, 5, 6))
    _people(org["qingsong"], 2, pss10, at(2025, 5, 6))

    cells = published_cells(instrument=pss10, year=2025)["2025-Q2"]

    assert cells[org["district"].path].participants == 8
    assert org["donghu"].path not in cells  # 8 − 6 = 2 in 西山街道
    assert org["chaoyang"].path not in cells  # nothing under a hidden unit


def test_a_year_minus_its_shown_quarters_reveals_no_small_group(client_for, org, pss10):
    _people(org["chaoyang"], 5, pss10, at(2025, 2, 10))
    _people(org["chaoyang"], 1, pss10, at(2025, 5, 10), HIGH)

    client = client_for("hr_street")
    year = _page(client, org["donghu"], "2025")
    q1 = _page(client, org["donghu"], "2025-Q1")

    assert _participants(_row(year, "东湖街道")) == 6
    # Shown, Q1's 5 would leave the one person of Q2 (and their band) in the year.
    assert TOO_SMALL in _row(q1, "东湖街道")


def test_each_worker_counts_once_per_period_with_their_latest_result(
    client_for, org, pss10
):
    again = _people(org["chaoyang"], 5, pss10, at(2025, 4, 2), MIDDLE)[0]
    take(again, pss10, HIGH, taken_at=at(2025, 5, 2))
    take(again, pss10, LOW, taken_at=at(2025, 6, 2))

    cells = published_cells(instrument=pss10, year=2025)

    assert cells["2025-Q2"][org["donghu"].path].participants == 5
    assert cells["2025-Q2"][org["donghu"].path].bands == [1, 4, 0]
    assert cells["2025"][org["donghu"].path].participants == 5


def test_a_worker_who_moved_counts_once_in_the_unit_of_their_latest_result(org, pss10):
    _people(org["chaoyang"], 5, pss10, at(2025, 4, 2))
    mover = worker_in(org["chaoyang"])
    take(mover, pss10, taken_at=at(2025, 4, 3))
    mover.profile.org_unit = org["qingsong"]
    mover.profile.save()
    take(mover, pss10, taken_at=at(2025, 5, 3))

    cells = published_cells(instrument=pss10, year=2025)["2025-Q2"]

    assert cells[org["district"].path].participants == 6
    assert org["donghu"].path not in cells  # 6 − 5 = 1 in 西山街道


def test_periods_the_purge_has_begun_on_are_not_offered(settings):
    settings.LIANXIN_WELLBEING_RETENTION_DAYS = 365

    keys = [p.key for p in periods_offered(now=at(2026, 11, 23))]

    # 2025-Q4 began on 1 October 2025, more than 365 days before: its oldest
    # results are being purged, so it would shrink from one day to the next.
    assert keys == ["2026-Q3", "2026-Q2", "2026-Q1"]


def test_only_ended_years_and_quarters_are_offered():
    keys = [p.key for p in periods_offered(now=at(2026, 11, 23))]

    assert keys[:4] == ["2026-Q3", "2026-Q2", "2026-Q1", "2025"]
    assert "2026" not in keys and "2026-Q4" not in keys
    assert period_for(2025, 2).start == at(2025, 4, 1, 0)
    assert period_for(2025, 2).end == at(2025, 7, 1, 0)


@pytest.mark.parametrize(
    "period", ["2025-05-01", "2025-04-01..2025-06-29", "2099", "2099-Q1", "Q2"]
)
def test_a_period_other_than_a_whole_ended_year_or_quarter_is_refused(
    client_for, org, pss10, period
):
    _people(org["chaoyang"], 6, pss10, at(2025, 5, 6))

    response = client_for("hr_street").get(
        "/wellbeing/aggregates/", {"unit": org["donghu"].pk, "period": period}
    )

    page = response.content.decode()
    assert period_parse(period) is None
    assert "data-unit" not in page
    assert '<p class="error">' in page


def test_hr_cannot_ask_for_a_unit_outside_their_scope(client_for, org, pss10):
    client = client_for("hr_street")

    assert (
        client.get("/wellbeing/aggregates/", {"unit": org["qingsong"].pk}).status_code
        == 404
    )
    assert client.get("/wellbeing/aggregates/", {"unit": "x"}).status_code == 404


def test_the_figures_name_no_worker(client_for, org, pss10):
    users = _people(org["chaoyang"], 6, pss10, at(2025, 5, 6))

    page = _page(client_for("hr_district"), org["district"], "2025-Q2")

    for user in users:
        assert user.name not in page
        assert user.profile.employee_no not in page


def test_the_page_makes_the_same_number_of_queries_for_5_and_50_workers(
    client_for, org, pss10
):
    client = client_for("hr_district")
    _people(org["chaoyang"], 5, pss10, at(2025, 5, 6))
    _page(client, org["district"], "2025-Q2")  # the session cache: warm
    _people(org["chaoyang"], 1, pss10, at(2025, 5, 6))  # the figures: cold
    with CaptureQueriesContext(connection) as few:
        _page(client, org["district"], "2025-Q2")

    _people(org["qingsong"], 44, pss10, at(2025, 5, 6))
    with CaptureQueriesContext(connection) as many:
        page = _page(client, org["district"], "2025-Q2")
    with CaptureQueriesContext(connection) as cached:
        _page(client, org["district"], "2025-Q2")

    assert _participants(_row(page, "连心区")) == 50
    assert len(many) == len(few)
    assert len(cached) == len(few) - 1  # the results are not read again


def test_the_figures_follow_a_new_result_despite_the_cache(client_for, org, pss10):
    client = client_for("hr_street")
    _people(org["chaoyang"], 4, pss10, at(2025, 5, 6))
    assert TOO_SMALL in _row(_page(client, org["donghu"], "2025-Q2"), "东湖街道")

    _people(org["chaoyang"], 1, pss10, at(2025, 5, 7))

    assert _participants(_row(_page(client, org["donghu"], "2025-Q2"), "东湖街道")) == 5


def test_the_figures_follow_a_withdrawal_despite_the_cache(client_for, org, pss10):
    from wellbeing.services.assessments import consent_withdraw

    client = client_for("hr_street")
    users = _people(org["chaoyang"], 5, pss10, at(2025, 5, 6))
    assert _participants(_row(_page(client, org["donghu"], "2025-Q2"), "东湖街道")) == 5

    consent_withdraw(user=users[0], instrument=pss10)

    assert TOO_SMALL in _row(_page(client, org["donghu"], "2025-Q2"), "东湖街道")


def test_a_year_the_purge_has_begun_on_neither_shows_nor_hides_its_quarters(
    org, pss10, settings
):
    settings.LIANXIN_WELLBEING_RETENTION_DAYS = 365
    now = at(2026, 2, 10)
    _people(org["chaoyang"], 5, pss10, at(2025, 5, 10))  # Q2: nothing purged yet
    _people(org["chaoyang"], 1, pss10, at(2025, 2, 12))  # Q1 and the year: begun

    cells = published_cells(instrument=pss10, year=2025, now=now)

    assert "2025" not in cells and "2025-Q1" not in cells
    assert cells["2025-Q2"][org["donghu"].path].participants == 5
