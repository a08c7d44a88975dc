"""Background work for courses. Tasks take ids and call a service; nothing else."""

from datetime import date, timedelta

from celery import shared_task
from celery.contrib.django.task import DjangoTask
from django.core.management import call_command
from django.db import OperationalError


@shared_task(acks_late=True)
def publish_scheduled_pages() -> None:
    """Publish pages whose go-live time has come and unpublish expired ones.

    Wagtail's scheduled publishing (go_live_at / expire_at) happens only when
    its `publish_scheduled` command runs: Celery beat runs this every minute.
    """
    call_command("publish_scheduled")


class AssignmentFanOutTask(DjangoTask):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        # Retries are spent: say so on the page rather than "assigning…" for ever.
        from .services.assignments import assignment_fan_out_abandon

        assignment_id = args[0] if args else kwargs.get("assignment_id")
        if assignment_id is not None:
            assignment_fan_out_abandon(assignment_id=assignment_id)


@shared_task(
    base=AssignmentFanOutTask,
    acks_late=True,
    autoretry_for=(OperationalError,),
    max_retries=3,
    retry_backoff=5,
    retry_backoff_max=120,
    retry_jitter=True,
)
def assignment_fan_out(assignment_id: int) -> int:
    """Enrol the workers an assignment covers (idempotent: a retry resumes)."""
    from .services.assignments import assignment_fan_out_run

    return assignment_fan_out_run(assignment_id=assignment_id)


@shared_task(acks_late=True)
def assignment_fan_outs_resume(grace_seconds: int | None = None) -> int:
    """Every 5 minutes (beat): queue again the fan-outs a killed worker left.

    `grace_seconds` (default RECONCILE_GRACE_MINUTES) only for a rerun or a test.
    """
    from .services.assignments import assignment_fan_outs_resume as resume

    grace = timedelta(seconds=grace_seconds) if grace_seconds is not None else None
    return len(resume(grace=grace))


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError,),
    max_retries=3,
    retry_backoff=30,
    retry_backoff_max=600,
    retry_jitter=True,
)
def assignment_reminders_send(today: str | None = None) -> dict[str, int]:
    """The daily due-date reminders; `today` (ISO date) only for a rerun or a test."""
    from .services.assignments import assignment_reminders_send as send

    return send(today=date.fromisoformat(today) if today else None)
