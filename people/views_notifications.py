"""The bell: a user's notifications, marked read when opened, cleared at will."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .models import Notification
from .notifications import notifications_clear, notifications_mark_read

PER_PAGE = 25


@login_required
@require_GET
def notification_list(request):
    """Newest first, unread ones marked; every user has one, whatever the role."""
    page = Paginator(
        Notification.objects.filter(user=request.user).order_by("-created_at", "-pk"),
        PER_PAGE,
    ).get_page(request.GET.get("page"))
    return render(request, "people/notifications/list.html", {"page": page})


@login_required
@require_GET
def notification_open(request, pk: int):
    """Mark one notification read and go where it points (our own site only)."""
    note = get_object_or_404(Notification, pk=pk, user=request.user)
    notifications_mark_read(user=request.user, ids=[note.pk])
    if note.url and url_has_allowed_host_and_scheme(
        note.url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(note.url)
    return redirect("people:notification_list")


@login_required
@require_POST
def notifications_read_all(request):
    notifications_mark_read(user=request.user)
    messages.success(request, _("All notifications are marked read."))
    return redirect("people:notification_list")


@login_required
@require_POST
def notification_clear(request, pk: int):
    note = get_object_or_404(Notification, pk=pk, user=request.user)
    notifications_clear(user=request.user, ids=[note.pk])
    messages.success(request, _("The notification was removed."))
    return redirect("people:notification_list")


@login_required
@require_http_methods(["GET", "POST"])
def notifications_clear_all(request):
    """Ask first, then remove every notification of the user."""
    if request.method == "POST":
        count = notifications_clear(user=request.user)
        messages.success(
            request,
            ngettext(
                "%(count)s notification was removed.",
                "%(count)s notifications were removed.",
                count,
            )
            % {"count": count},
        )
        return redirect("people:notification_list")
    count = Notification.objects.filter(user=request.user).count()
    return render(request, "people/notifications/clear.html", {"count": count})
