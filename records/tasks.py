"""Background work for HR review. Tasks take ids and call a service; nothing else."""

from celery import Task, shared_task
from django.db import OperationalError

from records.services.exports import export_job_fail, export_job_run, exports_expire_due


class ExportTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        # Retries are spent: the progress page says so instead of waiting for ever.
        job_id = args[0] if args else kwargs.get("job_id")
        if job_id is not None:
            export_job_fail(job_id=job_id, error=type(exc).__name__)


@shared_task(
    base=ExportTask,
    acks_late=True,
    autoretry_for=(OperationalError,),
    max_retries=3,
    retry_backoff=5,
    retry_backoff_max=120,
    retry_jitter=True,
)
def export_run(job_id: int) -> None:
    """Write the file of a large export (records.models.ExportJob)."""
    export_job_run(job_id=job_id)


@shared_task(acks_late=True)
def exports_cleanup() -> int:
    """Delete export files whose download time is over (beat, hourly)."""
    return exports_expire_due()
