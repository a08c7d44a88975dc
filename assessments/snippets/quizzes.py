"""Wagtail snippet of the quiz area: Quiz, with its fixed questions and draw rules.

Trainers set every rule of a quiz here (window, time limit, attempts, pass
mark, grading method, review policy, scoring of multiple choice, shuffling)
and choose its questions: fixed ones with a chooser, and random draws by bank,
category and difficulty. The form refuses a quiz that could not be drawn.
"""

from collections import Counter

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from ..models import Question, Quiz


def _live_forms(formset):
    """The inline forms that will be saved (filled in and not deleted).

    The parent form is cleaned before its formsets: validate them first.
    """
    if formset is None:
        return
    formset.is_valid()
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None)
        if not data or data.get("DELETE"):
            continue
        yield form, data


class QuizForm(WagtailAdminModelForm):
    def clean(self):
        cleaned = super().clean()
        opens, closes = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("The quiz must close after it opens."))
        if not cleaned.get("course"):
            self.add_error(
                "course",
                _(
                    "Choose the course this quiz belongs to: only the workers "
                    "who may see that course can take it."
                ),
            )
        fixed = {
            data["question"].pk
            for _form, data in _live_forms(self.formsets.get("fixed_questions"))
            if data.get("question")
        }
        rules = list(_live_forms(self.formsets.get("draw_rules")))
        self._check_draw_rules(rules, fixed)
        if cleaned.get("is_published") and not fixed and not rules:
            self.add_error(
                None,
                _("Add fixed questions or a random draw rule before opening the quiz."),
            )
        return cleaned

    def _check_draw_rules(self, rules, fixed: set[int]) -> None:
        """Each group of rules over the same questions can draw what it asks for.

        Draws never repeat a question or take a fixed one, so rules with the
        same bank, category and difficulty share one pool.
        """
        wanted = Counter()
        forms_by_pool = {}
        for form, data in rules:
            bank, category = data.get("bank"), data.get("category")
            if not bank or not data.get("count"):
                continue
            if category and category.bank_id != bank.pk:
                form.add_error(
                    "category", _("This category belongs to another question bank.")
                )
                continue
            pool = (bank.pk, category.pk if category else None, data.get("difficulty"))
            wanted[pool] += data["count"]
            forms_by_pool.setdefault(pool, form)
        for pool, count in wanted.items():
            bank_id, category_id, difficulty = pool
            questions = Question.objects.filter(
                bank_id=bank_id, is_active=True, current_version__isnull=False
            ).exclude(pk__in=fixed)
            if category_id:
                questions = questions.filter(category_id=category_id)
            if difficulty:
                questions = questions.filter(difficulty=difficulty)
            available = questions.count()
            if available < count:
                forms_by_pool[pool].add_error(
                    "count",
                    forms.ValidationError(
                        _(
                            "Only %(available)s active questions match (besides "
                            "the fixed ones); the draw rules ask for %(count)s."
                        ),
                        params={"available": available, "count": count},
                    ),
                )


class QuizViewSet(SnippetViewSet):
    model = Quiz
    icon = "tasks"
    menu_label = _("Quizzes")
    menu_name = "quizzes"
    menu_order = 310
    add_to_admin_menu = True
    list_display = ["title", "kind", "course", "is_published", "updated_at"]
    list_filter = ["kind", "is_published"]
    list_per_page = 25
    search_fields = ["title"]

    edit_handler = TabbedInterface(
        [
            ObjectList(
                [
                    FieldPanel("title"),
                    FieldPanel("kind"),
                    FieldPanel("course"),
                    FieldPanel("description"),
                    FieldPanel("is_published"),
                ],
                heading=_("Quiz"),
            ),
            ObjectList(
                [
                    InlinePanel(
                        "fixed_questions",
                        heading=_("Fixed questions"),
                        label=_("Question"),
                        panels=[FieldPanel("question"), FieldPanel("points")],
                    ),
                    InlinePanel(
                        "draw_rules",
                        heading=_("Random questions"),
                        label=_("Draw rule"),
                        panels=[
                            FieldPanel("bank"),
                            FieldPanel("category"),
                            FieldPanel("difficulty"),
                            FieldRowPanel([FieldPanel("count"), FieldPanel("points")]),
                        ],
                    ),
                    FieldRowPanel(
                        [FieldPanel("shuffle_questions"), FieldPanel("shuffle_choices")]
                    ),
                ],
                heading=_("Questions"),
            ),
            ObjectList(
                [
                    MultiFieldPanel(
                        [
                            FieldPanel("opens_at"),
                            FieldPanel("closes_at"),
                            FieldPanel("time_limit_minutes"),
                        ],
                        heading=_("When"),
                    ),
                    MultiFieldPanel(
                        [
                            FieldPanel("attempts_allowed"),
                            FieldPanel("pass_percent"),
                            FieldPanel("grading_method"),
                            FieldPanel("multiple_scoring"),
                            FieldPanel("review_policy"),
                        ],
                        heading=_("Attempts and grading"),
                    ),
                ],
                heading=_("Rules"),
            ),
        ],
        base_form_class=QuizForm,
    )

    def get_queryset(self, request):
        return Quiz.objects.select_related("course")


register_snippet(QuizViewSet)
