"""The worker's quiz pages: intro, attempt (autosave, submit) and review.

Nothing a page or a JSON answer sends may reveal a right answer before the
review policy allows it: the attempt page is built from ``question_for_page``,
which copies only the stem, the choice texts in this attempt's order and the
worker's own answer.
"""

from __future__ import annotations

import json
import math

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from assessments.models import Attempt, AttemptItem, Question
from assessments.selectors.attempts import (
    attempt_for_worker,
    attempt_items,
    quiz_state_for_worker,
    quizzes_visible_to,
    review_shows_answers,
)
from assessments.services.attempts import (
    AttemptClosed,
    InvalidAnswerError,
    QuizUnavailableError,
    StaleSequence,
    attempt_answer_save,
    attempt_close_if_expired,
    attempt_start,
    attempt_submit,
    quiz_unavailable_reason,
)
from people import roles
from people.decorators import role_required

CHOICE_TYPES = (Question.Type.SINGLE, Question.Type.MULTIPLE, Question.Type.TRUE_FALSE)


def _own_attempt(request, attempt_id: int) -> Attempt:
    attempt = attempt_for_worker(user=request.user, attempt_id=attempt_id)
    if attempt is None:
        raise Http404
    return attempt


def _remaining_seconds(attempt: Attempt) -> int | None:
    if attempt.deadline is None:
        return None
    return max(math.ceil((attempt.deadline - timezone.now()).total_seconds()), 0)


def clock(seconds: int | None) -> str:
    """Seconds as the timer shows them: 09:05, or 1:02:03 past an hour."""
    if seconds is None:
        return ""
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def _blanks(item: AttemptItem) -> int:
    return max(len(item.version.answer or []), 1)


def question_for_page(item: AttemptItem) -> dict:
    """What the attempt page may show of one item: never the key or fractions."""
    version = item.version
    qtype = version.question.type
    texts = {str(c.get("key")): c.get("text", "") for c in version.choices or []}
    answer = item.answer
    picked = set(answer) if qtype in CHOICE_TYPES and answer else set()
    question = {
        "position": item.position,
        "type": qtype,
        "type_label": Question.Type(qtype).label,
        "stem": version.stem,
        "points": item.points,
        "answered": answer not in (None, [], {}),
        "choices": [
            {"key": key, "text": texts.get(key, ""), "checked": key in picked}
            for key in (item.choice_order or list(texts))
        ]
        if qtype in CHOICE_TYPES
        else [],
        "blanks": [],
        "text": "",
    }
    if qtype == Question.Type.FILL:
        given = answer if isinstance(answer, list) else []
        question["blanks"] = [
            {"number": n + 1, "value": given[n] if n < len(given) else ""}
            for n in range(_blanks(item))
        ]
    elif qtype == Question.Type.SHORT:
        question["text"] = answer[0] if isinstance(answer, list) and answer else ""
    elif qtype == Question.Type.ESSAY:
        question["text"] = answer.get("text", "") if isinstance(answer, dict) else ""
    return question


def answers_from_post(items: list[AttemptItem], data) -> dict[int, object]:
    """The plain form's answers by position (the page without JavaScript)."""
    answers = {}
    for item in items:
        name = f"q{item.position}"
        qtype = item.version.question.type
        if qtype == Question.Type.MULTIPLE:
            answers[item.position] = data.getlist(name)
        elif qtype == Question.Type.FILL:
            answers[item.position] = [
                data.get(f"{name}_{n}", "") for n in range(1, _blanks(item) + 1)
            ]
        else:
            answers[item.position] = data.get(name, "")
    return answers


@role_required(roles.WORKER)
@require_safe
def quiz_intro(request, quiz_id: int):
    """The quiz's intro: rules, attempts used, best result, start or resume."""
    quiz = get_object_or_404(quizzes_visible_to(user=request.user), pk=quiz_id)
    state = quiz_state_for_worker(user=request.user, quiz=quiz)
    reason = "" if state.open_attempt else quiz_unavailable_reason(quiz=quiz)
    if not reason and not state.open_attempt and not state.remaining:
        reason = _("You have used all %(count)s attempts at this quiz.") % {
            "count": quiz.attempts_allowed
        }
    return render(
        request,
        "assessments/quiz/intro.html",
        {"quiz": quiz, "state": state, "reason": reason},
    )


@role_required(roles.WORKER)
@require_POST
def quiz_start(request, quiz_id: int):
    """开始答题 / 继续答题: start an attempt or resume the open one."""
    quiz = get_object_or_404(quizzes_visible_to(user=request.user), pk=quiz_id)
    try:
        attempt = attempt_start(quiz=quiz, user=request.user)
    except QuizUnavailableError as refused:
        messages.error(request, str(refused))
        return redirect("assessments:quiz_intro", quiz_id=quiz.pk)
    return redirect("assessments:quiz_attempt", attempt_id=attempt.pk)


