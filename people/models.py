"""People: users, the org tree, worker profiles, HR scopes and the audit log."""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

mobile_validator = RegexValidator(
    r"^1[3-9]\d{9}$", _("Enter an 11-digit mainland mobile number, e.g. 13800138000.")
)


class User(AbstractUser):
    """A person who signs in. Roles are Django groups (see people.roles)."""

    name = models.CharField(_("full name"), max_length=50, blank=True)
    mobile = models.CharField(
        _("mobile phone"),
        max_length=11,
        unique=True,
        null=True,
        blank=True,
        validators=[mobile_validator],
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.name or self.username

    def get_full_name(self):
        return self.name or self.username

    def get_short_name(self):
        return self.name or self.username


class OrgUnit(MP_Node):
    """A node of the org tree: 区/县 → 街道/乡镇 → 社区/村 → 网格.

    Materialised paths make "everything under this street" one indexed
    prefix query: ``path__startswith=street.path``.
    """

    class Level(models.IntegerChoices):
        DISTRICT = 1, _("District / county")
        STREET = 2, _("Street / township")
        COMMUNITY = 3, _("Community / village")
        GRID = 4, _("Grid")

    name = models.CharField(_("name"), max_length=100)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    code = models.CharField(_("code"), max_length=32, blank=True)

    node_order_by = ["name"]

    class Meta:
        verbose_name = _("org unit")
        verbose_name_plural = _("org units")

    def __str__(self):
        return self.name

    def clean(self):
        if self.level and self.depth and self.level != self.depth:
            raise ValidationError(
                {"level": _("An org unit's level must match its place in the tree.")}
            )


class Position(models.Model):
    """A post a worker holds (书记, 主任, 网格员 …): an admin-editable list."""

    class PostType(models.TextChoices):
        PRINCIPAL = "principal", _("Principal (正职)")
        DEPUTY = "deputy", _("Deputy (副职)")
        OTHER = "other", _("Other (其他)")

    name = models.CharField(_("name"), max_length=50, unique=True)
    post_type = models.CharField(
        _("post type"), max_length=16, choices=PostType.choices, default=PostType.OTHER
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("position")
        verbose_name_plural = _("positions")

    def __str__(self):
        return self.name


class WorkerProfile(models.Model):
    """What HR knows of a community worker (社区工作者)."""

    class Qualification(models.TextChoices):
        NONE = "none", _("None")
        ASSISTANT = "assistant", _("Assistant social worker (助理社会工作师)")
        SOCIAL_WORKER = "social_worker", _("Social worker (社会工作师)")
        SENIOR = "senior", _("Senior social worker (高级社会工作师)")

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="profile", verbose_name=_("user")
    )
    employee_no = models.CharField(_("employee number"), max_length=32, unique=True)
    org_unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        related_name="workers",
        verbose_name=_("org unit"),
    )
    position = models.ForeignKey(
        Position,
        on_delete=models.PROTECT,
        related_name="workers",
        null=True,
        blank=True,
        verbose_name=_("position"),
    )
    grade = models.PositiveSmallIntegerField(_("grade"), null=True, blank=True)
    hire_date = models.DateField(_("hire date"), null=True, blank=True)
    qualification = models.CharField(
        _("social-work qualification"),
        max_length=16,
        choices=Qualification.choices,
        default=Qualification.NONE,
    )
    qualification_date = models.DateField(
        _("qualification registration date"), null=True, blank=True
    )
    is_active = models.BooleanField(_("in post"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("worker profile")
        verbose_name_plural = _("worker profiles")
        indexes = [models.Index(fields=["org_unit", "is_active"])]

    def __str__(self):
        return f"{self.user} ({self.employee_no})"


class HRScope(models.Model):
    """An org subtree an HR reviewer may see. One user may hold several."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="hr_scopes", verbose_name=_("user")
    )
    org_unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.CASCADE,
        related_name="hr_scopes",
        verbose_name=_("org unit"),
    )

    class Meta:
        verbose_name = _("HR scope")
        verbose_name_plural = _("HR scopes")
        constraints = [
            models.UniqueConstraint(fields=["user", "org_unit"], name="hrscope_unique")
        ]

    def __str__(self):
        return f"{self.user} → {self.org_unit}"


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("The audit log is append-only.")

    def delete(self):
        raise PermissionError("The audit log is append-only.")


class AuditEntry(models.Model):
    """One line of the append-only audit log, written by people.audit.audit_record."""

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_label = models.CharField(_("actor name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_label = models.CharField(_("object"), max_length=255, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The audit log is append-only.")


class RosterImport(models.Model):
    """One uploaded roster file and what became of it.

    The file is kept in the database (rosters are small) so that any app
    server or Celery worker can read it without shared disks.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Rejected")

    uploaded_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("uploaded by"),
    )
    filename = models.CharField(_("file name"), max_length=255)
    content = models.BinaryField(_("content"))
    create_orgs = models.BooleanField(_("create missing org units"), default=False)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("roster import")
        verbose_name_plural = _("roster imports")

    def __str__(self):
        return self.filename


class Notification(models.Model):
    """An in-site message to one user (the bell), optionally also sent by email.

    ``key`` makes a notification happen once: reminders pass a key such as
    ``due-7:enrolment:42`` and a second send with the same key does nothing.
    """

    user = models.ForeignKey(
        "people.User",
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("kind"), max_length=40, blank=True)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    # NULL, not "", so that the unique constraint ignores notifications without a key.
    key = models.CharField(_("key"), max_length=120, null=True, blank=True)  # noqa: DJ001
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"], name="notification_once_per_key"
            )
        ]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self):
        return self.title


class OutboxTask(models.Model):
    """A background task queued while the broker (Redis) was unreachable.

    people.outbox.enqueue_on_commit stores the task here when publishing fails;
    the beat task people.tasks.outbox_flush and every worker start publish the
    rows again and delete each one as it is published.
    """

    task = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("arguments"), default=list)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("queued task")
        verbose_name_plural = _("queued tasks")
        ordering = ["id"]

    def __str__(self):
        return self.task
