"""The bell: unread count in the nav, the list, read, open, clear."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from people.models import Notification
from people.notifications import notification_send

pytestmark = pytest.mark.django_db


def english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def bell_count(html: str) -> str | None:
    marker = 'data-testid="bell-count">'
    if marker not in html:
        return None
    return html.split(marker, 1)[1].split("<", 1)[0]


@pytest.mark.parametrize("persona", ["worker", "trainer", "hr_street", "admin"])
def test_the_bell_shows_the_unread_count_to_every_role(client_for, persona, request):
    user = request.getfixturevalue(persona)
    for n in range(3):
        notification_send(user=user, title=f"提醒{n}", email=False)
    Notification.objects.filter(title="提醒0").update(read_at="2027-01-01T00:00Z")

    html = client_for(persona).get("/notifications/").content.decode()

    assert bell_count(html) == "2"


def test_the_bell_has_no_count_when_all_is_read(client_for, worker):
    html = client_for("worker").get("/notifications/").content.decode()

    assert bell_count(html) is None
    assert 'href="/notifications/"' in html


def test_anonymous_visitors_have_no_bell(client):
    html = client.get("/accounts/login/").content.decode()

    assert "/notifications/" not in html


def test_the_list_is_newest_first_with_unread_marked(client_for, worker):
    notification_send(user=worker, title="较早的通知", email=False)
    notification_send(user=worker, title="最新的通知", body="请按时完成。", email=False)
    Notification.objects.filter(title="较早的通知").update(read_at="2027-01-01T00:00Z")

    html = english(client_for("worker")).get("/notifications/").content.decode()

    assert html.index("最新的通知") < html.index("较早的通知")
    assert html.count('class="unread"') == 1
    assert "请按时完成。" in html


def test_a_user_sees_only_their_own_notifications(client_for, worker, other_worker):
    notification_send(user=other_worker, title="别人的通知", email=False)

    html = english(client_for("worker")).get("/notifications/").content.decode()

    assert "别人的通知" not in html
    assert "No notifications." in html


def test_the_list_is_paginated_by_25(client_for, worker):
    for n in range(30):
        notification_send(user=worker, title=f"通知{n:02d}", email=False)

    first = client_for("worker").get("/notifications/").content.decode()
    second = client_for("worker").get("/notifications/?page=2").content.decode()

    assert first.count('class="note-title"') == 25
    assert second.count('class="note-title"') == 5


def test_opening_a_notification_marks_it_read_and_follows_its_link(client_for, worker):
    note = notification_send(
        user=worker, title="课程提醒", url="/learning/", email=False
    )

    response = client_for("worker").get(f"/notifications/{note.pk}/")

    assert response.status_code == 302
    assert response["Location"] == "/learning/"
    note.refresh_from_db()
    assert note.read_at is not None


def test_a_link_to_another_site_is_not_followed(client_for, worker):
    note = notification_send(
        user=worker, title="可疑", url="https://evil.example/", email=False
    )

    response = client_for("worker").get(f"/notifications/{note.pk}/")

    assert response["Location"] == "/notifications/"


def test_nobody_opens_or_clears_another_users_notification(
    client_for, worker, other_worker
):
    note = notification_send(user=other_worker, title="别人的通知", email=False)
    client = client_for("worker")

    assert client.get(f"/notifications/{note.pk}/").status_code == 404
    assert client.post(f"/notifications/{note.pk}/clear/").status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_mark_all_read_empties_the_bell(client_for, worker, other_worker):
    for n in range(3):
        notification_send(user=worker, title=f"提醒{n}", email=False)
    notification_send(user=other_worker, title="别人的", email=False)

    response = client_for("worker").post("/notifications/read/", follow=True)

    assert bell_count(response.content.decode()) is None
    assert not Notification.objects.filter(user=worker, read_at__isnull=True).exists()
    assert Notification.objects.filter(user=other_worker, read_at__isnull=True).exists()


def test_clearing_one_removes_just_that_one(client_for, worker):
    keep = notification_send(user=worker, title="保留", email=False)
    drop = notification_send(user=worker, title="删除", email=False)

    client_for("worker").post(f"/notifications/{drop.pk}/clear/")

    assert list(Notification.objects.filter(user=worker)) == [keep]


def test_clearing_all_asks_first(client_for, worker, other_worker):
    for n in range(2):
        notification_send(user=worker, title=f"提醒{n}", email=False)
    notification_send(user=other_worker, title="别人的", email=False)
    client = english(client_for("worker"))

    confirm = client.get("/notifications/clear/").content.decode()
    assert "Remove all your 2 notifications?" in confirm
    assert Notification.objects.filter(user=worker).count() == 2

    done = client.post("/notifications/clear/", follow=True).content.decode()

    assert "2 notifications were removed." in done
    assert not Notification.objects.filter(user=worker).exists()
    assert Notification.objects.filter(user=other_worker).count() == 1


def test_marking_and_clearing_need_a_post(client_for, worker):
    client = client_for("worker")

    assert client.get("/notifications/read/").status_code == 405
    note = notification_send(user=worker, title="提醒", email=False)
    assert client.get(f"/notifications/{note.pk}/clear/").status_code == 405


def test_the_unread_count_is_one_query_per_page(client_for, worker):
    client = client_for("worker")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            client.get("/notifications/")
        return len(queries)

    for n in range(5):
        notification_send(user=worker, title=f"提醒{n}", email=False)
    few = count()
    for n in range(20):
        notification_send(user=worker, title=f"更多{n}", email=False)

    assert count() == few
    with CaptureQueriesContext(connection) as queries:
        client.get("/notifications/")
    bell = [
        q for q in queries if "people_notification" in q["sql"] and "COUNT" in q["sql"]
    ]
    # The paginator's count and the bell's: the bell asks once per request.
    assert len(bell) == 2
