"""Offline sessions: the worker's list, details, registration and check-in;
the organiser's screen with the rotating QR code and the roster."""

from __future__ import annotations

import re

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from people import roles
from people.decorators import role_required

from .models import OfflineSession
from .selectors.offline import session_may_present, session_roster, sessions_visible_to
from .services.offline import (
    session_cancel_registration,
    session_checkin,
    session_checkin_code,
    session_checkin_is_open,
    session_code_is_valid,
    session_code_seconds_left,
    session_register,
)

SESSIONS_PER_PAGE = 20
# How often the organiser's screen asks for the current code (seconds).
REFRESH_SECONDS = 5


def _visible_session(request, pk: int) -> OfflineSession:
    return get_object_or_404(sessions_visible_to(user=request.user), pk=pk)


def _presentable_session(request, pk: int) -> OfflineSession:
    session = get_object_or_404(OfflineSession, pk=pk)
    if not session_may_present(session=session, user=request.user):
        raise PermissionDenied
    return session


def _checkin_url(request, session: OfflineSession, code: str) -> str:
    path = reverse("courses:session_checkin", args=[session.pk])
    return request.build_absolute_uri(f"{path}?{urlencode({'code': code})}")


def _qr_svg(data: str) -> str:
    """An inline SVG of the QR code, sized by CSS rather than in millimetres."""
    image = qrcode.make(
        data, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2
    )
    svg = image.to_string(encoding="unicode")
    return re.sub(r'width="[^"]*" height="[^"]*"', 'class="qr-code"', svg, count=1)


def _current_code(request, session: OfflineSession) -> dict:
    code = session_checkin_code(session=session)
    url = _checkin_url(request, session, code)
    return {
        "code": code,
        "url": url,
        "svg": _qr_svg(url),
        "seconds_left": session_code_seconds_left(),
    }


@login_required
@require_GET
def session_list(request):
    """Upcoming sessions the user may see, soonest first."""
    page = Paginator(
        sessions_visible_to(user=request.user, upcoming=True), SESSIONS_PER_PAGE
    ).get_page(request.GET.get("page"))
    return render(request, "courses/offline_list.html", {"page": page})


@login_required
@require_GET
def session_detail(request, pk: int):
    """A session's details, the user's status and what they may do."""
    session = _visible_session(request, pk)
    return render(
        request,
        "courses/offline_detail.html",
        {
            "session": session,
            "is_worker": roles.has_role(request.user, roles.WORKER),
            "may_present": session_may_present(session=session, user=request.user),
        },
    )


@role_required(roles.WORKER)
@require_POST
def session_register_view(request, pk: int):
    session = _visible_session(request, pk)
    try:
        session_register(session=session, user=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("You are registered. See you there."))
    return redirect("courses:session_detail", pk=session.pk)


@role_required(roles.WORKER)
@require_http_methods(["GET", "POST"])
def session_cancel_view(request, pk: int):
    """Asks first, then gives the seat back."""
    session = _visible_session(request, pk)
    if request.method == "POST":
        try:
            session_cancel_registration(session=session, user=request.user)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("Your registration was cancelled."))
        return redirect("courses:session_detail", pk=session.pk)
    return render(request, "courses/offline_cancel.html", {"session": session})


@role_required(roles.WORKER)
@require_http_methods(["GET", "POST"])
def session_checkin_view(request, pk: int):
    """Scanning leads here: GET asks to confirm (never checks in), POST checks in."""
    session = _visible_session(request, pk)
    code = (request.POST.get("code") or request.GET.get("code") or "").strip()
    error = None
    checked_in = False
    if request.method == "POST":
        try:
            _registration, checked_in = session_checkin(
                session=session, user=request.user, code=code
            )
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            if checked_in:
                messages.success(request, _("You are checked in."))
            return redirect("courses:session_checkin", pk=session.pk)
    is_open = session_checkin_is_open(session=session)
    if request.method == "GET" and session.my_attended_at is None:
        if not is_open:
            error = _(
                "Check-in is open from 30 minutes before the session starts "
                "until it ends."
            )
        elif code and not session_code_is_valid(session=session, code=code):
            error = _("The code has expired: scan the screen again.")
    return render(
        request,
        "courses/offline_checkin.html",
        {
            "session": session,
            # A refused code is not offered again; a fresh one is typed or scanned.
            "code": "" if error else code,
            "error": error,
            "is_open": is_open,
        },
    )


@login_required
@never_cache
@require_GET
def session_present(request, pk: int):
    """The organiser's screen: the rotating QR code and the roster to tick."""
    session = _presentable_session(request, pk)
    roster = list(session_roster(session=session))
    return render(
        request,
        "courses/offline_present.html",
        {
            "session": session,
            "current": _current_code(request, session),
            "roster": roster,
            "attended": sum(1 for r in roster if r.attended_at),
            "refresh_seconds": REFRESH_SECONDS,
        },
    )


@login_required
@require_GET
def session_present_code(request, pk: int):
    """The current code as JSON for the organiser's screen; never cached."""
    session = _presentable_session(request, pk)
    attended = list(
        session.registrations.filter(attended_at__isnull=False).values_list(
            "user_id", flat=True
        )
    )
    response = JsonResponse(
        {
            **_current_code(request, session),
            "attended": attended,
            "attended_count": len(attended),
        }
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def session_roster_view(request, pk: int):
    """Tick people without phones as present; each ticked person is credited once."""
    session = _presentable_session(request, pk)
    ticked = {int(v) for v in request.POST.getlist("attended") if v.isdigit()}
    newly = 0
    for registration in session_roster(session=session).filter(
        user_id__in=ticked, attended_at__isnull=True
    ):
        try:
            _registration, created = session_checkin(
                session=session, user=registration.user, by=request.user
            )
        except ValidationError as error:
            messages.error(request, error.messages[0])
            break
        newly += created
    if newly:
        messages.success(
            request,
            ngettext(
                "%(count)d person checked in.", "%(count)d people checked in.", newly
            )
            % {"count": newly},
        )
    return redirect("courses:session_present", pk=session.pk)
