"""Forms of the marking area: a mark with feedback, and a corrected key."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from assessments.models import Question, QuestionVersion
from assessments.services.marking import (
    CHOICE_TYPES,
    ONE_KEY_TYPES,
    key_clean,
    score_clean,
)


class MarkForm(forms.Form):
    # A CharField, so that what the trainer typed comes back as typed with
    # our own clear message rather than the browser's or Django's.
    score = forms.CharField(
        label=_("Score"),
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={"required": _("Give a score.")},
    )
    feedback = forms.CharField(
        label=_("Feedback to the worker"),
        required=False,
        max_length=5000,
        help_text=_("The worker sees it with the score on their result page."),
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args, points: Decimal, **kwargs):
        super().__init__(*args, **kwargs)
        self.points = points
        self.fields["score"].help_text = _("From 0 to %(points)s points.") % {
            "points": f"{points.normalize():f}"
        }

    def clean_score(self):
        return score_clean(score=self.cleaned_data["score"], points=self.points)


def _percent(fraction) -> str:
    value = Decimal(str(round(float(fraction or 0) * 100, 5))).normalize()
    return f"{value:f}"


class KeyForm(forms.Form):
    """The corrected key of one version, with fields that suit its type."""

    def __init__(self, *args, version: QuestionVersion, **kwargs):
        super().__init__(*args, **kwargs)
        self.version = version
        self.qtype = version.question.type
        if self.qtype in CHOICE_TYPES:
            options = [
                (c["key"], f"{c['key']}. {_plain(c.get('text', ''))}")
                for c in version.choices
            ]
            if self.qtype in ONE_KEY_TYPES:
                self.fields["answer"] = forms.ChoiceField(
                    label=_("Right answer"),
                    choices=options,
                    widget=forms.RadioSelect,
                    initial=(version.answer or [None])[0],
                    error_messages={"required": _("Choose the right answer.")},
                )
            else:
                self.fields["answer"] = forms.MultipleChoiceField(
                    label=_("Right answers"),
                    choices=options,
                    widget=forms.CheckboxSelectMultiple,
                    initial=version.answer,
                    error_messages={"required": _("Choose the right answers.")},
                )
            for choice in version.choices:
                self.fields[f"fraction_{choice['key']}"] = forms.DecimalField(
                    label=_("Grade of %(key)s (%%)") % {"key": choice["key"]},
                    required=False,
                    min_value=-100,
                    max_value=100,
                    decimal_places=5,
                    help_text=_("Now %(percent)s%%. Leave empty to follow the key.")
                    % {"percent": _percent(choice.get("fraction"))},
                    widget=forms.TextInput(attrs={"inputmode": "decimal"}),
                )
        elif self.qtype == Question.Type.FILL:
            self.fields["answer"] = forms.CharField(
                label=_("Accepted answers"),
                help_text=_(
                    "One line per blank, in order; several accepted answers "
                    "separated by |, for example 民法典|中华人民共和国民法典."
                ),
                widget=forms.Textarea(attrs={"rows": 4}),
                initial="\n".join("|".join(blank) for blank in version.answer or []),
                error_messages={"required": _("Give the accepted answers.")},
            )
        else:
            self.fields["answer"] = forms.CharField(
                label=_("Accepted answers"),
                help_text=_("One accepted answer per line."),
                widget=forms.Textarea(attrs={"rows": 4}),
                initial="\n".join(version.answer or []),
                error_messages={"required": _("Give the accepted answers.")},
            )

    @property
    def fraction_fields(self):
        return [self[name] for name in self.fields if name.startswith("fraction_")]

    def key(self) -> tuple[list, list | None]:
        """The answer and choices as question_key_correct takes them."""
        data = self.cleaned_data
        if self.qtype in CHOICE_TYPES:
            answer = data["answer"]
            answer = [answer] if isinstance(answer, str) else list(answer)
            choices = [
                {
                    "key": c["key"],
                    "fraction": (
                        None
                        if data.get(f"fraction_{c['key']}") is None
                        else float(data[f"fraction_{c['key']}"]) / 100
                    ),
                }
                for c in self.version.choices
            ]
            return answer, choices
        lines = [line.strip() for line in data["answer"].splitlines() if line.strip()]
        if self.qtype == Question.Type.FILL:
            return [line.split("|") for line in lines], None
        return lines, None

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        answer, choices = self.key()
        try:
            self.new_answer, self.new_choices = key_clean(
                version=self.version, answer=answer, choices=choices
            )
        except ValidationError as error:
            self.add_error(None, error)
        return cleaned


def _plain(html: str) -> str:
    from django.utils.html import strip_tags

    return strip_tags(html or "").strip()
