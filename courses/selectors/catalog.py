"""What a user may see of the catalog."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from courses.models import CoursePage, LessonPage


def courses_visible_to(*, user):
    """Live, public courses open now whose audience includes the user's org unit.

    An empty audience means everyone. Staff roles that edit content see them
    through the Wagtail admin, not here.
    """
    now = timezone.now()
    qs = (
        CoursePage.objects.live()
        .public()
        .filter(Q(available_from__isnull=True) | Q(available_from__lte=now))
        .filter(Q(available_until__isnull=True) | Q(available_until__gte=now))
    )
    profile = getattr(user, "profile", None) if user.is_authenticated else None
    open_to_all = Q(audience__isnull=True)
    if profile is None:
        return qs.filter(open_to_all).distinct()
    path = profile.org_unit.path
    step = len(path) // max(profile.org_unit.depth, 1)
    ancestors = [path[: step * i] for i in range(1, profile.org_unit.depth + 1)]
    return qs.filter(open_to_all | Q(audience__path__in=ancestors)).distinct()


def lessons_visible_to(*, user):
    """Live lessons of the courses the user may see."""
    course_paths = courses_visible_to(user=user).values_list("path", flat=True)
    q = Q(pk__in=[])
    for path in course_paths:
        q |= Q(path__startswith=path)
    return LessonPage.objects.live().public().filter(q)
