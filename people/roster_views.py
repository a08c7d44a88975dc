"""Roster import pages for administrators: upload, report, blank template."""

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods

from . import roles
from .decorators import role_required
from .forms import RosterUploadForm
from .models import RosterImport
from .outbox import enqueue_on_commit
from .roster import (
    XLSX_CONTENT_TYPE,
    roster_import_create,
    roster_imports,
    roster_template_xlsx,
    roster_upload_problem,
)
from .tasks import roster_import_run

IMPORTS_PER_PAGE = 20


@role_required(roles.ADMIN)
@require_http_methods(["GET", "POST"])
def roster_upload(request):
    """Upload a roster; it is imported in the background and reported on."""
    if request.method == "POST":
        form = RosterUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            # One byte past the limit is enough to know it is too big.
            content = upload.read(settings.LIANXIN_ROSTER_MAX_BYTES + 1)
            problem = roster_upload_problem(filename=upload.name, content=content)
            if problem:
                form.add_error("file", problem)
            else:
                job = roster_import_create(
                    uploaded_by=request.user,
                    filename=upload.name,
                    content=content,
                    create_orgs=form.cleaned_data["create_orgs"],
                )
                enqueue_on_commit(roster_import_run, job.pk)
                return redirect("people:roster_detail", pk=job.pk)
    else:
        form = RosterUploadForm()
    page = Paginator(roster_imports(), IMPORTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "people/roster_upload.html", {"form": form, "page": page})


@role_required(roles.ADMIN)
@require_GET
def roster_detail(request, pk: int):
    """One import: its status, counts and every problem found."""
    job = get_object_or_404(roster_imports(), pk=pk)
    in_progress = job.status in (
        RosterImport.Status.PENDING,
        RosterImport.Status.RUNNING,
    )
    return render(
        request, "people/roster_detail.html", {"job": job, "in_progress": in_progress}
    )


@role_required(roles.ADMIN)
@require_GET
def roster_template(request):
    """A blank roster with the header row and one example row."""
    response = HttpResponse(roster_template_xlsx(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        True, "花名册模板.xlsx"
    )
    return response
