"""The choices of the dashboard's filter form, in a fixed number of queries."""

from __future__ import annotations

from courses.models import CoursePage
from courses.models.assignments import LearningPlan
from people.models import OrgUnit, Position
from people.selectors import org_units_in_scope


def filter_options(*, user) -> dict:
    """Units in scope down to communities (grids are reached by drilling down),
    courses, plans and positions for the filter form's selects."""
    return {
        "unit_options": list(
            org_units_in_scope(user=user)
            .filter(depth__lte=OrgUnit.Level.COMMUNITY)
            .order_by("path")
            .only("pk", "name", "depth", "path")
        ),
        "course_options": list(
            CoursePage.objects.order_by("title").only("pk", "title")
        ),
        "plan_options": list(LearningPlan.objects.order_by("name").only("pk", "name")),
        "position_options": list(Position.objects.all()),
    }
