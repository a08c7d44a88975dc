"""Notifications: the one place that writes Notification rows and sends their email.

Every app (reminders, regrades, certificates) notifies through
``notification_send`` so that "each stage once" holds everywhere: a key makes the
send idempotent under retries and races (a unique constraint, not check-then-insert).
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Notification
from .page_cache import user_pages_invalidate


def notification_send(
    *,
    user,
    title: str,
    body: str = "",
    url: str = "",
    kind: str = "",
    key: str | None = None,
    email: bool = True,
) -> Notification | None:
    """Notify a user in the site (and by email if they have an address).

    Returns the new notification, or None when one with the same key exists.
    The email goes out after the transaction commits, so a rollback sends nothing.
    """
    try:
        with transaction.atomic():
            note = Notification.objects.create(
                user=user, title=title, body=body, url=url, kind=kind, key=key
            )
    except IntegrityError:
        if key is None:
            raise
        return None
    if email and user.email:
        link = url
        if url.startswith("/"):
            link = settings.LIANXIN_SITE_URL.rstrip("/") + url
        text = "\n\n".join(part for part in (body, link) if part)
        transaction.on_commit(
            lambda: send_mail(title, text, None, [user.email], fail_silently=True)
        )
    return note


def notifications_mark_read(*, user, ids=None) -> int:
    """Mark the user's notifications read (all of them, or those in ``ids``)."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    user_pages_invalidate(user.pk)  # the bell's count
    return qs.update(read_at=timezone.now())


def notifications_clear(*, user, ids=None) -> int:
    """Delete the user's notifications (all, or those in ``ids``); their own choice."""
    qs = Notification.objects.filter(user=user)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    deleted, _ = qs.delete()
    return deleted
