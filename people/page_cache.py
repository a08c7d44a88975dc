"""Whole-page cache for the pages workers open most (issue 8).

A worker's 我的学习, the catalog, a course and a lesson are rendered for one
user at a time, so their HTML is cached per user, path and language, and
served before Wagtail routes the request. Correctness rests on two
*generations*, random tokens that are part of every key:

- the user's generation changes when something of theirs that a page shows is
  written (enrolment, progress, attempt, grade, certificate, notification,
  profile, roles): ``user_pages_invalidate``;
- the content generation changes when anything else in our apps or a Wagtail
  page is written (a course published, a quiz edited, a target changed):
  ``pages_invalidate_all``.

Both change at once and again on commit: a page rendered in between, from
rows the transaction had not committed yet, is stored under a generation
that the commit retires. Writes
that bypass model signals (``QuerySet.update``, ``bulk_create``) call the two
functions themselves. Entries also expire after ``LIANXIN_PAGE_CACHE_SECONDS``
and the key holds the date, so pages that change with time (due dates,
availability windows) are never older than that; 0 switches the cache off.

The CSRF token is never stored: the masked tokens of the request that
rendered the page are replaced by a placeholder, and each hit gets its own.
Pages are stored only when their view says so (``page_cache_allow``), after
its own access checks passed, and only for 200 HTML responses that set no
cookie and carry no flash message.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import threading

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import _unmask_cipher_token, get_token
from django.utils import timezone

ALL_KEY = "pc:g:all"
PLACEHOLDER = b"__lianxin_csrf_token__"
_TOKEN = re.compile(rb"[A-Za-z0-9]{64}")
# Generations live longer than pages; losing one only costs a re-render.
_GENERATION_SECONDS = 7 * 24 * 60 * 60


def _user_key(user_id) -> str:
    return f"pc:g:u:{user_id}"


def _token() -> str:
    return secrets.token_hex(8)


def _seconds() -> int:
    return int(getattr(settings, "LIANXIN_PAGE_CACHE_SECONDS", 0) or 0)


def user_pages_invalidate(*user_ids) -> None:
    """Forget the cached pages of these users, now and once the transaction commits."""
    ids = {uid for uid in user_ids if uid is not None}
    if ids:
        _bump(users=ids)


def pages_invalidate_all() -> None:
    """Forget every cached page, now and once the transaction commits."""
    _bump(everyone=True)


_pending = threading.local()


def _bump(*, users=frozenset(), everyone=False) -> None:
    _write(users, everyone)
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return
    # One callback per transaction, however many rows it writes. A rollback
    # drops the callback: then the next write registers a new one.
    pending = getattr(_pending, "changes", None)
    if pending is None or not any(
        entry[1] is _flush for entry in connection.run_on_commit
    ):
        pending = _pending.changes = {"users": set(), "everyone": False}
        transaction.on_commit(_flush)
    pending["users"].update(users)
    pending["everyone"] = pending["everyone"] or everyone


def _flush() -> None:
    pending = getattr(_pending, "changes", None)
    _pending.changes = None
    if pending:
        _write(pending["users"], pending["everyone"])


def _write(users, everyone: bool) -> None:
    values = {_user_key(uid): _token() for uid in users}
    if everyone:
        values[ALL_KEY] = _token()
    if values:
        cache.set_many(values, _GENERATION_SECONDS)


def page_cache_allow(request) -> None:
    """Called by a view after its access checks: this response may be stored."""
    request.page_cache_ok = True


def page_cache_rekey(request) -> None:
    """After a view's own write, before it reads what it renders: store under
    the generation that write made (else the page is stored under a retired
    one and the next visit renders again). Opening a lesson is such a write.

    What the view read before its write (its access checks) is from just
    before: another request's write in that instant is the one change this
    can miss, for at most the entry's lifetime.
    """
    if getattr(request, "page_cache_key", None):
        request.page_cache_key = page_key(request)


def _generations(user_id) -> tuple[str, str]:
    keys = [ALL_KEY, _user_key(user_id)]
    found = cache.get_many(keys)
    missing = {key: _token() for key in keys if key not in found}
    if missing:
        cache.set_many(missing, _GENERATION_SECONDS)
        found.update(missing)
    return found[ALL_KEY], found[_user_key(user_id)]


def page_key(request) -> str:
    user_id = request.user.pk
    everyone, mine = _generations(user_id)
    raw = "|".join(
        [
            str(user_id),
            request.get_host(),
            getattr(request, "LANGUAGE_CODE", ""),
            everyone,
            mine,
            timezone.localdate().isoformat(),
            request.get_full_path(),
        ]
    )
    return "pc:p:" + hashlib.sha256(raw.encode()).hexdigest()


def _without_csrf_tokens(content: bytes, secret: str) -> bytes | None:
    """The page with this request's masked CSRF tokens replaced by a placeholder."""
    if PLACEHOLDER in content:
        return None
    found = {
        m for m in _TOKEN.findall(content) if _unmask_cipher_token(m.decode()) == secret
    }
    for token in found:
        content = content.replace(token, PLACEHOLDER)
    return content


