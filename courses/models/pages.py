"""Course pages in Wagtail: the catalog, courses and their lessons."""

from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from courses.blocks import LessonStreamBlock
from people.page_cache import page_cache_allow, page_cache_rekey

from .learning import Enrolment, LessonProgress, ReflectionNote


class Category(models.Model):
    """A course area (法律法规, 公文写作 …), editable by admins as a snippet."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    slug = models.SlugField(_("slug"), max_length=50, unique=True, allow_unicode=True)
    description = models.TextField(_("description"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("course category")
        verbose_name_plural = _("course categories")

    def __str__(self):
        return self.name


class CourseIndexPage(Page):
    """The course catalog."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, "intro"]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["courses.CoursePage"]
    max_count = 1

    per_page = 12

    class Meta:
        verbose_name = _("course catalog")

    def serve(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        page_cache_allow(request)
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        from courses.forms_learning import CatalogFilterForm
        from courses.selectors.catalog import catalog_courses, enrolments_by_course

        context = super().get_context(request, *args, **kwargs)
        form = CatalogFilterForm(request.GET)
        courses = catalog_courses(user=request.user, **form.filters())
        page = Paginator(courses, self.per_page).get_page(request.GET.get("page"))
        enrolments = enrolments_by_course(
            user=request.user, course_ids=[course.pk for course in page]
        )
        for course in page:
            course.enrolment = enrolments.get(course.pk)
        context.update(
            filter_form=form,
            filter_query=form.querystring(),
            filtered=any(v is not None for v in form.filters().values()),
            courses=page,
        )
        return context


class CoursePage(Page):
    class Kind(models.TextChoices):
        REQUIRED = "required", _("Required (必修)")
        ELECTIVE = "elective", _("Elective (选修)")

    summary = models.TextField(_("summary"), max_length=500)
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cover image"),
    )
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        null=True,
        related_name="courses",
        verbose_name=_("category"),
    )
    kind = models.CharField(
        _("required or elective"),
        max_length=16,
        choices=Kind.choices,
        default=Kind.ELECTIVE,
    )
    target_positions = ParentalManyToManyField(
        "people.Position",
        blank=True,
        related_name="target_courses",
        verbose_name=_("target positions"),
        help_text=_("Leave empty for every position."),
    )
    credit_hours = models.DecimalField(
        _("credit hours (学时)"), max_digits=4, decimal_places=1, default=1
    )
    estimated_minutes = models.PositiveIntegerField(_("estimated minutes"), default=45)
    prerequisites = ParentalManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="required_by",
        verbose_name=_("prerequisites"),
    )
    available_from = models.DateTimeField(_("available from"), null=True, blank=True)
    available_until = models.DateTimeField(_("available until"), null=True, blank=True)
    audience = ParentalManyToManyField(
        "people.OrgUnit",
        blank=True,
        related_name="courses",
        verbose_name=_("audience"),
        help_text=_(
            "Org units (with everything under them) that may see the course. "
            "Leave empty for everyone."
        ),
    )
    # Filled by the Certificates feature.
    certificate_enabled = models.BooleanField(_("issues a certificate"), default=False)
    certificate_validity_months = models.PositiveSmallIntegerField(
        _("certificate validity (months)"),
        null=True,
        blank=True,
        help_text=_("Leave empty for a certificate that never expires."),
    )
    certificate_design = models.CharField(
        _("certificate design"),
        max_length=20,
        default="classic",
        choices=[("classic", _("Classic")), ("modern", _("Modern"))],
    )
    certificate_renews = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="renewal_courses",
        verbose_name=_("renews the certificate of"),
        help_text=_(
            "Completing this course starts a new certificate cycle for that course."
        ),
    )

    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
    ]
    content_panels = [
        *Page.content_panels,
        "summary",
        "cover_image",
        "category",
        "kind",
        "target_positions",
        "credit_hours",
        "estimated_minutes",
        "prerequisites",
        "available_from",
        "available_until",
        "audience",
    ]
    settings_panels = [
        *Page.settings_panels,
        "certificate_enabled",
        "certificate_validity_months",
        "certificate_design",
        "certificate_renews",
    ]
    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = ["courses.LessonPage"]

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    def serve(self, request, *args, **kwargs):
        """Signed-in users who may see the course (audience, availability) only."""
        from courses.selectors.catalog import courses_visible_to

        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not courses_visible_to(user=request.user).filter(pk=self.pk).exists():
            raise Http404
        page_cache_allow(request)
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        from courses.completion import completion_blockers
        from courses.extensions import course_panels
        from courses.selectors.catalog import (
            course_lessons,
            lessons_completed_ids,
            prerequisites_with_status,
        )

        context = super().get_context(request, *args, **kwargs)
        user = request.user
        enrolment = None
        prerequisites = []
        if user.is_authenticated and self.pk:
            enrolment = Enrolment.objects.filter(user=user, course=self).first()
            prerequisites = prerequisites_with_status(user=user, course=self)
        lessons = list(course_lessons(course=self))
        done_ids = lessons_completed_ids(enrolment=enrolment)
        for number, lesson in enumerate(lessons, start=1):
            lesson.number = number
            lesson.done = lesson.pk in done_ids
        required = [lesson for lesson in lessons if lesson.required]
        required_done = sum(1 for lesson in required if lesson.done)
        completed = (
            enrolment is not None and enrolment.status == Enrolment.Status.COMPLETED
        )
        if completed or not required:
            percent = 100 if completed else 0
        else:
            percent = round(100 * required_done / len(required))
        blockers = []
        if enrolment and not completed and required and required_done == len(required):
            blockers = completion_blockers(enrolment)
        context.update(
            enrolment=enrolment,
            completed=completed,
            lessons=lessons,
            lessons_required=len(required),
            lessons_required_done=required_done,
            percent=percent,
            prerequisites=prerequisites,
            prerequisites_missing=[p for p in prerequisites if not p.completed],
            resume_lesson=self.resume_lesson(lessons, enrolment),
            completion_blockers=blockers,
            target_positions=list(self.target_positions.all()) if self.pk else [],
            course_panels=course_panels(request, self, enrolment) if self.pk else [],
        )
        return context

    @staticmethod
    def resume_lesson(lessons, enrolment):
        """The lesson that 继续学习 (resume) opens.

        The last lesson opened if it is not done yet, else the next one not done
        after it, else the first one not done at all (or the first lesson).
        """
        if not lessons:
            return None
        last_id = enrolment.last_lesson_id if enrolment else None
        position = next((i for i, x in enumerate(lessons) if x.pk == last_id), None)
        if position is not None:
            if not lessons[position].done:
                return lessons[position]
            later = [x for x in lessons[position + 1 :] if not x.done]
            if later:
                return later[0]
        return next((x for x in lessons if not x.done), lessons[0])


