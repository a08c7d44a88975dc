"""Panels that other apps add to the course page.

courses may not import assessments (DESIGN.md: imports flow one way), so an app
that shows something of its own on a course page (the final exam) registers a
panel here:

    from courses.extensions import register_course_panel

    @register_course_panel
    def final_exam_panel(request, course, enrolment) -> str:
        return render_to_string("...", {...}, request=request)  # or ""

A panel returns safe HTML (``render_to_string``, ``format_html``), or "" to show
nothing. A plain ``str`` is escaped, never trusted: a panel cannot inject markup
by forgetting to escape what it builds.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.html import conditional_escape
from django.utils.safestring import SafeString

CoursePanel = Callable[[object, object, object], str]

_panels: list[CoursePanel] = []


def register_course_panel(func: CoursePanel) -> CoursePanel:
    """Add a panel (once, however often it is registered); usable as a decorator."""
    if func not in _panels:
        _panels.append(func)
    return func


def course_panels(request, course, enrolment) -> list[SafeString]:
    """The HTML of every registered panel that has something to show."""
    shown = []
    for panel in _panels:
        html = panel(request, course, enrolment)
        if html:
            shown.append(conditional_escape(html))
    return shown
