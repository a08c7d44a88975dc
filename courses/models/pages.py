"""Course pages in Wagtail: the catalog, courses and their lessons."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from courses.blocks import LessonStreamBlock


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

    class Meta:
        verbose_name = _("course catalog")


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
    ]
    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = ["courses.LessonPage"]

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")


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
