import functools

from django.utils.functional import SimpleLazyObject

from . import roles
from .models import Notification


def _unread_count(request):
    """The bell's number: one query, the first time a template asks, per request."""

    def count() -> int:
        cached = getattr(request, "_lianxin_unread", None)
        if cached is None:
            cached = Notification.objects.filter(
                user_id=request.user.pk, read_at__isnull=True
            ).count()
            request._lianxin_unread = cached
        return cached

    return count


def navigation(request):
    """What the base template needs to draw the menu for this user's roles.

    Lazy: a page that draws no menu (the public certificate check, a cached
    page) reads neither the user nor their roles.
    """
    user = getattr(request, "user", None)
    held = functools.cache(
        lambda: roles.user_roles(user) if user is not None else frozenset()
    )

    def holds(*names):
        return lambda: bool(held() & set(names))

    return {
        "roles": SimpleLazyObject(held),
        "is_worker": holds(roles.WORKER),
        "is_trainer": holds(roles.TRAINER, roles.REVIEWER, roles.ADMIN),
        "can_mark": holds(roles.TRAINER, roles.ADMIN),
        "is_hr": holds(roles.HR, roles.ADMIN),
        "is_admin": holds(roles.ADMIN),
        # A callable, so that pages that do not draw the bell do not count.
        "unread_notifications": lambda: (
            _unread_count(request)() if getattr(user, "is_authenticated", False) else 0
        ),
    }