class PageCacheMiddleware:
    """Serve and store the pages whose views allow it (see the module docstring).

    Sits after the session, locale, CSRF, auth and message middleware: a hit
    costs the session, the user and two cache reads, like the framework floor.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        key = getattr(request, "page_cache_key", None)
        if key and getattr(request, "page_cache_ok", False):
            self._store(request, response, key)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not self._eligible(request, view_func):
            return None
        key = page_key(request)
        request.page_cache_key = key
        stored = cache.get(key)
        if stored is None:
            return None
        content_type, content = stored
        response = HttpResponse(
            content.replace(PLACEHOLDER, get_token(request).encode()),
            content_type=content_type,
        )
        response["X-Page-Cache"] = "hit"
        return response

    @staticmethod
    def _eligible(request, view_func) -> bool:
        if request.method != "GET" or _seconds() <= 0:
            return False
        if not getattr(view_func, "page_cacheable", False):
            return False
        if not request.user.is_authenticated:
            return False
        messages = getattr(request, "_messages", None)
        # len() reads the pending flash messages without marking them shown.
        return messages is None or len(messages) == 0

    @staticmethod
    def _store(request, response, key) -> None:
        if response.status_code != 200 or response.streaming or response.cookies:
            return
        content_type = response.get("Content-Type", "")
        if not content_type.startswith("text/html"):
            return
        secret = request.META.get("CSRF_COOKIE")
        content = response.content
        if secret:
            content = _without_csrf_tokens(content, secret)
        if content is None:
            return
        cache.set(key, (content_type, content), _seconds())


def page_cacheable(view):
    """Mark a view whose pages the middleware may serve from the cache."""
    view.page_cacheable = True
    return view


# --- what invalidates what ------------------------------------------------------

# Rows that belong to one user, and how to find the user from the row. Every
# other model of our apps (and Wagtail's pages and sites) changes content that
# everyone may see, except the ones below that no cached page shows.
USER_ROWS = {
    "people.user": ("pk",),
    "people.workerprofile": ("user_id",),
    "people.hrscope": ("user_id",),
    "people.notification": ("user_id",),
    "courses.enrolment": ("user_id",),
    "courses.lessonprogress": ("enrolment", "user_id"),
    "courses.reflectionnote": ("user_id",),
    "courses.trainingrecord": ("user_id",),
    "courses.assignmentenrolment": ("enrolment", "user_id"),
    "courses.sessionregistration": ("user_id",),
    "courses.externalhoursclaim": ("user_id",),
    "assessments.attempt": ("user_id",),
    "assessments.attemptitem": ("attempt", "user_id"),
    "assessments.quizgrade": ("user_id",),
    "assessments.certificate": ("user_id",),
    "assessments.competencyevidence": ("user_id",),
    "assessments.workercompetency": ("user_id",),
}
NOT_SHOWN = {
    "people.auditentry",
    "people.rosterimport",
    "people.outboxtask",
    "courses.enrolmentreminder",
    "assessments.certificateserial",
    "assessments.certificatearchive",
}
CONTENT_APPS = ("people", "courses", "assessments", "cms")


def _user_of(instance, path: tuple[str, ...]):
    value = instance
    for name in path:
        value = getattr(value, name, None)
        if value is None:
            return None
    return value


def _user_row_changed(sender, instance, **kwargs):
    user_pages_invalidate(_user_of(instance, USER_ROWS[sender._meta.label_lower]))


def _content_changed(sender, **kwargs):
    if kwargs.get("action", "post_").startswith("post_"):
        pages_invalidate_all()


def _groups_changed(sender, instance, action, pk_set, reverse, **kwargs):
    if not action.startswith("post_"):
        return
    if reverse:  # group.user_set changed: those users' menus change
        user_pages_invalidate(*(pk_set or ()))
        if action == "post_clear":
            pages_invalidate_all()
    else:
        user_pages_invalidate(instance.pk)


def connect_invalidation() -> None:
    """Connect the receivers; people.apps.ready calls it once all models exist."""
    from django.apps import apps
    from django.db.models.signals import m2m_changed, post_delete, post_save
    from wagtail.models import Page, Site
    from wagtail.signals import page_published, page_unpublished, post_page_move

    for model in apps.get_models():
        label = model._meta.label_lower
        if label in USER_ROWS:
            receiver = _user_row_changed
        elif model._meta.app_label in CONTENT_APPS and label not in NOT_SHOWN:
            receiver = _content_changed
        else:
            continue
        post_save.connect(receiver, sender=model, dispatch_uid=f"page_cache:{label}")
        post_delete.connect(receiver, sender=model, dispatch_uid=f"page_cache:{label}")
    for model in (Page, Site):
        post_save.connect(_content_changed, sender=model, dispatch_uid=f"pc:{model}")
        post_delete.connect(_content_changed, sender=model, dispatch_uid=f"pc-{model}")
    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(_content_changed, dispatch_uid=f"page_cache:{signal}")
    user_model = apps.get_model("people", "User")
    m2m_changed.connect(
        _groups_changed, sender=user_model.groups.through, dispatch_uid="pc:groups"
    )
    # Many-to-many fields of content (a course's audience, prerequisites).
    for model in apps.get_models():
        if model._meta.app_label not in CONTENT_APPS or model is user_model:
            continue
        for field in model._meta.many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(
                _content_changed, sender=through, dispatch_uid=f"pc:m2m:{through}"
            )
