"""What the records API returns: plain fields, ids for links, no wellbeing data."""

from __future__ import annotations

from rest_framework import serializers

from assessments.models import Certificate
from courses.models import Enrolment, TrainingRecord
from people.models import OrgUnit, WorkerProfile


class OrgUnitSerializer(serializers.ModelSerializer):
    parent = serializers.IntegerField(
        source="parent_id", allow_null=True, read_only=True
    )

    class Meta:
        model = OrgUnit
        fields = ["id", "name", "level", "code", "parent", "path"]


class WorkerSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="user_id", read_only=True)
    name = serializers.CharField(source="user.get_full_name", read_only=True)
    username = serializers.CharField(source="user.username", read_only=True)
    org_unit_name = serializers.CharField(source="org_unit.name", read_only=True)
    position = serializers.CharField(
        source="position.name", allow_null=True, read_only=True, default=None
    )

    class Meta:
        model = WorkerProfile
        fields = [
            "id",
            "employee_no",
            "name",
            "username",
            "org_unit",
            "org_unit_name",
            "position",
            "grade",
            "hire_date",
            "qualification",
            "qualification_date",
            "is_active",
            "updated_at",
        ]


class EnrolmentSerializer(serializers.ModelSerializer):
    worker = serializers.IntegerField(source="user_id", read_only=True)
    employee_no = serializers.CharField(
        source="user.profile.employee_no", read_only=True
    )
    course = serializers.IntegerField(source="course_id", read_only=True)
    course_title = serializers.CharField(source="course.title", read_only=True)
    percent = serializers.IntegerField(read_only=True)

    class Meta:
        model = Enrolment
        fields = [
            "id",
            "worker",
            "employee_no",
            "course",
            "course_title",
            "source",
            "status",
            "percent",
            "lessons_done",
            "lessons_required",
            "due_date",
            "enrolled_at",
            "completed_at",
            "updated_at",
        ]


class HoursSerializer(serializers.ModelSerializer):
    worker = serializers.IntegerField(source="user_id", read_only=True)
    employee_no = serializers.CharField(
        source="user.profile.employee_no", read_only=True
    )
    corrects = serializers.IntegerField(
        source="corrects_id", allow_null=True, read_only=True
    )

    class Meta:
        model = TrainingRecord
        fields = [
            "id",
            "worker",
            "employee_no",
            "year",
            "hours",
            "source",
            "reference",
            "title",
            "reason",
            "corrects",
            "created_at",
        ]


class CertificateSerializer(serializers.ModelSerializer):
    worker = serializers.IntegerField(source="user_id", read_only=True)
    employee_no = serializers.CharField(
        source="user.profile.employee_no", read_only=True
    )
    course = serializers.IntegerField(source="course_id", read_only=True)

    class Meta:
        model = Certificate
        fields = [
            "id",
            "worker",
            "employee_no",
            "serial",
            "course",
            "course_title",
            "holder_name",
            "hours",
            "completed_on",
            "issued_at",
            "expires_on",
            "revoked_at",
        ]
