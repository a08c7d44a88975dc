"""The HR home: the dashboard of the reviewer's scope (records/)."""

from django.core.paginator import Paginator
from django.shortcuts import render

from people import roles
from people.decorators import role_required
from people.models import OrgUnit
from records.reports import reports_generate
from records.selectors.dashboard import workers_page_rows
from records.selectors.filters import FilterError, record_filters
from records.selectors.options import filter_options

WORKERS_PER_PAGE = 25


@role_required(roles.HR, roles.ADMIN)
def home(request):
    """Completion, hours, certificates and competencies of the reviewer's scope."""
    try:
        filters = record_filters(user=request.user, data=request.GET)
    except FilterError as error:
        context = {"form": error.form, **filter_options(user=request.user)}
        return render(request, "records/dashboard/home.html", context, status=400)
    dashboard, reports = reports_generate(user=request.user, filters=filters)
    context = {
        "filters": filters,
        "form": filters.form,
        "dashboard": dashboard,
        "reports": reports,
        "is_admin_view": filters.roots is None,
        **filter_options(user=request.user),
    }
    if filters.unit is not None and filters.unit.level >= OrgUnit.Level.COMMUNITY:
        context["workers"] = Paginator(
            workers_page_rows(filters=filters), WORKERS_PER_PAGE
        ).get_page(request.GET.get("page"))
    return render(request, "records/dashboard/home.html", context)
