"""What a user may see of the catalog, and what the course pages read."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Length, Substr
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.models import Page, PageQuerySet

from courses.models import CoursePage, Enrolment, LessonPage, LessonProgress
from people.models import OrgUnit, WorkerProfile

# One filter spec for every catalog card, so that renditions are made once and
# then read in the same query as the page of courses.
CARD_IMAGE_SPEC = "fill-480x270"


def _org_unit_path(user) -> str | None:
    """The path of the user's org unit, read once per user object."""
    if not hasattr(user, "_lianxin_org_path"):
        user._lianxin_org_path = (
            WorkerProfile.objects.filter(user=user)
            .values_list("org_unit__path", flat=True)
            .first()
        )
    return user._lianxin_org_path


def _audience_q(path: str | None) -> Q:
    """Courses with no audience, or one that holds the unit or one of its ancestors."""
    through = CoursePage.audience.through
    has_audience = Exists(through.objects.filter(coursepage=OuterRef("pk")))
    if not path:
        return ~has_audience
    steplen = OrgUnit.steplen
    ancestors = [path[:end] for end in range(steplen, len(path) + 1, steplen)]
    in_audience = Exists(
        through.objects.filter(coursepage=OuterRef("pk"), orgunit__path__in=ancestors)
    )
    return ~has_audience | in_audience


def courses_visible_to(*, user) -> PageQuerySet:
    """Live, public courses open now whose audience includes the user's org unit.

    An empty audience means everyone; an audience of 东湖街道 includes every
    community and grid under it. Anonymous visitors see no course (the public
    learns nothing but a certificate's validity). Users without a worker profile
    (trainers, HR) see the courses open to everyone; they review content through
    the Wagtail admin.
    """
    if not user.is_authenticated:
        return CoursePage.objects.none()
    now = timezone.now()
    return (
        CoursePage.objects.live()
        .public()
        .filter(Q(available_from__isnull=True) | Q(available_from__lte=now))
        .filter(Q(available_until__isnull=True) | Q(available_until__gte=now))
        .filter(_audience_q(_org_unit_path(user)))
    )


def lessons_visible_to(*, user) -> PageQuerySet:
    """Live lessons of the courses the user may see, in one query."""
    steplen = Page.steplen
    return (
        LessonPage.objects.live()
        .public()
        .annotate(parent_path=Substr("path", 1, Length("path") - steplen))
        .filter(
            parent_path__in=Subquery(
                courses_visible_to(user=user).order_by().values("path")
            )
        )
    )


def catalog_courses(
    *, user, category=None, kind: str | None = None, position=None
) -> QuerySet[CoursePage]:
    """The catalog for a user, filtered, with what a card shows joined in.

    A course with no target positions is meant for every position, so it stays
    in the list whatever position is chosen.
    """
    qs = courses_visible_to(user=user)
    if category is not None:
        qs = qs.filter(category=category)
    if kind:
        qs = qs.filter(kind=kind)
    if position is not None:
        through = CoursePage.target_positions.through
        qs = qs.filter(
            ~Exists(through.objects.filter(coursepage=OuterRef("pk")))
            | Exists(
                through.objects.filter(coursepage=OuterRef("pk"), position=position)
            )
        )
    renditions = get_image_model().get_rendition_model().objects
    return (
        qs.defer_streamfields()
        .select_related("category", "cover_image")
        .prefetch_related(
            Prefetch(
                "cover_image__renditions",
                queryset=renditions.filter(filter_spec=CARD_IMAGE_SPEC),
            )
        )
        .order_by("path")
    )


def enrolments_by_course(*, user, course_ids) -> dict[int, Enrolment]:
    """The user's enrolments on these courses, keyed by course id."""
    if not user.is_authenticated:
        return {}
    return {
        e.course_id: e
        for e in Enrolment.objects.filter(user=user, course_id__in=list(course_ids))
    }


def course_lessons(*, course) -> PageQuerySet:
    """The live lessons of a course in their page order, without their bodies."""
    if course.path is None:
        return LessonPage.objects.none()
    return (
        LessonPage.objects.live()
        .filter(path__startswith=course.path, depth=course.depth + 1)
        .defer_streamfields()
        .order_by("path")
    )


def lessons_completed_ids(*, enrolment: Enrolment | None) -> set[int]:
    """Ids of the lessons the enrolment has completed."""
    if enrolment is None:
        return set()
    return set(
        LessonProgress.objects.filter(
            enrolment=enrolment, completed_at__isnull=False
        ).values_list("lesson_id", flat=True)
    )


def prerequisites_with_status(*, user, course) -> list[CoursePage]:
    """The live prerequisites of a course, each with `completed` for this user."""
    if course.pk is None:
        return []
    completed = Enrolment.objects.filter(
        course=OuterRef("pk"), user=user, status=Enrolment.Status.COMPLETED
    )
    return list(
        CoursePage.objects.live()
        .filter(required_by=course)
        .defer_streamfields()
        .annotate(completed=Exists(completed))
        .order_by("path")
    )
