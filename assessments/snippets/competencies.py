"""Wagtail snippets of the competency area, in one 能力框架 (competencies) menu.

Admins keep frameworks and their competencies; trainers link courses and
questions to competencies with a level (the permissions are in people.roles).
Level names and what each level means are four plain fields in the form, kept
as the JSON lists the models hold.
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from ..models import (
    Competency,
    CompetencyFramework,
    CourseCompetency,
    QuestionCompetency,
)

LEVELS = range(1, 5)


class _FourLevelsForm(WagtailAdminModelForm):
    """A model form whose JSON list ``levels_field`` is edited as four fields."""

    levels_field = ""
    level_widget = forms.TextInput

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        values = list(getattr(self.instance, self.levels_field) or [])
        for level in LEVELS:
            name = f"level_{level}"
            if name in self.fields and level <= len(values):
                self.fields[name].initial = values[level - 1]

    def save(self, commit=True):
        values = [self.cleaned_data.get(f"level_{level}", "") for level in LEVELS]
        while values and not values[-1]:
            values.pop()
        setattr(self.instance, self.levels_field, values)
        return super().save(commit=commit)


class FrameworkForm(_FourLevelsForm):
    levels_field = "level_names"
    level_1 = forms.CharField(label=_("Name of level 1"), max_length=20)
    level_2 = forms.CharField(label=_("Name of level 2"), max_length=20)
    level_3 = forms.CharField(label=_("Name of level 3"), max_length=20)
    level_4 = forms.CharField(label=_("Name of level 4"), max_length=20)

    def clean_is_default(self):
        is_default = self.cleaned_data.get("is_default")
        others = CompetencyFramework.objects.filter(is_default=True)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if is_default and others.exists():
            raise forms.ValidationError(
                _(
                    "Only one framework can be the default: "
                    "untick “default framework” on %(name)s first."
                )
                % {"name": others.first().name}
            )
        return is_default


def _meaning(level: int) -> forms.CharField:
    return forms.CharField(
        label=_("Level %(level)s means") % {"level": level},
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CompetencyForm(_FourLevelsForm):
    levels_field = "level_descriptions"
    level_1 = _meaning(1)
    level_2 = _meaning(2)
    level_3 = _meaning(3)
    level_4 = _meaning(4)

    def clean(self):
        cleaned = super().clean()
        parent = cleaned.get("parent")
        framework = cleaned.get("framework")
        if parent and framework and parent.framework_id != framework.pk:
            self.add_error("parent", _("The parent must belong to the same framework."))
        if parent and self.instance.pk and parent.pk == self.instance.pk:
            self.add_error("parent", _("A competency cannot be its own parent."))
        return cleaned


class FrameworkViewSet(SnippetViewSet):
    model = CompetencyFramework
    icon = "table"
    menu_label = _("Frameworks")
    menu_name = "competency-frameworks"
    list_display = ["name", "is_default"]
    ordering = ["-is_default", "name"]
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("description"),
            MultiFieldPanel(
                [FieldPanel(f"level_{level}") for level in LEVELS],
                heading=_("Level names"),
            ),
            FieldPanel("is_default"),
        ],
        base_form_class=FrameworkForm,
    )


class CompetencyViewSet(SnippetViewSet):
    model = Competency
    icon = "list-ul"
    menu_label = _("Competencies")
    menu_name = "competencies"
    list_display = ["name", "code", "framework", "sort_order"]
    list_filter = ["framework"]
    ordering = ["framework__name", "sort_order", "code"]
    edit_handler = ObjectList(
        [
            FieldPanel("framework"),
            FieldPanel("code"),
            FieldPanel("name"),
            FieldPanel("description"),
            FieldPanel("parent"),
            MultiFieldPanel(
                [FieldPanel(f"level_{level}") for level in LEVELS],
                heading=_("What each level means"),
            ),
            FieldPanel("sort_order"),
        ],
        base_form_class=CompetencyForm,
    )


class CourseCompetencyViewSet(SnippetViewSet):
    model = CourseCompetency
    icon = "doc-full"
    menu_label = _("Course links")
    menu_name = "course-competencies"
    list_display = ["course", "competency", "level"]
    list_filter = ["competency"]
    panels = [FieldPanel("course"), FieldPanel("competency"), FieldPanel("level")]


class QuestionCompetencyViewSet(SnippetViewSet):
    model = QuestionCompetency
    icon = "help"
    menu_label = _("Question links")
    menu_name = "question-competencies"
    list_display = ["question", "competency", "level"]
    list_filter = ["competency"]
    panels = [FieldPanel("question"), FieldPanel("competency"), FieldPanel("level")]


class CompetencyViewSetGroup(SnippetViewSetGroup):
    items = (
        FrameworkViewSet,
        CompetencyViewSet,
        CourseCompetencyViewSet,
        QuestionCompetencyViewSet,
    )
    menu_icon = "success"
    menu_label = _("Competencies")
    menu_name = "competency-framework"
    menu_order = 320


register_snippet(CompetencyViewSetGroup)
