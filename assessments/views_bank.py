"""Question bank pages for trainers: banks, questions, import, export, template.

Trainers and admins edit; reviewers may read. Workers never reach these pages:
they show keys and explanations.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from people import roles
from people.audit import audit_record
from people.decorators import role_required

from .exporters import CONTENT_TYPES, EXPORTERS, EXTENSIONS, export_bank
from .exporters.xlsx import CONTENT_TYPE as XLSX_CONTENT_TYPE
from .exporters.xlsx import template_xlsx
from .forms_bank import BankForm, ImportForm, QuestionForm
from .importers import import_questions, max_bytes, too_big_message
from .models import Question, QuestionBank
from .selectors.questions import (
    bank_filter_choices,
    bank_questions_for_trainer,
    banks_for_trainer,
    question_attempt_count,
    question_for_trainer,
    question_versions,
)
from .services.questions import bank_get_or_create, question_create, question_update

PER_PAGE = 25
EDITORS = (roles.TRAINER, roles.ADMIN)
READERS = (roles.TRAINER, roles.REVIEWER, roles.ADMIN)


def _can_edit(user) -> bool:
    return roles.has_role(user, *EDITORS)


@role_required(*READERS)
@require_http_methods(["GET", "POST"])
def bank_list(request):
    """Every bank with its number of questions; trainers add banks here."""
    form = BankForm()
    if request.method == "POST":
        if not _can_edit(request.user):
            raise PermissionDenied
        form = BankForm(request.POST)
        if form.is_valid():
            name = form.cleaned_data["name"].strip()
            if QuestionBank.objects.filter(name=name).exists():
                form.add_error("name", _("A bank with this name already exists."))
            else:
                bank = bank_get_or_create(name=name, by=request.user)
                bank.description = form.cleaned_data["description"]
                bank.save(update_fields=["description"])
                return redirect("assessments:bank_detail", pk=bank.pk)
    page = Paginator(banks_for_trainer(user=request.user), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "assessments/bank/bank_list.html",
        {"page": page, "form": form, "can_edit": _can_edit(request.user)},
    )


def _filters(request) -> dict:
    try:
        category = int(request.GET.get("category") or 0) or None
    except ValueError:
        category = None
    return {
        "category": category,
        "type": request.GET.get("type", ""),
        "difficulty": request.GET.get("difficulty", ""),
        "tag": request.GET.get("tag", "")[:100],
    }


@role_required(*READERS)
@require_GET
def bank_detail(request, pk: int):
    """A bank's questions, filtered by category, type, difficulty and tag."""
    bank = get_object_or_404(QuestionBank, pk=pk)
    filters = _filters(request)
    questions = bank_questions_for_trainer(user=request.user, bank=bank, **filters)
    page = Paginator(questions, PER_PAGE).get_page(request.GET.get("page"))
    query = urlencode({k: v for k, v in filters.items() if v})
    return render(
        request,
        "assessments/bank/bank_detail.html",
        {
            "bank": bank,
            "page": page,
            "filters": filters,
            "query": query,
            "types": Question.Type.choices,
            "difficulties": Question.Difficulty.choices,
            "can_edit": _can_edit(request.user),
            "formats": EXPORTERS,
            **bank_filter_choices(bank=bank),
        },
    )


@role_required(*EDITORS)
@require_http_methods(["GET", "POST"])
def bank_question_create(request, pk: int):
    """Write a new question into a bank."""
    bank = get_object_or_404(QuestionBank, pk=pk)
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            question_create(
                bank=bank,
                type=form.cleaned_data["type"],
                by=request.user,
                **form.service_fields(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The question was added."))
            return redirect("assessments:bank_detail", pk=bank.pk)
    return render(
        request,
        "assessments/bank/question_form.html",
        {"bank": bank, "form": form, "question": None},
    )


@role_required(*EDITORS)
@require_http_methods(["GET", "POST"])
def bank_question_edit(request, pk: int):
    """Edit a question; one that attempts used gets a new version."""
    try:
        question = question_for_trainer(user=request.user, pk=pk)
    except Question.DoesNotExist as exc:
        raise Http404 from exc
    attempts = question_attempt_count(question=question)
    if request.method == "POST":
        form = QuestionForm(
            request.POST, question=question, initial=QuestionForm.initial_for(question)
        )
        if form.is_valid():
            before = question.current_version_id
            try:
                version = question_update(
                    question=question, by=request.user, **form.service_fields()
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                if version.pk != before:
                    audit_record(
                        action="question.new_version",
                        obj=question,
                        details={"version": version.number, "attempts": attempts},
                        request=request,
                    )
                    messages.success(
                        request,
                        _(
                            "Saved as version %(number)s. Past attempts keep the "
                            "version they were marked against."
                        )
                        % {"number": version.number},
                    )
                else:
                    messages.success(request, _("The question was saved."))
                return redirect("assessments:bank_detail", pk=question.bank_id)
    else:
        form = QuestionForm(
            question=question, initial=QuestionForm.initial_for(question)
        )
    return render(
        request,
        "assessments/bank/question_form.html",
        {
            "bank": question.bank,
            "form": form,
            "question": question,
            "attempts": attempts,
            "versions": question_versions(question=question),
        },
    )


@role_required(*EDITORS)
@require_http_methods(["GET", "POST"])
def bank_import(request):
    """Upload a file of questions; the report says what to fix, row by row."""
    report = None
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            data = upload.read(max_bytes() + 1)
            if len(data) > max_bytes():
                form.add_error("file", too_big_message())
            else:
                report = import_questions(
                    data=data,
                    bank_name=form.cleaned_data["bank_name"],
                    format=form.cleaned_data["format"] or None,
                    filename=upload.name,
                    by=request.user,
                )
                if report.imported:
                    audit_record(
                        action="questions.import",
                        obj=report.bank,
                        details={
                            "file": upload.name[:200],
                            "format": report.format,
                            "imported": report.imported,
                            "skipped": len(report.skipped),
                        },
                        request=request,
                    )
                    messages.success(
                        request,
                        ngettext(
                            "%(count)s question was imported into %(bank)s.",
                            "%(count)s questions were imported into %(bank)s.",
                            report.imported,
                        )
                        % {"count": report.imported, "bank": report.bank.name},
                    )
                    if not report.skipped:
                        return redirect("assessments:bank_detail", pk=report.bank.pk)
    else:
        form = ImportForm(initial={"bank_name": request.GET.get("bank", "")[:100]})
    return render(
        request,
        "assessments/bank/import.html",
        {"form": form, "report": report, "max_mb": round(max_bytes() / 1024 / 1024)},
    )


@role_required(*READERS)
@require_GET
def bank_export(request, pk: int, format: str):
    """Download a bank as Moodle XML, GIFT or the XLSX template."""
    bank = get_object_or_404(QuestionBank, pk=pk)
    if format not in EXPORTERS:
        raise Http404
    result = export_bank(bank=bank, format=format)
    response = HttpResponse(result.data, content_type=CONTENT_TYPES[format])
    response["Content-Disposition"] = content_disposition_header(
        True, f"{bank.name}.{EXTENSIONS[format]}"
    )
    if result.skipped:
        # Downloads cannot show a message; the file itself lists them too.
        response["X-Skipped-Questions"] = str(len(result.skipped))
    return response


@role_required(*READERS)
@require_GET
def bank_template(request):
    """The blank XLSX template with examples of every type and a 说明 sheet."""
    response = HttpResponse(template_xlsx(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        True, "题库导入模板.xlsx"
    )
    return response
