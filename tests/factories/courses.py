"""Course pages, built through Wagtail's page API under the home page of cms.0002.

    course = CoursePageFactory(title="人民调解法解读")
    lessons = LessonPageFactory.create_batch(3, course=course)

Pages are created live (as if published) unless `live=False` is passed; the
tree is re-read before each insert so that treebeard's paths stay right.
"""

from __future__ import annotations

import io
from decimal import Decimal

import factory
from django.core.files.base import ContentFile
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from cms.services import site_ensure
from courses.models import Category, CourseIndexPage, CoursePage, Enrolment, LessonPage
from courses.publishing import course_section_ensure


def course_index() -> CourseIndexPage:
    """The catalog (课程中心); made again after a transactional test's flush."""
    section = CourseIndexPage.objects.order_by("path").first()
    if section is None:
        site_ensure()
        section = course_section_ensure()
    return section


def category(slug: str = "law") -> Category:
    course_index()  # seeds the categories
    return Category.objects.get(slug=slug)


def _add_child(parent, page):
    parent = type(parent).objects.get(pk=parent.pk)
    parent.add_child(instance=page)
    return page


class CoursePageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CoursePage
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"社区工作实务课程{n}")
    slug = factory.Sequence(lambda n: f"course-{n}")
    summary = "讲解社区工作者日常工作中的政策依据、工作方法和典型案例。"
    category = factory.LazyFunction(lambda: category("law"))
    kind = CoursePage.Kind.ELECTIVE
    credit_hours = Decimal("1.5")
    estimated_minutes = 45
    live = True

    @classmethod
    def _create(cls, model_class, *args, parent=None, **kwargs):
        return _add_child(parent or course_index(), model_class(*args, **kwargs))

    @factory.post_generation
    def audience(self, create, extracted, **kwargs):
        if create and extracted:
            self.audience.set(extracted)
            self.save()

    @factory.post_generation
    def target_positions(self, create, extracted, **kwargs):
        if create and extracted:
            self.target_positions.set(extracted)
            self.save()

    @factory.post_generation
    def prerequisites(self, create, extracted, **kwargs):
        if create and extracted:
            self.prerequisites.set(extracted)
            self.save()


class LessonPageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LessonPage

    title = factory.Sequence(lambda n: f"第{n}课 工作方法")
    slug = factory.Sequence(lambda n: f"lesson-{n}")
    body = factory.LazyFunction(
        lambda: [("rich_text", "<p>社区工作者要熟悉居民情况，做到底数清、情况明。</p>")]
    )
    required = True
    estimated_minutes = 15
    live = True

    @classmethod
    def _create(cls, model_class, *args, course=None, **kwargs):
        if course is None:
            course = CoursePageFactory()
        return _add_child(course, model_class(*args, **kwargs))


class EnrolmentFactory(factory.django.DjangoModelFactory):
    """A plain row; tests of the rules use courses.services.learning instead."""

    class Meta:
        model = Enrolment

    course = factory.SubFactory(CoursePageFactory)


def image(title: str = "封面", size=(960, 540), color=(179, 38, 30)):
    """A real PNG in the image library (Wagtail makes renditions from it)."""
    buffer = io.BytesIO()
    PILImage.new("RGB", size, color).save(buffer, format="PNG")
    return get_image_model().objects.create(
        title=title, file=ContentFile(buffer.getvalue(), name="cover.png")
    )


def document(title: str = "讲义", content: bytes = b"%PDF-1.4\n", name="handout.pdf"):
    """A file in the document library (a video is a document with an .mp4 name)."""
    return get_document_model().objects.create(
        title=title, file=ContentFile(content, name=name)
    )
