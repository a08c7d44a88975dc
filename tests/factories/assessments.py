"""Question banks, questions and quizzes for tests.

    q = QuestionFactory(type="single")            # A right, B–D wrong
    q = QuestionFactory(type="multiple", answer=["A", "C"])
    q = QuestionFactory(type="fill", stem="<p>___ 和 ___</p>",
                        answer=[["民法典"], ["合同编", "合同"]])
    quiz = QuizFactory(questions=[q1, q2])        # fixed questions, in order

A Question is created with its first QuestionVersion as current_version; the
version's fields (stem, choices, answer, explanation, rubric, points) are
factory arguments of QuestionFactory.
"""

from __future__ import annotations

from decimal import Decimal

import factory

from assessments.models import (
    Competency,
    CompetencyFramework,
    Question,
    QuestionBank,
    QuestionCategory,
    QuestionVersion,
    Quiz,
    QuizQuestion,
)

VERSION_FIELDS = ("stem", "choices", "answer", "explanation", "rubric", "points")


def default_choices(qtype: str) -> list[dict]:
    if qtype == Question.Type.TRUE_FALSE:
        return [
            {"key": "T", "text": "对", "fraction": 1.0, "feedback": ""},
            {"key": "F", "text": "错", "fraction": 0.0, "feedback": ""},
        ]
    if qtype in (Question.Type.SINGLE, Question.Type.MULTIPLE):
        texts = ["依法调解", "强制调解", "收费调解", "拒绝调解"]
        return [
            {"key": key, "text": text, "fraction": 0.0, "feedback": ""}
            for key, text in zip("ABCD", texts, strict=True)
        ]
    return []


def default_answer(qtype: str) -> list:
    return {
        Question.Type.SINGLE: ["A"],
        Question.Type.MULTIPLE: ["A", "B"],
        Question.Type.TRUE_FALSE: ["T"],
        Question.Type.FILL: [["人民调解委员会"]],
        Question.Type.SHORT: ["自愿"],
        Question.Type.ESSAY: [],
    }[qtype]


def with_fractions(choices: list[dict], answer: list) -> list[dict]:
    """Moodle-style fractions that agree with the key: right choices share 1.0."""
    right = [c for c in choices if c["key"] in answer]
    return [
        {**c, "fraction": round(1.0 / len(right), 7) if c["key"] in answer else 0.0}
        for c in choices
    ]


class QuestionBankFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuestionBank
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"人民调解题库{n}")


class QuestionCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuestionCategory
        django_get_or_create = ("bank", "name")

    bank = factory.SubFactory(QuestionBankFactory)
    name = factory.Sequence(lambda n: f"分类{n}")


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question
        skip_postgeneration_save = True

    bank = factory.SubFactory(QuestionBankFactory)
    type = Question.Type.SINGLE
    difficulty = Question.Difficulty.MEDIUM
    name = factory.Sequence(lambda n: f"题目{n}")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        version = {k: kwargs.pop(k) for k in VERSION_FIELDS if k in kwargs}
        question = model_class.objects.create(*args, **kwargs)
        qtype = question.type
        answer = version.get("answer", default_answer(qtype))
        choices = version.get("choices") or default_choices(qtype)
        if choices and "choices" not in version:
            choices = with_fractions(choices, answer)
        current = QuestionVersion.objects.create(
            question=question,
            number=1,
            stem=version.get("stem", f"<p>{question.name}：以下哪一项正确？</p>"),
            choices=choices,
            answer=answer,
            explanation=version.get("explanation", "<p>依据《人民调解法》。</p>"),
            rubric=version.get("rubric", ""),
            points=Decimal(str(version.get("points", 1))),
        )
        question.current_version = current
        question.save(update_fields=["current_version"])
        return question


class QuizFactory(factory.django.DjangoModelFactory):
    """A quiz; ``questions=[...]`` fixes those questions in that order."""

    class Meta:
        model = Quiz
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"随堂测验{n}")
    shuffle_questions = False
    shuffle_choices = False

    @factory.post_generation
    def questions(self, create, extracted, **kwargs):
        if create and extracted:
            for order, question in enumerate(extracted):
                QuizQuestion.objects.create(
                    quiz=self, question=question, sort_order=order
                )


class CompetencyFrameworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CompetencyFramework
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"能力框架{n}")
    level_names = ["了解", "理解", "应用", "精通"]


class CompetencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Competency

    framework = factory.SubFactory(CompetencyFrameworkFactory)
    code = factory.Sequence(lambda n: f"C{n:02d}")
    name = factory.Sequence(lambda n: f"能力{n}")
