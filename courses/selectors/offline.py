"""Reads of offline sessions: who may see them, who runs them, who came."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from courses.models import OfflineSession, SessionRegistration
from courses.selectors.catalog import courses_visible_to
from people import roles


def session_may_present(*, session: OfflineSession, user) -> bool:
    """The organiser and admins run a session's screen and roster."""
    if not getattr(user, "is_authenticated", False):
        return False
    return session.organiser_id == user.pk or roles.has_role(user, roles.ADMIN)


def sessions_visible_to(*, user, upcoming: bool = False) -> QuerySet[OfflineSession]:
    """Sessions the user may see, with seats taken and their own registration.

    A session tied to a course is seen by whoever may see the course; one
    without a course by everyone signed in. Organisers always see their own,
    admins everything. `upcoming` keeps the sessions that have not ended.
    """
    qs = OfflineSession.objects.select_related("organiser")
    if not roles.has_role(user, roles.ADMIN):
        visible_courses = courses_visible_to(user=user).values("pk")
        qs = qs.filter(
            Q(course__isnull=True)
            | Q(course__in=visible_courses)
            | Q(organiser_id=user.pk)
        )
    if upcoming:
        qs = qs.filter(ends_at__gte=timezone.now())
    mine = SessionRegistration.objects.filter(session=OuterRef("pk"), user_id=user.pk)
    return qs.annotate(
        seats_taken=Count("registrations", distinct=True),
        registered=Exists(mine),
        my_attended_at=Subquery(mine.values("attended_at")[:1]),
    ).order_by("starts_at", "pk")


def session_roster(*, session: OfflineSession) -> QuerySet[SessionRegistration]:
    """Everyone registered for a session, by name, with what the roster shows."""
    return session.registrations.select_related(
        "user", "user__profile", "user__profile__org_unit"
    ).order_by("user__name", "user__username")


def sessions_registered_by(*, user) -> QuerySet[SessionRegistration]:
    """The worker's registrations for sessions that have not ended, soonest first."""
    return (
        SessionRegistration.objects.filter(
            user_id=user.pk, session__ends_at__gte=timezone.now()
        )
        .select_related("session")
        .order_by("session__starts_at", "session_id")
    )
