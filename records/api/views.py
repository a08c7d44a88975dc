"""Read-only endpoints of the records API.

Every queryset starts from the same scope as the HR pages (people.selectors
and records.selectors.filters), so a token sees exactly what its owner sees
in the browser. A filter naming an org unit outside the scope is a 404.
"""

from __future__ import annotations

import datetime

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Length, Substr
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from drf_spectacular.views import SpectacularAPIView
from rest_framework import viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.renderers import JSONRenderer

from assessments.models import Certificate
from courses.models import Enrolment, TrainingRecord
from people import roles
from people.decorators import role_required
from people.models import OrgUnit
from people.selectors import org_units_in_scope, workers_in_scope
from records.api import serializers
from records.api.auth import HashedTokenAuthentication
from records.api.pagination import RecordsPagination
from records.api.permissions import IsReviewer
from records.selectors.filters import RecordFilters, record_filters

UPDATED_SINCE = OpenApiParameter(
    "updated_since",
    OpenApiTypes.DATETIME,
    description="Only rows changed at or after this ISO 8601 time (incremental sync).",
)
ORG_UNIT = OpenApiParameter(
    "org_unit",
    OpenApiTypes.INT,
    description="Only rows under this org unit (in your scope; otherwise 404).",
)
WORKER = OpenApiParameter("worker", OpenApiTypes.INT, description="One worker's rows.")
PAGE_SIZE = OpenApiParameter(
    "page_size",
    OpenApiTypes.INT,
    description="Rows per page (100 by default, 1000 at most).",
)


class RecordsViewSet(viewsets.ReadOnlyModelViewSet):
    authentication_classes = [HashedTokenAuthentication, SessionAuthentication]
    permission_classes = [IsReviewer]
    pagination_class = RecordsPagination
    renderer_classes = [JSONRenderer]
    updated_field = "updated_at"

    def get_object(self):
        # One answer for "does not exist" and "not yours": an id tells nothing.
        try:
            return super().get_object()
        except Http404 as missing:
            raise NotFound from missing

    def scope_filters(self) -> RecordFilters:
        """The owner's scope, narrowed by ``org_unit`` (404 when out of scope)."""
        if not hasattr(self, "_scope_filters"):
            unit = self.request.query_params.get("org_unit")
            self._scope_filters = record_filters(
                user=self.request.user, data={"unit": unit} if unit else None
            )
        return self._scope_filters

    def updated_since(self):
        raw = self.request.query_params.get("updated_since")
        if not raw:
            return None
        try:
            value = parse_datetime(raw.replace(" ", "+"))
            if value is not None and timezone.is_naive(value):
                value = timezone.make_aware(value)
            # PostgreSQL refuses offsets beyond ±15:59 (Python allows ±23:59).
            value = value and value.astimezone(datetime.UTC)
        except (ValueError, OverflowError):  # 2024-02-30, or out of range in UTC
            value = None
        if value is None:
            raise ValidationError(
                {"updated_since": _("Give an ISO 8601 date and time.")}
            )
        return value

    def since_q(self, since) -> Q:
        return Q(**{f"{self.updated_field}__gte": since})

    def int_param(self, name: str) -> int | None:
        raw = self.request.query_params.get(name)
        if raw in (None, ""):
            return None
        try:
            return int(raw)
        except ValueError as error:
            raise ValidationError({name: _("Give a whole number.")}) from error

    def narrow(self, qs: QuerySet) -> QuerySet:
        since = self.updated_since()
        if since is not None:
            qs = qs.filter(self.since_q(since))
        return qs.order_by(self.updated_field, "pk")


