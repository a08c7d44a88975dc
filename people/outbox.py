"""Queue Celery tasks so that none is lost while the broker (Redis) is down.

``enqueue_on_commit(task, *args)`` replaces ``task.delay_on_commit(*args)``:
once the transaction commits it publishes the task with short timeouts and no
retry loop, so a request never hangs on a dead broker. When publishing fails,
the task's name and arguments go to the outbox table (people.OutboxTask)
instead, and ``outbox_flush`` publishes them again once the broker answers: the
beat task people.tasks.outbox_flush runs it every 30 seconds and every worker
runs it when it starts (lms.celery).

Each row is published by one flusher only (rows are locked with
``select_for_update(skip_locked=True)``) and deleted in the same transaction.
A row can still be published twice if the database fails between the publish
and the commit, so queued tasks must be safe to run again; ours are (they take
ids and their services do nothing twice).

After a failed publish the broker is not tried again for ``BREAKER_SECONDS``:
the tasks of the following requests go straight to the outbox.
"""

import logging
import threading
import time
from functools import partial

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.db.models import F
from kombu.exceptions import OperationalError as KombuOperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from .models import OutboxTask

logger = logging.getLogger(__name__)

# What publishing to an unreachable broker raises (kombu wraps most of it).
PUBLISH_ERRORS = (
    KombuOperationalError,
    RedisConnectionError,
    RedisTimeoutError,
    OSError,
)
FLUSH_BATCH = 100


class _BrokerBreaker:
    """Remembers, per process, that the broker failed a moment ago."""

    def __init__(self):
        self.open_until = 0.0
        self.lock = threading.Lock()

    def allows(self) -> bool:
        return time.monotonic() >= self.open_until

    def trip(self) -> bool:
        """Open the breaker; True when it was closed (a new outage)."""
        seconds = getattr(settings, "LIANXIN_BROKER_BREAKER_SECONDS", 5)
        with self.lock:
            was_closed = self.allows()
            self.open_until = time.monotonic() + seconds
        return was_closed

    def reset(self) -> None:
        with self.lock:
            self.open_until = 0.0


broker_breaker = _BrokerBreaker()


def _publish(name: str, args: list) -> None:
    """Publish once, without kombu's retry loop (the outbox is our retry)."""
    current_app.send_task(name, args=args, retry=False)


def enqueue_on_commit(task, *args) -> None:
    """Queue ``task(*args)`` after the current transaction commits; never lose it.

    Arguments must be JSON values (ids, strings): they may wait in the outbox.
    """
    transaction.on_commit(partial(task_enqueue, name=task.name, args=list(args)))


def task_enqueue(*, name: str, args: list) -> bool:
    """Publish a task now, or store it in the outbox; True when published."""
    app = current_app
    if app.conf.task_always_eager:
        # The embedded default: no broker, the task runs here and now.
        app.tasks[name].apply_async(args=args)
        return True
    if broker_breaker.allows():
        try:
            _publish(name, args)
            return True
        except PUBLISH_ERRORS as exc:
            error = str(exc)
            if broker_breaker.trip():
                logger.warning(
                    "Broker unavailable (%s): tasks go to the outbox until it is back.",
                    exc,
                )
    else:
        error = "broker unavailable (breaker open)"
    OutboxTask.objects.create(task=name, args=args, attempts=1, last_error=error[:500])
    return False


def outbox_flush(*, batch: int = FLUSH_BATCH) -> int:
    """Publish the outbox's tasks in order, deleting each; the number published.

    Stops at the first failure (the broker is still down): the rest wait for
    the next run. Safe to run in several processes at once.
    """
    published = 0
    while True:
        with transaction.atomic():
            rows = list(
                OutboxTask.objects.select_for_update(skip_locked=True).order_by("id")[
                    :batch
                ]
            )
            if not rows:
                break
            for n, row in enumerate(rows):
                try:
                    _publish(row.task, row.args)
                except PUBLISH_ERRORS as exc:
                    OutboxTask.objects.filter(pk__in=[r.pk for r in rows[n:]]).update(
                        attempts=F("attempts") + 1, last_error=str(exc)[:500]
                    )
                    logger.warning(
                        "Outbox: broker still unavailable (%s); %s published, "
                        "the rest wait.",
                        exc,
                        published,
                    )
                    return published
                row.delete()
                published += 1
        if len(rows) < batch:
            break
    if published:
        broker_breaker.reset()
        logger.info("Outbox: %s queued tasks published.", published)
    return published
