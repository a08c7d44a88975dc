"""Wagtail snippets of the question bank area: Question and QuestionBank.

Listed (and inspected) in the Wagtail admin so that the quiz editor can choose
questions with a chooser. They are read-only there: a question is written
through the trainers' bank pages (/assessments/banks/), which check it for
its type and make a new version when an attempt used it. The Wagtail form
would do neither.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from ..models import Question, QuestionBank


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    """View (and choose) with the model's view permission; never add, change
    or delete through Wagtail."""

    READ = {"view", "choose", "inspect"}

    def user_has_permission(self, user, action):
        if action not in self.READ:
            return False
        return user.has_perm(self._get_permission_name("view"))

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission(
            ["view"] if set(actions) & self.READ else []
        )


register_permission_policy(
    Question, ReadOnlyPermissionPolicy(Question), exact_class=True
)
register_permission_policy(
    QuestionBank, ReadOnlyPermissionPolicy(QuestionBank), exact_class=True
)


class QuestionViewSet(SnippetViewSet):
    model = Question
    icon = "help"
    menu_label = _("Questions")
    list_display = ["__str__", "type", "difficulty", "bank", "category", "is_active"]
    list_filter = ["type", "difficulty", "bank", "is_active"]
    list_per_page = 25
    inspect_view_enabled = True
    inspect_view_fields = [
        "name",
        "bank",
        "type",
        "difficulty",
        "category",
        "current_version",
        "is_active",
    ]
    add_to_admin_menu = False

    def get_queryset(self, request):
        return Question.objects.select_related("bank", "category")


class QuestionBankViewSet(SnippetViewSet):
    model = QuestionBank
    icon = "folder-open-inverse"
    menu_label = _("Question banks")
    list_display = ["name", "course", "created_at"]
    list_per_page = 25
    inspect_view_enabled = True
    inspect_view_fields = ["name", "description", "course", "created_at"]
    add_to_admin_menu = False


register_snippet(QuestionViewSet)
register_snippet(QuestionBankViewSet)


class BankPagesMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("assessments.view_questionbank")


@hooks.register("register_admin_menu_item")
def bank_pages_menu_item():
    """A link from the Wagtail admin to the trainers' question bank pages."""
    return BankPagesMenuItem(
        _("Question banks"),
        reverse("assessments:bank_list"),
        icon_name="folder-open-inverse",
        order=450,
    )
