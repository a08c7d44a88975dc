import pytest

from people.selectors import workers_in_scope


@pytest.mark.django_db
def test_it_shows_a_worker_their_profile_on_my_learning(client_for, worker):
    response = client_for("worker").get("/learning/")
    assert (
        "我的学习" in response.content.decode()
        or "My learning" in response.content.decode()
    )
    assert "W10001" in response.content.decode()


def test_a_street_hr_sees_only_workers_of_their_street(hr_street, worker, other_worker):
    seen = set(
        workers_in_scope(user=hr_street).values_list("user__username", flat=True)
    )
    assert seen == {"worker"}