class LessonPage(Page):
    """One lesson of a course; its order is the page order under the course."""

    body = StreamField(LessonStreamBlock(), verbose_name=_("body"), blank=True)
    required = models.BooleanField(
        _("required for completion"),
        default=True,
    )
    estimated_minutes = models.PositiveIntegerField(_("estimated minutes"), default=15)

    search_fields = [*Page.search_fields, index.SearchField("body")]
    content_panels = [*Page.content_panels, "body", "required", "estimated_minutes"]
    parent_page_types = ["courses.CoursePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    @property
    def course_path(self) -> str:
        return self.path[: -self.steplen]

    def serve(self, request, *args, **kwargs):
        """Lessons of the courses the user may see; anyone who may see them reads them.

        Progress needs an enrolment: the page shows an enrol prompt instead of
        the 完成本课 button. Opening a lesson remembers it for 继续学习.
        """
        from courses.selectors.catalog import courses_visible_to
        from courses.services.learning import enrolment_last_lesson_set

        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        course = (
            courses_visible_to(user=request.user)
            .filter(path=self.course_path)
            .defer_streamfields()
            .first()
        )
        if course is None:
            raise Http404
        enrolment = Enrolment.objects.filter(user=request.user, course=course).first()
        if enrolment is not None and enrolment.last_lesson_id != self.pk:
            enrolment_last_lesson_set(enrolment=enrolment, lesson=self)
            page_cache_rekey(request)
        self._serving = {"course": course, "enrolment": enrolment}
        page_cache_allow(request)
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        from courses.selectors.catalog import course_lessons

        context = super().get_context(request, *args, **kwargs)
        user = request.user
        serving = getattr(self, "_serving", None)
        if serving is None:  # a preview in the admin
            course = CoursePage.objects.filter(path=self.course_path).first()
            enrolment = (
                Enrolment.objects.filter(user=user, course=course).first()
                if course and user.is_authenticated
                else None
            )
        else:
            course, enrolment = serving["course"], serving["enrolment"]
        lessons = list(course_lessons(course=course)) if course else []
        index = next((i for i, x in enumerate(lessons) if x.pk == self.pk), None)
        progress = None
        notes = {}
        if user.is_authenticated and self.pk:
            if enrolment is not None:
                progress = LessonProgress.objects.filter(
                    enrolment=enrolment, lesson=self
                ).first()
            notes = {
                note.block_id: note
                for note in ReflectionNote.objects.filter(user=user, lesson=self)
            }
        done = progress is not None and progress.completed_at is not None
        # Set by views_learning.reflection_save when a note could not be saved.
        feedback = getattr(self, "reflection_feedback", {})
        context.update(
            reflection_drafts=feedback.get("drafts", {}),
            reflection_errors=feedback.get("errors", {}),
            course=course,
            enrolment=enrolment,
            progress=progress,
            lesson_done=done,
            lesson_number=index + 1 if index is not None else None,
            lesson_count=len(lessons),
            previous_lesson=lessons[index - 1] if index else None,
            next_lesson=(
                lessons[index + 1]
                if index is not None and index + 1 < len(lessons)
                else None
            ),
            reflection_notes=notes,
            video_progress_url=(
                reverse("courses:video_progress", args=[self.pk])
                if enrolment is not None and not done and self.pk
                else ""
            ),
        )
        return context