@extend_schema_view(
    list=extend_schema(parameters=[UPDATED_SINCE, ORG_UNIT, PAGE_SIZE]),
)
class OrgUnitViewSet(RecordsViewSet):
    """Org units in your scope. Org units carry no change time: ``updated_since``
    is accepted and ignored (the tree is small; sync it whole)."""

    serializer_class = serializers.OrgUnitSerializer

    def get_queryset(self):
        filters = self.scope_filters()
        parent = OrgUnit.objects.filter(
            path=Substr(OuterRef("path"), 1, Length(OuterRef("path")) - OrgUnit.steplen)
        ).values("pk")[:1]
        qs = org_units_in_scope(user=self.request.user)
        if filters.unit is not None:
            qs = qs.filter(path__startswith=filters.unit.path)
        self.updated_since()  # validated all the same
        return qs.annotate(parent_id=Subquery(parent)).order_by("path")


@extend_schema_view(
    list=extend_schema(parameters=[UPDATED_SINCE, ORG_UNIT, PAGE_SIZE]),
)
class WorkerViewSet(RecordsViewSet):
    """Workers (in post or not) in your scope; ``id`` is the user id."""

    serializer_class = serializers.WorkerSerializer
    lookup_field = "user_id"
    lookup_url_kwarg = "pk"

    def get_queryset(self):
        filters = self.scope_filters()
        qs = workers_in_scope(user=self.request.user).filter(filters.unit_q())
        return self.narrow(qs)


class _WorkerRowsViewSet(RecordsViewSet):
    """Rows that belong to a worker in scope (through user.profile)."""

    model = None

    def base_queryset(self) -> QuerySet:
        raise NotImplementedError

    def get_queryset(self):
        filters = self.scope_filters()
        qs = self.base_queryset().filter(filters.unit_q("user__profile__"))
        worker = self.int_param("worker")
        if worker is not None:
            qs = qs.filter(user_id=worker)
        return self.narrow(qs)


WORKER_ROW_PARAMS = [UPDATED_SINCE, ORG_UNIT, WORKER, PAGE_SIZE]


@extend_schema_view(list=extend_schema(parameters=[*WORKER_ROW_PARAMS]))
class EnrolmentViewSet(_WorkerRowsViewSet):
    """Enrolments of workers in your scope, completed or not."""

    serializer_class = serializers.EnrolmentSerializer

    def base_queryset(self):
        return Enrolment.objects.select_related("course", "user__profile")


@extend_schema_view(list=extend_schema(parameters=[*WORKER_ROW_PARAMS]))
class CompletionViewSet(EnrolmentViewSet):
    """Completed enrolments only: what an HR system files as completions."""

    def base_queryset(self):
        return super().base_queryset().filter(status=Enrolment.Status.COMPLETED)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            *WORKER_ROW_PARAMS,
            OpenApiParameter("year", OpenApiTypes.INT, description="Ledger year."),
        ]
    )
)
class HoursViewSet(_WorkerRowsViewSet):
    """The training-hours ledger (append-only: credits and corrections)."""

    serializer_class = serializers.HoursSerializer
    updated_field = "created_at"

    def base_queryset(self):
        qs = TrainingRecord.objects.select_related("user__profile")
        year = self.int_param("year")
        return qs.filter(year=year) if year is not None else qs


@extend_schema_view(list=extend_schema(parameters=[*WORKER_ROW_PARAMS]))
class CertificateViewSet(_WorkerRowsViewSet):
    """Certificates of workers in your scope; ``updated_since`` matches issue or
    revocation."""

    serializer_class = serializers.CertificateSerializer
    updated_field = "issued_at"

    def base_queryset(self):
        return Certificate.objects.select_related("user__profile")

    def since_q(self, since) -> Q:
        return Q(issued_at__gte=since) | Q(revoked_at__gte=since)


class SchemaView(SpectacularAPIView):
    """The OpenAPI 3 schema, for HR reviewers and their tokens."""

    authentication_classes = [HashedTokenAuthentication, SessionAuthentication]
    permission_classes = [IsReviewer]


@role_required(roles.HR, roles.ADMIN)
def docs(request):
    """The API's documentation drawn from its schema, with no external assets."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    endpoints = []
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            endpoints.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("description", ""),
                    "parameters": operation.get("parameters", []),
                }
            )
    if not endpoints:
        raise Http404
    return render(
        request,
        "records/api/docs.html",
        {"info": schema.get("info", {}), "endpoints": endpoints},
    )
