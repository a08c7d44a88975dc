"""Background regrades after a key correction; the task takes ids, the service works."""

from celery import Task, shared_task
from django.db import OperationalError

from .services.marking import key_correction_abandon, key_correction_regrade


class KeyCorrectionTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        # Retries are spent: the trainer's page says so instead of "running".
        version_id = args[0] if args else kwargs.get("version_id")
        correction_id = args[1] if len(args) > 1 else kwargs.get("correction_id")
        if version_id is not None:
            key_correction_abandon(version_id=version_id, correction_id=correction_id)


@shared_task(
    base=KeyCorrectionTask,
    acks_late=True,
    autoretry_for=(OperationalError,),
    max_retries=3,
    retry_backoff=5,
    retry_backoff_max=120,
    retry_jitter=True,
)
def key_correction_regrade_run(version_id: int, correction_id: int) -> None:
    """Regrade the attempts that use a corrected question version."""
    key_correction_regrade(version_id=version_id, correction_id=correction_id)
