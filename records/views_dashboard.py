"""A worker's record, the exports and their progress pages (HR in scope, admins)."""

from __future__ import annotations

import tempfile

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    HttpResponseBadRequest,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from courses.models import TrainingRecord
from people import roles
from people.audit import audit_record
from people.decorators import role_required
from people.models import WorkerProfile
from records import exports
from records.models import ExportJob
from records.selectors.filters import FilterError, record_filters
from records.selectors.records import record_rows_count
from records.selectors.workers import SOURCES, worker_for, worker_record_for
from records.services.exports import (
    export_audit,
    export_job_create,
    export_job_expire,
    export_job_is_expired,
    export_lines,
)
from records.transcripts import transcript_pdf

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@require_safe
@role_required(roles.HR, roles.ADMIN)
def worker_record(request, user_id: int):
    """One worker's enrolments, scores, hours, certificates and competencies."""
    record = worker_record_for(user=request.user, worker_id=user_id)
    labels = dict(TrainingRecord.Source.choices)
    context = {
        "record": record,
        "source_labels": [labels[s] for s in SOURCES],
        "transcript_url": reverse("records:worker_transcript", args=[user_id]),
    }
    return render(request, "records/dashboard/worker.html", context)


def _filename(fmt: str) -> str:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return f"records-{stamp}.{fmt}"


@require_safe
@role_required(roles.HR, roles.ADMIN)
def export(request, fmt: str):
    """The records table with the dashboard's filters, as XLSX or CSV.

    Small exports stream straight away; larger ones become a job with a
    progress page. Both are audited with the filters and the row count.
    """
    if fmt not in CONTENT_TYPES:
        raise Http404
    try:
        filters = record_filters(user=request.user, data=request.GET)
    except FilterError:
        return HttpResponseBadRequest()
    count = record_rows_count(user=request.user, filters=filters)
    if count > settings.LIANXIN_EXPORT_ASYNC_ROWS:
        job = export_job_create(
            user=request.user, filters=filters, fmt=fmt, rows=count, request=request
        )
        return redirect("records:export_job", job.pk)
    export_audit(
        user=request.user, filters=filters, fmt=fmt, rows=count, request=request
    )
    head, lines = export_lines(user=request.user, filters=filters)
    disposition = f'attachment; filename="{_filename(fmt)}"'
    if fmt == "csv":
        response = StreamingHttpResponse(
            exports.csv_chunks(head, lines), content_type=CONTENT_TYPES["csv"]
        )
        response["Content-Disposition"] = disposition
        return response
    # Write-only XLSX goes to a temporary file, then streams from it; the file
    # disappears when the response closes it.
    tmp = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    exports.write_xlsx(tmp, head, lines)
    tmp.seek(0)
    return FileResponse(
        tmp,
        as_attachment=True,
        filename=_filename(fmt),
        content_type=CONTENT_TYPES["xlsx"],
    )


def _own_job(request, pk: int) -> ExportJob:
    """A job of the signed-in user only: anyone else's is a 404."""
    return get_object_or_404(ExportJob, pk=pk, user=request.user)


def _job_state(request, job: ExportJob) -> dict:
    expired = export_job_is_expired(job)
    return {
        "status": ExportJob.Status.EXPIRED if expired else job.status,
        "label": str(ExportJob.Status(job.status).label)
        if not expired
        else str(ExportJob.Status.EXPIRED.label),
        "rows": job.total_rows,
        "done": job.rows_done,
        "percent": job.percent,
        "download": (
            reverse("records:export_download", args=[job.pk])
            if job.status == ExportJob.Status.DONE and not expired
            else ""
        ),
        "expires_at": job.expires_at.isoformat() if job.expires_at else None,
    }


@require_safe
@role_required(roles.HR, roles.ADMIN)
def export_job(request, pk: int):
    """The progress of a large export; refreshes itself (with or without JS)."""
    job = _own_job(request, pk)
    context = {"job": job, "state": _job_state(request, job)}
    return render(request, "records/exports/job.html", context)


@require_safe
@role_required(roles.HR, roles.ADMIN)
def export_job_status(request, pk: int):
    """The progress as JSON, for the progress bar's script."""
    job = _own_job(request, pk)
    return JsonResponse(_job_state(request, job))


@require_safe
@role_required(roles.HR, roles.ADMIN)
def export_download(request, pk: int):
    """The file of a finished export, until it expires (then it is deleted: 410)."""
    job = _own_job(request, pk)
    if export_job_is_expired(job):
        if job.status != ExportJob.Status.EXPIRED:
            export_job_expire(job=job)
        return render(request, "records/exports/expired.html", {"job": job}, status=410)
    if job.status != ExportJob.Status.DONE or not job.file_name:
        return redirect("records:export_job", job.pk)
    return FileResponse(
        default_storage.open(job.file_name, "rb"),
        as_attachment=True,
        filename=_filename(job.format),
        content_type=CONTENT_TYPES[job.format],
    )


def _pdf_response(data: bytes, profile) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    name = f"transcript-{profile.employee_no}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_safe
@role_required(roles.HR, roles.ADMIN)
def worker_transcript(request, user_id: int):
    """HR prints the transcript and hours statement of a worker in scope (audited)."""
    profile = worker_for(user=request.user, worker_id=user_id)
    data = transcript_pdf(profile=profile)
    audit_record(
        action="records.transcript_printed",
        obj=profile,
        details={"worker": profile.user_id},
        request=request,
    )
    return _pdf_response(data, profile)


@require_safe
@login_required
def my_transcript(request):
    """A worker downloads their own transcript and hours statement."""
    profile = (
        WorkerProfile.objects.filter(user=request.user)
        .select_related("user", "org_unit", "position")
        .first()
    )
    if profile is None:
        raise Http404
    return _pdf_response(transcript_pdf(profile=profile), profile)
