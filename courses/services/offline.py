"""Offline sessions: registration, check-in by rotating QR code or by roster.

A check-in code changes every 30 seconds and is accepted for the current and
the previous window only, so a photo of the organiser's screen sent to a
friend stops working within a minute at most. Attendance credits the
session's hours in the ledger exactly once, however often someone checks in.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from datetime import UTC, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import OfflineSession, SessionRegistration, TrainingRecord
from courses.selectors.offline import session_may_present
from courses.services.ledger import hours_credit, ledger_year

CODE_WINDOW_SECONDS = 30
# Check-in opens this long before the start and closes at the end.
CHECKIN_OPENS_BEFORE = timedelta(minutes=30)


def _now_ts(at: float | None) -> float:
    return time.time() if at is None else at


def _code_for_window(session: OfflineSession, window: int) -> str:
    message = f"{session.pk}:{window}".encode()
    digest = hmac.new(session.checkin_secret.encode(), message, hashlib.sha256).digest()
    # 40 bits as 8 letters and digits: short enough to type, too many to guess
    # in the minute a code lives.
    return base64.b32encode(digest[:5]).decode()


def session_checkin_code(*, session: OfflineSession, at: float | None = None) -> str:
    """The check-in code shown now (or at `at`, seconds since the epoch)."""
    return _code_for_window(session, int(_now_ts(at) // CODE_WINDOW_SECONDS))


def session_code_seconds_left(*, at: float | None = None) -> int:
    """Seconds until the code on the organiser's screen changes."""
    return CODE_WINDOW_SECONDS - int(_now_ts(at) % CODE_WINDOW_SECONDS)


def session_code_is_valid(
    *, session: OfflineSession, code: str, at: float | None = None
) -> bool:
    """Is the code the current one or the one just before it?"""
    code = (code or "").strip().upper()
    window = int(_now_ts(at) // CODE_WINDOW_SECONDS)
    return any(
        hmac.compare_digest(code, _code_for_window(session, w))
        for w in (window, window - 1)
    )


def session_checkin_is_open(
    *, session: OfflineSession, at: float | None = None
) -> bool:
    """Check-in by code runs from 30 minutes before the start to the end."""
    now = datetime.fromtimestamp(_now_ts(at), tz=UTC)
    return session.starts_at - CHECKIN_OPENS_BEFORE <= now <= session.ends_at


def _lock(session: OfflineSession) -> OfflineSession:
    return OfflineSession.objects.select_for_update().get(pk=session.pk)


@transaction.atomic
def session_register(*, session: OfflineSession, user) -> SessionRegistration:
    """Register a worker for a session that has not started and has a seat left.

    The session row is locked so that two workers racing for the last seat
    cannot both get it.
    """
    session = _lock(session)
    if session.starts_at <= timezone.now():
        raise ValidationError(
            _("Registration closed when the session started."), code="closed"
        )
    if session.registrations.filter(user=user).exists():
        raise ValidationError(
            _("You are already registered for this session."),
            code="already_registered",
        )
    if session.registrations.count() >= session.capacity:
        raise ValidationError(_("The session is full."), code="full")
    return SessionRegistration.objects.create(session=session, user=user)


@transaction.atomic
def session_cancel_registration(*, session: OfflineSession, user) -> None:
    """Give a seat back before the session starts; attendance cannot be undone."""
    session = _lock(session)
    registration = session.registrations.filter(user=user).first()
    if registration is None:
        raise ValidationError(
            _("You are not registered for this session."), code="not_registered"
        )
    if registration.attended_at is not None:
        raise ValidationError(
            _("You attended this session: the registration stays."),
            code="attended",
        )
    if session.starts_at <= timezone.now():
        raise ValidationError(
            _("The session has started: the registration can no longer be cancelled."),
            code="closed",
        )
    registration.delete()


@transaction.atomic
def session_checkin(
    *,
    session: OfflineSession,
    user,
    code: str | None = None,
    by=None,
    at: float | None = None,
) -> tuple[SessionRegistration, bool]:
    """Record attendance and credit the session's hours once.

    Either the worker scanned the organiser's screen (`code`), or the
    organiser ticked the roster (`by`). Returns (registration, newly checked
    in). A worker who scans without having registered is let in as a walk-in
    while seats remain; the roster lists registered workers only.
    `at` (seconds since the epoch) replaces the clock in tests.
    """
    now_ts = _now_ts(at)
    if by is not None:
        if not session_may_present(session=session, user=by):
            raise PermissionDenied
        if datetime.fromtimestamp(now_ts, tz=UTC) < (
            session.starts_at - CHECKIN_OPENS_BEFORE
        ):
            raise ValidationError(
                _("Check-in opens 30 minutes before the session starts."),
                code="not_open",
            )
    else:
        if not session_checkin_is_open(session=session, at=now_ts):
            raise ValidationError(
                _(
                    "Check-in is open from 30 minutes before the session starts "
                    "until it ends."
                ),
                code="not_open",
            )
        if not session_code_is_valid(session=session, code=code or "", at=now_ts):
            raise ValidationError(
                _("The code has expired: scan the screen again."), code="expired"
            )
    session = _lock(session)
    registration = session.registrations.filter(user=user).first()
    if registration is None:
        if by is not None:
            raise ValidationError(
                _("This person is not registered for the session."),
                code="not_registered",
            )
        if session.registrations.count() >= session.capacity:
            raise ValidationError(
                _("The session is full and you did not register for it."),
                code="full",
            )
        registration = SessionRegistration.objects.create(session=session, user=user)
    if registration.attended_at is not None:
        return registration, False
    registration.attended_at = datetime.fromtimestamp(now_ts, tz=UTC)
    registration.checkin_method = (
        SessionRegistration.Method.ROSTER if by else SessionRegistration.Method.QR
    )
    registration.checked_in_by = by
    registration.save(update_fields=["attended_at", "checkin_method", "checked_in_by"])
    hours_credit(
        user=user,
        year=ledger_year(session.starts_at),
        hours=session.hours,
        source=TrainingRecord.Source.OFFLINE,
        reference=f"session:{session.pk}",
        title=session.title,
        created_by=by,
    )
    return registration, True
