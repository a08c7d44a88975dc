"""The form of a competency rating by a trainer or HR."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Competency, CompetencyFramework


class CompetencyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        if obj.framework.is_default:
            return f"{obj.code} · {obj.name}"
        return f"{obj.framework.name} / {obj.code} · {obj.name}"


class CompetencyRatingForm(forms.Form):
    competency = CompetencyChoiceField(
        label=_("Competency"),
        queryset=Competency.objects.none(),
        empty_label=_("Choose a competency"),
    )
    level = forms.TypedChoiceField(
        label=_("Level"),
        coerce=int,
        choices=(),
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=2000,
        help_text=_(
            "What you observed. The worker sees it in their evidence trail, "
            "and it is kept in the audit log."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, framework: CompetencyFramework | None = None, **kw):
        super().__init__(*args, **kw)
        self.fields["competency"].queryset = Competency.objects.select_related(
            "framework"
        ).order_by("-framework__is_default", "framework__name", "sort_order", "code")
        names = list(framework.level_names) if framework else []
        self.fields["level"].choices = [
            (level, f"{level} · {names[level - 1]}" if level <= len(names) else level)
            for level in range(1, 5)
        ]
