"""The Celery app. Tasks live in each app's tasks.py and are found by autodiscovery."""

import logging
import os

from celery import Celery
from celery.signals import worker_init, worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.base")

logger = logging.getLogger(__name__)

app = Celery("lms")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def _require_secret_key(**kwargs):
    from lms.startup import require_secret_key

    require_secret_key()


@worker_ready.connect
def _flush_outbox(**kwargs):
    """Publish the tasks queued while the broker was down (people.outbox).

    Beat sends people.tasks.outbox_flush every 30 s as well; a failure here
    (database away at start) must not stop the worker.
    """
    from people.outbox import outbox_flush

    try:
        outbox_flush()
    except Exception:  # logged; beat flushes again shortly
        logger.exception("Outbox flush at worker start failed.")
