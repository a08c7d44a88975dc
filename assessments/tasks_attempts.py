"""Background work for attempts. Tasks take ids and call a service; nothing else."""

from celery import shared_task
from django.db import OperationalError

__all__ = ["attempts_close_expired"]


@shared_task(
    name="assessments.tasks.attempts_close_expired",
    acks_late=True,
    autoretry_for=(OperationalError,),
    max_retries=3,
    retry_backoff=5,
    retry_backoff_max=60,
    retry_jitter=True,
)
def attempts_close_expired() -> int:
    """Close attempts whose time ran out (beat runs this every minute)."""
    from .services.attempts import attempts_close_expired as close_expired

    return close_expired()
