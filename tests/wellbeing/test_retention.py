from datetime import timedelta

from django.conf import settings as django_settings
from django.utils import timezone

from wellbeing.models import Result
from wellbeing.tasks import results_purge

from .conftest import take


def test_the_purge_runs_daily_from_beat():
    entry = django_settings.CELERY_BEAT_SCHEDULE["wellbeing-retention-purge"]

    assert entry["task"] == "wellbeing.tasks.results_purge"
    assert results_purge.name == "wellbeing.tasks.results_purge"


def test_the_purge_deletes_results_older_than_the_retention_period(
    celery_eager, worker, other_worker, pss10
):
    now = timezone.now()
    old = take(worker, pss10, taken_at=now - timedelta(days=366))
    kept = take(worker, pss10, taken_at=now - timedelta(days=364))
    recent = take(other_worker, pss10)

    deleted = results_purge.delay().get()

    assert deleted == 1
    assert set(Result.objects.values_list("pk", flat=True)) == {kept.pk, recent.pk}
    assert not Result.objects.filter(pk=old.pk).exists()


def test_the_retention_period_is_a_setting(worker, pss10, settings):
    settings.LIANXIN_WELLBEING_RETENTION_DAYS = 30
    take(worker, pss10, taken_at=timezone.now() - timedelta(days=31))
    take(worker, pss10, taken_at=timezone.now() - timedelta(days=29))

    assert results_purge() == 1
    assert Result.objects.count() == 1
