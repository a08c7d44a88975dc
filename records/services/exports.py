"""Exports of the records table: streamed when small, a Celery job when large.

Every export is audited (``records.exported``): who, the filters and the
number of rows, whether it is downloaded at once or prepared by a job.
"""

from __future__ import annotations

import secrets
import tempfile
from datetime import timedelta

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from courses.selectors.learner import ledger_today
from people.audit import audit_record
from people.outbox import enqueue_on_commit
from records import exports
from records.models import ExportJob
from records.selectors.filters import RecordFilters, record_filters_from_dict
from records.selectors.records import record_rows_for, unit_full_names

FORMATS = {"xlsx", "csv"}


def export_lines(*, user, filters: RecordFilters):
    """The header and the neutralised lines of the records table for this user."""
    rows = record_rows_for(user=user, filters=filters).iterator(
        chunk_size=exports.CHUNK_SIZE
    )
    lines = exports.table_rows(
        rows, unit_names=unit_full_names(user=user), today=ledger_today()
    )
    return exports.header(year=filters.hours_year), lines


def export_audit(
    *,
    user,
    filters: RecordFilters,
    fmt: str,
    rows: int,
    request=None,
    job: ExportJob | None = None,
) -> None:
    """Write records.exported: who exported, with which filters, how many rows."""
    details = {"format": fmt, "filters": filters.as_dict(), "rows": rows}
    if job is not None:
        details["job"] = job.pk
    audit_record(
        action="records.exported", actor=user, obj=job, details=details, request=request
    )


@transaction.atomic
def export_job_create(
    *, user, filters: RecordFilters, fmt: str, rows: int, request=None
) -> ExportJob:
    """Queue a large export; the task runs once the job row is committed."""
    from records.tasks import export_run

    if fmt not in FORMATS:
        raise ValueError(fmt)
    job = ExportJob.objects.create(
        user=user, format=fmt, filters=filters.as_dict(), total_rows=rows
    )
    export_audit(
        user=user, filters=filters, fmt=fmt, rows=rows, request=request, job=job
    )
    enqueue_on_commit(export_run, job.pk)
    return job


def export_job_run(*, job_id: int) -> None:
    """Write the job's file under a random key in default storage.

    The filters are checked against the user's scope again: a reviewer whose
    scope was taken away since gets a failed job, not the rows.
    """
    job = ExportJob.objects.select_related("user").get(pk=job_id)
    if job.status not in (ExportJob.Status.PENDING, ExportJob.Status.RUNNING):
        return
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.RUNNING)
    try:
        filters = record_filters_from_dict(user=job.user, values=job.filters)
    except Http404:
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.FAILED,
            error="scope",
            finished_at=timezone.now(),
        )
        return
    head, lines = export_lines(user=job.user, filters=filters)

    def progress(count: int) -> None:
        ExportJob.objects.filter(pk=job.pk).update(rows_done=count)

    writer = exports.write_xlsx if job.format == "xlsx" else exports.write_csv
    with tempfile.TemporaryFile() as tmp:
        writer(tmp, head, lines, progress)
        tmp.seek(0)
        name = default_storage.save(
            f"exports/{secrets.token_urlsafe(24)}.{job.format}", File(tmp)
        )
    now = timezone.now()
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportJob.Status.DONE,
        file_name=name,
        finished_at=now,
        expires_at=now + timedelta(hours=settings.LIANXIN_EXPORT_TTL_HOURS),
    )


def export_job_fail(*, job_id: int, error: str) -> None:
    ExportJob.objects.filter(
        pk=job_id, status__in=[ExportJob.Status.PENDING, ExportJob.Status.RUNNING]
    ).update(
        status=ExportJob.Status.FAILED, error=error[:500], finished_at=timezone.now()
    )


def export_job_expire(*, job: ExportJob) -> None:
    """Delete the file of an export whose download time is over."""
    if job.file_name:
        default_storage.delete(job.file_name)
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportJob.Status.EXPIRED, file_name=""
    )
    job.status, job.file_name = ExportJob.Status.EXPIRED, ""


def exports_expire_due() -> int:
    """Expire every finished export past its time (the beat task). Returns how many."""
    due = ExportJob.objects.filter(
        status=ExportJob.Status.DONE, expires_at__lte=timezone.now()
    )
    count = 0
    for job in due.iterator():
        export_job_expire(job=job)
        count += 1
    return count


def export_job_is_expired(job: ExportJob) -> bool:
    return job.status == ExportJob.Status.EXPIRED or (
        job.status == ExportJob.Status.DONE
        and job.expires_at is not None
        and job.expires_at <= timezone.now()
    )
