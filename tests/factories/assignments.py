"""Learning plans, assignments and external hours claims.

Assignments made here are plain rows (no one enrolled): tests of the rules use
courses.services.assignments.assignment_create, which fans out.
"""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

import factory
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from courses.models import Assignment, ExternalHoursClaim, LearningPlan
from people import roles
from tests.factories.courses import CoursePageFactory
from tests.factories.people import UserFactory, org_unit


class LearningPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LearningPlan
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"新任社区工作者岗前培训（第{n}期）")
    description = "新入职社区工作者必修的法律法规和工作方法课程。"

    @factory.post_generation
    def courses(self, create, extracted, **kwargs):
        from courses.models import LearningPlanCourse

        if create and extracted:
            for n, course in enumerate(extracted):
                LearningPlanCourse.objects.create(
                    plan=self, course=course, sort_order=n
                )


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    course = factory.SubFactory(CoursePageFactory)
    org_unit = factory.LazyFunction(lambda: org_unit("测试区"))
    due_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))
    created_by = factory.SubFactory(UserFactory, roles=[roles.HR])
    fan_out_status = Assignment.FanOut.DONE


def png_bytes(size=(40, 30), color=(20, 120, 60), **save_kwargs) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG", **save_kwargs)
    return buffer.getvalue()


def jpeg_bytes(size=(40, 30), color=(200, 30, 30), exif: bytes | None = None) -> bytes:
    buffer = io.BytesIO()
    kwargs = {"exif": exif} if exif else {}
    Image.new("RGB", size, color).save(buffer, format="JPEG", **kwargs)
    return buffer.getvalue()


PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def upload(content: bytes, name: str = "proof.png", content_type="image/png"):
    return SimpleUploadedFile(name, content, content_type=content_type)


class ClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExternalHoursClaim

    user = factory.SubFactory(UserFactory, roles=[roles.WORKER])
    title = factory.Sequence(lambda n: f"市民政局社区治理专题培训班（第{n}期）")
    organiser = "市民政局"
    start_date = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=10))
    end_date = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=8))
    hours = Decimal("6.0")
    proof = factory.LazyFunction(lambda: ContentFile(png_bytes(), name="proof.png"))
    proof_name = "证书.png"
    proof_content_type = "image/png"
