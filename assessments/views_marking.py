"""Marking pages: the essay queue, one essay's mark, key correction, item statistics."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from people import roles
from people.decorators import role_required

from .forms_marking import KeyForm, MarkForm
from .models import Quiz
from .selectors.marking import (
    item_for_marking,
    item_next_to_mark,
    items_to_mark_for,
    marking_filters_for,
    question_for_key_correction,
    versions_with_attempt_counts,
)
from .selectors.statistics import ALL, FIRST, histogram_bars, quiz_statistics_for
from .services.marking import (
    REGRADE_INLINE_MAX,
    item_mark,
    key_correction_progress,
    question_key_correct,
)

PER_PAGE = 25


def _int(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def _queue_filters(data) -> dict:
    return {
        "quiz": _int(data.get("quiz")),
        "course": _int(data.get("course")),
        "marked": data.get("state") == "marked",
    }


def _queue_query(filters: dict) -> str:
    params = {key: filters[key] for key in ("quiz", "course") if filters[key]}
    if filters["marked"]:
        params["state"] = "marked"
    return urlencode(params)


@role_required(roles.TRAINER, roles.ADMIN)
@require_GET
def marking_queue(request):
    """Essays waiting for a mark (or marked ones, to mark again), filtered."""
    filters = _queue_filters(request.GET)
    items = items_to_mark_for(
        user=request.user,
        quiz_id=filters["quiz"],
        course_id=filters["course"],
        marked=filters["marked"],
    )
    page = Paginator(items, PER_PAGE).get_page(request.GET.get("page"))
    quizzes, courses = marking_filters_for(user=request.user)
    query = _queue_query(filters)
    return render(
        request,
        "assessments/marking/queue.html",
        {
            "page_obj": page,
            "filters": filters,
            "quizzes": quizzes,
            "courses": courses,
            "query": query,
        },
    )


@role_required(roles.TRAINER, roles.ADMIN)
@require_http_methods(["GET", "POST"])
def marking_item(request, item_id: int):
    """One answer with its question and rubric; the form gives the mark."""
    item = item_for_marking(user=request.user, pk=item_id)
    if item is None:
        raise Http404
    filters = _queue_filters(request.POST if request.method == "POST" else request.GET)
    form = MarkForm(
        request.POST or None,
        points=item.points,
        initial={"score": item.score, "feedback": item.feedback},
    )
    if request.method == "POST" and form.is_valid():
        try:
            item_mark(
                item=item,
                score=form.cleaned_data["score"],
                feedback=form.cleaned_data["feedback"],
                by=request.user,
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Marked: %(score)s of %(points)s for %(worker)s.")
                % {
                    "score": form.cleaned_data["score"],
                    "points": item.points,
                    "worker": item.attempt.user.get_full_name(),
                },
            )
            return _after_marking(request, item, filters)
    return render(
        request,
        "assessments/marking/item.html",
        {
            "item": item,
            "attempt": item.attempt,
            "question": item.version.question,
            "answer_text": _answer_text(item.answer),
            "form": form,
            "filters": filters,
            "query": _queue_query(filters),
        },
    )


def _after_marking(request, item, filters):
    if "next" in request.POST and not filters["marked"]:
        following = item_next_to_mark(
            user=request.user,
            after=item,
            quiz_id=filters["quiz"],
            course_id=filters["course"],
        )
        if following is not None:
            url = reverse("assessments:marking_item", args=[following.pk])
            query = _queue_query(filters)
            return redirect(f"{url}?{query}" if query else url)
    url = reverse("assessments:marking_queue")
    query = _queue_query(filters)
    return redirect(f"{url}?{query}" if query else url)


def _answer_text(answer) -> str:
    """An essay answer as plain text (the template escapes it)."""
    if isinstance(answer, dict):
        return str(answer.get("text", ""))
    if isinstance(answer, list):
        return "\n".join(str(part) for part in answer)
    return "" if answer is None else str(answer)


@role_required(roles.TRAINER, roles.ADMIN)
@require_http_methods(["GET", "POST"])
def key_correct(request, question_id: int):
    """Pick a version, change its key, confirm with the number of attempts regraded."""
    question = question_for_key_correction(user=request.user, pk=question_id)
    if question is None:
        raise Http404
    versions = versions_with_attempt_counts(question=question)
    for each in versions:
        each.key_text = _key_text(each.answer)
    chosen_id = _int(request.POST.get("version") or request.GET.get("version"))
    default = question.current_version_id or (versions[-1].pk if versions else None)
    version = next((v for v in versions if v.pk == (chosen_id or default)), None)
    if version is None:
        raise Http404
    version.question = question
    context = {
        "question": question,
        "versions": versions,
        "version": version,
        "progress": key_correction_progress(version_id=version.pk),
        "inline_max": REGRADE_INLINE_MAX,
    }
    if question.type == question.Type.ESSAY:
        return render(request, "assessments/marking/key_correct.html", context)
    form = KeyForm(request.POST or None, version=version)
    if request.method == "POST" and "edit" not in request.POST and form.is_valid():
        if "confirm" in request.POST:
            answer, choices = form.key()
            try:
                count = question_key_correct(
                    version=version,
                    answer=answer,
                    choices=choices,
                    by=request.user,
                    request=request,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                _say_regraded(request, count)
                url = reverse("assessments:marking_key_correct", args=[question.pk])
                return redirect(f"{url}?{urlencode({'version': version.pk})}")
        else:
            context.update(confirming=True, form=form, **_key_change(form, version))
            return render(request, "assessments/marking/key_confirm.html", context)
    context["form"] = form
    return render(request, "assessments/marking/key_correct.html", context)


def _say_regraded(request, count: int) -> None:
    if count > REGRADE_INLINE_MAX:
        messages.success(
            request,
            _(
                "The key is corrected. %(count)s attempts are being regraded in "
                "the background; this page shows how far it has got."
            )
            % {"count": count},
        )
    else:
        messages.success(
            request,
            ngettext(
                "The key is corrected and %(count)s attempt was regraded.",
                "The key is corrected and %(count)s attempts were regraded.",
                count,
            )
            % {"count": count},
        )


def _key_change(form: KeyForm, version) -> dict:
    """The old and new key side by side for the confirmation page."""
    return {
        "count": getattr(version, "attempt_count", 0),
        "old_key": _key_text(version.answer),
        "new_key": _key_text(form.new_answer),
        "fraction_rows": [
            {
                "key": c["key"],
                "old": _pct(c.get("fraction")),
                "new": _pct(n.get("fraction")),
            }
            for c, n in zip(version.choices, form.new_choices or [], strict=False)
        ],
    }


def _pct(fraction) -> str:
    return f"{round(float(fraction or 0) * 100, 2):g}%"


def _key_text(answer) -> str:
    """A key as a line of text: "A, C"; blanks as "答案1 | 答案2 ; 第二空"."""
    answer = answer or []
    if any(isinstance(part, list) for part in answer):
        return " ; ".join(" | ".join(part) for part in answer)
    return ", ".join(str(part) for part in answer)


@role_required(roles.TRAINER, roles.REVIEWER, roles.ADMIN)
@require_GET
def quiz_statistics(request, quiz_id: int):
    """Facility, discrimination and SD per question; the quiz's score distribution."""
    quiz = get_object_or_404(Quiz.objects.select_related("course"), pk=quiz_id)
    which = FIRST if request.GET.get("attempts") == FIRST else ALL
    stats = quiz_statistics_for(user=request.user, quiz=quiz, which=which)
    return render(
        request,
        "assessments/statistics/quiz.html",
        {
            "quiz": quiz,
            "stats": stats,
            "histogram": histogram_bars(stats.bands),
            "may_correct": roles.has_role(request.user, roles.TRAINER, roles.ADMIN),
        },
    )
