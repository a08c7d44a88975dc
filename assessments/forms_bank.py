"""Forms of the trainers' question bank pages."""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .importers import FORMATS
from .models import Question
from .services.questions import LETTERS, question_clean

ALTERNATIVES_RE = re.compile(r"[|｜]")
TAGS_RE = re.compile(r"[,，、;；]+")


class BankForm(forms.Form):
    name = forms.CharField(label=_("Name of the new bank"), max_length=100)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ImportForm(forms.Form):
    bank_name = forms.CharField(
        label=_("Question bank"),
        max_length=100,
        help_text=_("An existing bank's name adds to it; a new name creates a bank."),
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "Excel (.xlsx) or CSV in the template's columns, Moodle XML, GIFT or Aiken."
        ),
    )
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("", _("Guess from the content")), *FORMATS.items()],
        required=False,
    )


class QuestionForm(forms.Form):
    """One question of any type; the parts that do not apply to its type are ignored."""

    type = forms.ChoiceField(label=_("Type"), choices=Question.Type.choices)
    name = forms.CharField(
        label=_("Short name"),
        max_length=200,
        required=False,
        help_text=_("For lists; left empty, the start of the stem is used."),
    )
    stem = forms.CharField(
        label=_("Stem"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Plain text, or HTML such as <p>, <strong> and <img>. "
            "For fill-in questions mark each blank with （ ） or ____."
        ),
    )
    true_false = forms.ChoiceField(
        label=_("Right answer"),
        choices=[("T", _("True (对)")), ("F", _("False (错)"))],
        required=False,
        widget=forms.RadioSelect,
    )
    blanks = forms.CharField(
        label=_("Accepted answers per blank"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One line per blank, in order; several accepted answers on a line "
            "separated by |, e.g. 五|5."
        ),
    )
    accepted = forms.CharField(
        label=_("Accepted answers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One per line. Full-width and half-width characters, spaces and "
            "punctuation are ignored when answers are compared."
        ),
    )
    rubric = forms.CharField(
        label=_("Marking rubric"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the marker looks for; shown to trainers only."),
    )
    explanation = forms.CharField(
        label=_("Explanation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown to the worker at review, when the quiz allows it."),
    )
    points = forms.DecimalField(
        label=pgettext_lazy("score", "Points"),
        min_value=Decimal("0"),
        max_digits=6,
        decimal_places=2,
        initial=Decimal("1"),
    )
    difficulty = forms.ChoiceField(
        label=_("Difficulty"),
        choices=Question.Difficulty.choices,
        initial=Question.Difficulty.MEDIUM,
    )
    category = forms.CharField(
        label=_("Category"),
        max_length=200,
        required=False,
        help_text=_("A new name creates the category, e.g. 民法典/合同编."),
    )
    tags = forms.CharField(
        label=_("Tags (knowledge points)"),
        required=False,
        help_text=_("Separated by commas."),
    )

    def __init__(self, *args, question: Question | None = None, **kwargs):
        self.question = question
        super().__init__(*args, **kwargs)
        for letter in LETTERS:
            self.fields[f"choice_{letter}"] = forms.CharField(
                label=_("Choice %(letter)s") % {"letter": letter},
                max_length=500,
                required=False,
            )
            self.fields[f"right_{letter}"] = forms.BooleanField(
                label=_("Right"), required=False
            )
        if question is not None:
            # The type of a question is what its past attempts were marked as.
            self.fields["type"].disabled = True

    @property
    def choice_rows(self):
        return [
            (self[f"choice_{letter}"], self[f"right_{letter}"]) for letter in LETTERS
        ]

    @classmethod
    def initial_for(cls, question: Question) -> dict:
        version = question.current_version
        initial = {
            "type": question.type,
            "name": question.name,
            "stem": version.stem,
            "explanation": version.explanation,
            "rubric": version.rubric,
            "points": version.points,
            "difficulty": question.difficulty,
            "category": question.category.name if question.category else "",
            "tags": "，".join(item.tag.name for item in question.tagged_items.all()),
        }
        if question.type in (Question.Type.SINGLE, Question.Type.MULTIPLE):
            for choice in version.choices:
                initial[f"choice_{choice['key']}"] = choice["text"]
                initial[f"right_{choice['key']}"] = choice["key"] in version.answer
        elif question.type == Question.Type.TRUE_FALSE:
            initial["true_false"] = version.answer[0]
        elif question.type == Question.Type.FILL:
            initial["blanks"] = "\n".join("|".join(blank) for blank in version.answer)
        elif question.type == Question.Type.SHORT:
            initial["accepted"] = "\n".join(version.answer)
        return initial

    def _choices_and_answer(self, qtype: str) -> tuple[list, list]:
        data = self.cleaned_data
        if qtype in (Question.Type.SINGLE, Question.Type.MULTIPLE):
            previous = self.question.current_version.choices if self.question else []
            texts = [data.get(f"choice_{letter}", "").strip() for letter in LETTERS]
            while texts and not texts[-1]:
                texts.pop()
            choices = []
            for index, text in enumerate(texts):
                choice = {"text": text}
                if index < len(previous):
                    # Keep Moodle fractions and feedback the form does not show.
                    choice["fraction"] = previous[index].get("fraction")
                    choice["feedback"] = previous[index].get("feedback", "")
                choices.append(choice)
            answer = [
                letter
                for letter in LETTERS[: len(texts)]
                if data.get(f"right_{letter}")
            ]
            return choices, answer
        if qtype == Question.Type.TRUE_FALSE:
            previous = self.question.current_version.choices if self.question else []
            return previous, [data.get("true_false")] if data.get("true_false") else []
        if qtype == Question.Type.FILL:
            lines = [
                line for line in data.get("blanks", "").splitlines() if line.strip()
            ]
            return [], [
                [a.strip() for a in ALTERNATIVES_RE.split(line) if a.strip()]
                for line in lines
            ]
        if qtype == Question.Type.SHORT:
            return [], [
                line.strip()
                for line in data.get("accepted", "").splitlines()
                if line.strip()
            ]
        return [], []

    def clean(self):
        cleaned = super().clean()
        qtype = self.question.type if self.question else cleaned.get("type")
        if not qtype or self.errors:
            return cleaned
        choices, answer = self._choices_and_answer(qtype)
        try:
            question_clean(
                type=qtype,
                stem=cleaned.get("stem", ""),
                choices=choices,
                answer=answer,
                explanation=cleaned.get("explanation", ""),
                rubric=cleaned.get("rubric", ""),
                points=cleaned.get("points"),
                difficulty=cleaned.get("difficulty"),
            )
        except ValidationError as error:
            raise ValidationError(error.messages) from error
        cleaned["choices"], cleaned["answer"] = choices, answer
        cleaned["tag_list"] = [
            t.strip() for t in TAGS_RE.split(cleaned.get("tags", "")) if t.strip()
        ]
        return cleaned

    def service_fields(self) -> dict:
        """The cleaned form as keyword arguments of question_create/update."""
        data = self.cleaned_data
        return {
            "stem": data["stem"],
            "choices": data["choices"],
            "answer": data["answer"],
            "explanation": data.get("explanation", ""),
            "rubric": data.get("rubric", ""),
            "points": data["points"],
            "difficulty": data["difficulty"],
            "category": data.get("category", "").strip(),
            "tags": data["tag_list"],
            "name": data.get("name", "").strip(),
        }
