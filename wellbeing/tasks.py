"""Background work for wellbeing. Tasks take ids and call a service; nothing else."""

from celery import shared_task
from django.db import OperationalError

from .services.assessments import results_purge as results_purge_service


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError,),
    max_retries=3,
    retry_backoff=5,
    retry_backoff_max=120,
    retry_jitter=True,
)
def results_purge() -> int:
    """Daily (beat): delete results older than the retention period."""
    return results_purge_service()
