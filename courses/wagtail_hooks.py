"""Wagtail admin for courses: the 课程设置 (course settings) menu with categories."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from courses.models import Category


class CategoryViewSet(SnippetViewSet):
    model = Category
    icon = "tag"
    menu_label = _("Course categories")
    menu_name = "course-categories"
    list_display = ["name", "slug", "sort_order"]
    ordering = ["sort_order", "name"]
    panels = ["name", "slug", "description", "sort_order"]


class CourseSettingsViewSetGroup(SnippetViewSetGroup):
    """Add further course settings (hours targets …) to `items`."""

    items = (CategoryViewSet,)
    menu_icon = "cogs"
    menu_label = _("Course settings")
    menu_name = "course-settings"
    menu_order = 300


register_snippet(CourseSettingsViewSetGroup)
