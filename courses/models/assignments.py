"""Learning plans and HR assignments: plain models, written by courses.services."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class LearningPlan(models.Model):
    """A named bundle of courses (新任社区工作者岗前培训 …) assigned as one."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    courses = models.ManyToManyField(
        "courses.CoursePage",
        through="LearningPlanCourse",
        related_name="learning_plans",
        verbose_name=_("courses"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("learning plan")
        verbose_name_plural = _("learning plans")

    def __str__(self):
        return self.name


class LearningPlanCourse(models.Model):
    """One course of a plan, in the order the plan lists them."""

    plan = models.ForeignKey(
        LearningPlan,
        on_delete=models.CASCADE,
        related_name="plan_courses",
        verbose_name=_("learning plan"),
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("course"),
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("course of a plan")
        verbose_name_plural = _("courses of a plan")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "course"], name="learningplancourse_unique"
            )
        ]

    def __str__(self):
        return f"{self.plan_id} · {self.course_id}"


class Assignment(models.Model):
    """A course or a plan assigned by HR to an org subtree, maybe to some positions.

    Exactly one of ``course`` and ``plan`` is set. Every active worker in the
    subtree (and holding one of ``positions``, when any are listed) is enrolled,
    and so is every worker who joins or moves into the subtree while the
    assignment is active.
    """

    class FanOut(models.TextChoices):
        PENDING = "pending", _("Assigning")
        RUNNING = "running", _("Assigning")
        DONE = "done", _("Assigned")
        FAILED = "failed", _("Stopped")

    course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("course"),
    )
    plan = models.ForeignKey(
        LearningPlan,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("learning plan"),
    )
    org_unit = models.ForeignKey(
        "people.OrgUnit",
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=_("org unit (with everything under it)"),
    )
    positions = models.ManyToManyField(
        "people.Position",
        blank=True,
        related_name="assignments",
        verbose_name=_("positions (all when empty)"),
    )
    due_date = models.DateField(_("due date"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cancelled by"),
    )
    # Progress of the fan-out (enrolling the matching workers), shown while a
    # Celery task works through a large subtree.
    fan_out_status = models.CharField(
        _("enrolment status"),
        max_length=16,
        choices=FanOut.choices,
        default=FanOut.PENDING,
    )
    fan_out_total = models.PositiveIntegerField(_("workers to enrol"), default=0)
    fan_out_done = models.PositiveIntegerField(_("workers enrolled"), default=0)
    fan_out_finished_at = models.DateTimeField(
        _("enrolment finished"), null=True, blank=True
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(course__isnull=False, plan__isnull=True)
                    | models.Q(course__isnull=True, plan__isnull=False)
                ),
                name="assignment_course_xor_plan",
            )
        ]
        indexes = [models.Index(fields=["active", "org_unit"])]

    def __str__(self):
        return f"{self.course or self.plan} → {self.org_unit}"

    @property
    def target_label(self) -> str:
        return str(self.course or self.plan)


class AssignmentEnrolment(models.Model):
    """Which enrolments an assignment made or took over: its progress counts these.

    An enrolment may belong to several assignments (a course assigned to a
    street and, separately, to one of its communities); it keeps the earliest
    due date of them all.
    """

    assignment = models.ForeignKey(
        Assignment,
        on_delete=models.CASCADE,
        related_name="assignment_enrolments",
        verbose_name=_("assignment"),
    )
    enrolment = models.ForeignKey(
        "courses.Enrolment",
        on_delete=models.CASCADE,
        related_name="assignment_links",
        verbose_name=_("enrolment"),
    )
    # True when the assignment made the enrolment (it did not exist before):
    # cancelling may then remove it if the worker has not started.
    created_enrolment = models.BooleanField(_("made by the assignment"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("assigned enrolment")
        verbose_name_plural = _("assigned enrolments")
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "enrolment"], name="assignmentenrolment_unique"
            )
        ]

    def __str__(self):
        return f"{self.assignment_id} · {self.enrolment_id}"


class EnrolmentReminder(models.Model):
    """A due-date reminder stage sent for an enrolment: each stage goes out once.

    Kept apart from the notification itself, which the worker may clear:
    clearing the bell must not make tomorrow's run send the stage again.
    """

    class Stage(models.TextChoices):
        DUE_7 = "due7", _("Due in 7 days")
        DUE_1 = "due1", _("Due tomorrow")
        OVERDUE = "overdue", _("Overdue")

    enrolment = models.ForeignKey(
        "courses.Enrolment",
        on_delete=models.CASCADE,
        related_name="reminders",
        verbose_name=_("enrolment"),
    )
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices)
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("due-date reminder")
        verbose_name_plural = _("due-date reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "stage"], name="enrolmentreminder_once"
            )
        ]

    def __str__(self):
        return f"{self.enrolment_id} · {self.stage}"
