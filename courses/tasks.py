"""Background work for courses. Tasks take ids and call a service; nothing else."""

from celery import shared_task
from django.core.management import call_command


@shared_task(acks_late=True)
def publish_scheduled_pages() -> None:
    """Publish pages whose go-live time has come and unpublish expired ones.

    Wagtail's scheduled publishing (go_live_at / expire_at) happens only when
    its `publish_scheduled` command runs: Celery beat runs this every minute.
    """
    call_command("publish_scheduled")
