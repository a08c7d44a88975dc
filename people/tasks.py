"""Background work for people. Tasks take ids and call a service; nothing else."""

from celery import Task, shared_task
from django.db import OperationalError

from .roster import roster_import_abandon, roster_import_process


class RosterImportTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        # Retries are spent (or the task broke): say so on the report rather
        # than leave the page showing "importing…" for ever.
        import_id = args[0] if args else kwargs.get("import_id")
        if import_id is not None:
            roster_import_abandon(import_id=import_id)


@shared_task(
    base=RosterImportTask,
    acks_late=True,
    autoretry_for=(OperationalError,),
    max_retries=3,
    retry_backoff=5,
    retry_backoff_max=120,
    retry_jitter=True,
)
def roster_import_run(import_id: int) -> None:
    """Import a saved roster (people.models.RosterImport)."""
    roster_import_process(import_id=import_id)


@shared_task(name="people.tasks.outbox_flush", ignore_result=True)
def outbox_flush() -> int:
    """Publish the tasks queued while the broker was down (people.outbox)."""
    from .outbox import outbox_flush as flush

    return flush()
