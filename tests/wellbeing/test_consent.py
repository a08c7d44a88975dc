import re

from django.utils import timezone

from wellbeing.models import ConsentRecord, Result

from .conftest import consent


def test_the_consent_page_says_purpose_who_sees_what_retention_and_withdrawal(
    client_for, worker
):
    page = client_for("worker").get("/wellbeing/pss10/consent/").content.decode()

    assert "不是心理诊断" in page  # purpose, and what it is not
    assert "只有您本人能看到" in page  # who sees what
    assert "不少于 5 人的群体统计" in page
    assert "保存 365 天后自动删除" in page  # retention, from settings
    assert "随时撤回同意" in page  # how to withdraw


def test_the_consent_box_is_not_ticked_in_advance(client_for, worker):
    page = client_for("worker").get("/wellbeing/pss10/consent/").content.decode()

    (checkbox,) = re.findall(r'<input type="checkbox"[^>]*>', page)
    assert "checked" not in checkbox


def test_the_retention_in_the_consent_text_follows_the_setting(
    client_for, worker, settings
):
    settings.LIANXIN_WELLBEING_RETENTION_DAYS = 180

    page = client_for("worker").get("/wellbeing/pss10/consent/").content.decode()

    assert "保存 180 天后自动删除" in page


def test_the_self_assessment_before_consent_leads_to_the_consent(client_for, worker):
    response = client_for("worker").get("/wellbeing/pss10/take/")

    assert response.status_code == 302
    assert response["Location"] == "/wellbeing/pss10/consent/"


def test_answers_posted_without_consent_are_not_stored(client_for, worker):
    client_for("worker").post(
        "/wellbeing/pss10/take/", {f"q{n}": "2" for n in range(1, 11)}
    )

    assert not Result.objects.exists()


def test_consent_is_stored_with_its_time_and_text_version(client_for, worker, pss10):
    before = timezone.now()

    response = client_for("worker").post(
        "/wellbeing/pss10/consent/", {"agree": "on", "version": pss10.consent_version}
    )

    record = ConsentRecord.objects.get(user=worker)
    assert response["Location"] == "/wellbeing/pss10/take/"
    assert record.text_version == 1
    assert record.given_at >= before
    assert record.withdrawn_at is None


def test_without_ticking_the_box_nothing_is_stored_and_the_page_says_why(
    client_for, worker, pss10
):
    response = client_for("worker").post(
        "/wellbeing/pss10/consent/", {"version": pss10.consent_version}
    )

    assert response.status_code == 200
    assert "Tick the box to agree" in response.content.decode()
    assert not ConsentRecord.objects.exists()


def test_a_consent_to_a_text_that_changed_meanwhile_is_refused(
    client_for, worker, pss10
):
    response = client_for("worker").post(
        "/wellbeing/pss10/consent/", {"agree": "on", "version": 0}, follow=True
    )

    assert "The consent text has changed" in response.content.decode()
    assert not ConsentRecord.objects.exists()


def test_a_new_consent_text_asks_for_consent_again(client_for, worker, pss10):
    consent(worker, pss10)
    pss10.definition["consent"]["version"] = 2
    pss10.save()
    client = client_for("worker")

    response = client.get("/wellbeing/pss10/take/")
    home = client.get("/wellbeing/").content.decode()

    assert response["Location"] == "/wellbeing/pss10/consent/"
    assert "The consent text has changed since you agreed" in home
