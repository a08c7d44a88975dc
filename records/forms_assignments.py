"""Forms of assignments and learning plans: choices limited to the HR user's scope."""

from django import forms
from django.utils.translation import gettext_lazy as _

from courses.models import CoursePage, LearningPlan
from courses.selectors.assignments import courses_assignable
from people.models import OrgUnit, Position
from people.selectors import org_units_in_scope


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: OrgUnit) -> str:
        # Indent by depth so the tree reads as one in a plain <select>.
        return "\u3000" * (obj.depth - 1) + obj.name


class AssignmentForm(forms.Form):
    course = forms.ModelChoiceField(
        label=_("Course"),
        queryset=CoursePage.objects.none(),
        required=False,
        empty_label=_("— a learning plan instead —"),
    )
    plan = forms.ModelChoiceField(
        label=_("Learning plan"),
        queryset=LearningPlan.objects.none(),
        required=False,
        empty_label=_("— a single course instead —"),
    )
    org_unit = UnitChoiceField(
        label=_("Org unit"),
        queryset=OrgUnit.objects.none(),
        help_text=_("Every worker in this unit and the units under it."),
        # The choices are the user's scope; any other id is "not a choice".
        error_messages={
            "invalid_choice": _("Choose an org unit within your area."),
        },
    )
    positions = forms.ModelMultipleChoiceField(
        label=_("Positions"),
        queryset=Position.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked to assign to every position."),
    )
    due_date = forms.DateField(
        label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=200,
        required=False,
        help_text=_("For HR only, e.g. the document that requires this training."),
    )

    def __init__(self, *args, user, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["course"].queryset = courses_assignable()
        self.fields["plan"].queryset = LearningPlan.objects.order_by("name")
        self.fields["org_unit"].queryset = org_units_in_scope(user=user).order_by(
            "path"
        )

    def clean_due_date(self):
        due = self.cleaned_data["due_date"]
        if due < self.today:
            raise forms.ValidationError(_("The due date is in the past."))
        return due

    def clean(self):
        data = super().clean()
        if bool(data.get("course")) == bool(data.get("plan")):
            raise forms.ValidationError(
                _("Choose either a course or a learning plan (one of the two).")
            )
        return data


class LearningPlanForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    courses = forms.ModelMultipleChoiceField(
        label=_("Courses"),
        queryset=CoursePage.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The plan lists them in the order shown here."),
    )

    def __init__(self, *args, plan: LearningPlan | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.fields["courses"].queryset = courses_assignable()

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        others = LearningPlan.objects.filter(name=name)
        if self.plan is not None:
            others = others.exclude(pk=self.plan.pk)
        if others.exists():
            raise forms.ValidationError(_("A plan with this name exists already."))
        return name