@role_required(roles.WORKER)
@require_safe
def attempt_page(request, attempt_id: int):
    """All questions on one page, with the saved answers and the time left."""
    attempt = _own_attempt(request, attempt_id)
    if attempt_close_if_expired(attempt=attempt):
        messages.warning(
            request,
            _("Time is up: your attempt was closed with the answers saved so far."),
        )
    if attempt.status != Attempt.Status.IN_PROGRESS:
        return redirect("assessments:quiz_review", attempt_id=attempt.pk)
    questions = [question_for_page(item) for item in attempt_items(attempt=attempt)]
    remaining = _remaining_seconds(attempt)
    return render(
        request,
        "assessments/quiz/attempt.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "questions": questions,
            "unanswered": [q["position"] for q in questions if not q["answered"]],
            "remaining": remaining,
            "remaining_text": clock(remaining),
        },
    )


def _json_error(code: str, message: str, status: int, **extra) -> JsonResponse:
    return JsonResponse({"error": code, "message": message, **extra}, status=status)


@role_required(roles.WORKER)
@require_POST
def attempt_answer(request, attempt_id: int):
    """Autosave one answer: JSON ``{"position", "answer", "seq"}`` in, new seq out."""
    attempt = _own_attempt(request, attempt_id)
    try:
        payload = json.loads(request.body or b"{}")
        position = int(payload["position"])
        seq = int(payload["seq"])
        answer = payload.get("answer")
    except (ValueError, KeyError, TypeError):
        return _json_error("invalid", _("This answer could not be read."), 400)
    try:
        attempt = attempt_answer_save(
            attempt=attempt, position=position, answer=answer, seq=seq
        )
    except StaleSequence as stale:
        return _json_error("stale", str(stale), 409, seq=stale.seq)
    except AttemptClosed as closed:
        return _json_error(
            "closed",
            str(closed),
            409,
            review_url=reverse("assessments:quiz_review", args=[attempt.pk]),
        )
    except InvalidAnswerError as invalid:
        return _json_error("invalid", str(invalid), 400)
    return JsonResponse(
        {
            "ok": True,
            "seq": attempt.seq,
            "remaining": _remaining_seconds(attempt),
        }
    )


@role_required(roles.WORKER)
@require_POST
def attempt_submit_view(request, attempt_id: int):
    """交卷: store the form's answers (without JavaScript) and grade; 409 if stale."""
    attempt = _own_attempt(request, attempt_id)
    try:
        seq = int(request.POST.get("seq", ""))
    except ValueError:
        seq = -1
    answers = None
    if request.POST.get("answers_included"):
        answers = answers_from_post(attempt_items(attempt=attempt), request.POST)
    try:
        attempt = attempt_submit(attempt=attempt, seq=seq, answers=answers)
    except (StaleSequence, AttemptClosed) as conflict:
        return render(
            request,
            "assessments/quiz/conflict.html",
            {"attempt": attempt, "message": str(conflict)},
            status=409,
        )
    except InvalidAnswerError as invalid:
        messages.error(request, str(invalid))
        return redirect("assessments:quiz_attempt", attempt_id=attempt.pk)
    if attempt.closed_by_timeout:
        messages.warning(
            request,
            _(
                "Time was up before your answers arrived: the attempt was graded "
                "with the answers saved in time."
            ),
        )
    else:
        messages.success(request, _("Your answers are handed in."))
    return redirect("assessments:quiz_review", attempt_id=attempt.pk)


@role_required(roles.WORKER)
@require_safe
def attempt_review(request, attempt_id: int):
    """The result, and the answers when the quiz's review policy allows them."""
    attempt = _own_attempt(request, attempt_id)
    if attempt.status == Attempt.Status.IN_PROGRESS:
        return redirect("assessments:quiz_attempt", attempt_id=attempt.pk)
    state = quiz_state_for_worker(user=request.user, quiz=attempt.quiz)
    show_answers = review_shows_answers(attempt=attempt, state=state)
    items = []
    if show_answers:
        items = [review_item(item) for item in attempt_items(attempt=attempt)]
    return render(
        request,
        "assessments/quiz/review.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "state": state,
            "show_answers": show_answers,
            "items": items,
        },
    )


def review_item(item: AttemptItem) -> dict:
    """One item as the review shows it once answers may be seen (never the rubric)."""
    question = question_for_page(item)
    version = item.version
    key = version.answer or []
    if question["type"] in CHOICE_TYPES:
        fractions = {str(c.get("key")): c.get("fraction") for c in version.choices}
        for choice in question["choices"]:
            choice["right"] = choice["key"] in key
            fraction = fractions.get(choice["key"])
            choice["percent"] = round(float(fraction) * 100) if fraction else 0
    elif question["type"] == Question.Type.FILL:
        for blank in question["blanks"]:
            accepted = key[blank["number"] - 1] if blank["number"] <= len(key) else []
            blank["accepted"] = accepted if isinstance(accepted, list) else [accepted]
    elif question["type"] == Question.Type.SHORT:
        question["accepted"] = key
    question.update(
        score=item.score,
        explanation=version.explanation,
        feedback=item.feedback,
        needs_marking=item.needs_marking,
    )
    return question
