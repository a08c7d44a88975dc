"""Course completion rules that other apps register.

courses may not import assessments (DESIGN.md: imports flow one way), so an app
that adds a condition to completing a course registers a rule here instead:

    from courses.completion import register_completion_rule

    @register_completion_rule
    def required_quizzes_passed(enrolment):
        ...
        return True  # or a reason such as _("Pass the final quiz.")

A rule takes the Enrolment and returns True when it holds. Anything else means
the course is not complete yet: a non-empty string says why (it is shown to the
worker, so translate it), False or None gives a generic reason.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext as _

CompletionRule = Callable[[object], "bool | str | None"]

_rules: list[CompletionRule] = []


def register_completion_rule(func: CompletionRule) -> CompletionRule:
    """Add a rule (once, however often it is registered); usable as a decorator."""
    if func not in _rules:
        _rules.append(func)
    return func


def unregister_completion_rule(func: CompletionRule) -> None:
    """Remove a rule; for tests and apps that turn a rule off."""
    if func in _rules:
        _rules.remove(func)


def completion_rules() -> tuple[CompletionRule, ...]:
    return tuple(_rules)


def completion_blockers(enrolment) -> list[str]:
    """Why the registered rules do not hold yet for this enrolment; empty if they do."""
    reasons = []
    for rule in _rules:
        result = rule(enrolment)
        if result is True:
            continue
        if isinstance(result, str) and result:
            reasons.append(result)
        else:
            reasons.append(_("A condition set for this course is not met yet."))
    return reasons
