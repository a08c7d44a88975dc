"""Demo assessments: a question bank per demo course, imported from the CSV files
in ``questions/`` through the real importer; a final exam per course; lesson
quizzes placed in a few lessons; competency links; and attempts by the demo
workers, taken through the real attempt services.

Idempotent: banks, quizzes and links are matched by name and course, and the
demo workers' attempts are taken only when they have none at that quiz, so a
second run writes nothing.

The CSV files are demo data, written for this project: every law question
cites the article of the text shipped in ``cms/data/laws/`` it was checked
against; the other courses' questions come from their lessons.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from io import TextIOBase
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.importers import import_questions
from assessments.models import (
    Attempt,
    Competency,
    CourseCompetency,
    Question,
    QuestionBank,
    QuestionCategory,
    QuestionCompetency,
    Quiz,
    QuizDrawRule,
    QuizQuestion,
)
from assessments.services.attempts import attempt_start, attempt_submit
from assessments.services.competencies import framework_ensure_default
from courses.models import CoursePage, LessonPage
from people.models import User

from .blocks import with_ids
from .courses import (
    COMPUTER_COURSE,
    EMERGENCY_COURSE,
    LAW_COURSE,
    MEDIATION_COURSE,
    POLICY_COURSE,
    STRESS_COURSE,
    WRITING_COURSE,
)

QUESTIONS_DIR = Path(__file__).resolve().parent / "questions"

# The 分类 of the CSV rows: final exams draw from the first; essays, which a
# trainer marks, are kept for the lesson where writing is the point.
KNOWLEDGE = "知识题"
ESSAYS = "论述题"

# Course slug -> the competencies (code, level) completing it is evidence of.
# The first one is also what the course's questions test.
COURSE_COMPETENCIES: dict[str, list[tuple[str, int]]] = {
    LAW_COURSE: [("FL", 2)],
    POLICY_COURSE: [("ZC", 2)],
    COMPUTER_COURSE: [("XX", 2)],
    STRESS_COURSE: [("XL", 2)],
    WRITING_COURSE: [("GW", 2)],
    MEDIATION_COURSE: [("TJ", 3), ("GT", 2)],
    EMERGENCY_COURSE: [("YJ", 2)],
}
# A question's level in its competency follows its difficulty.
QUESTION_LEVELS = {
    Question.Difficulty.EASY: 1,
    Question.Difficulty.MEDIUM: 2,
    Question.Difficulty.HARD: 3,
}

# The final exam: 4 easy + 4 medium + 2 hard questions at 10 points each.
FINAL_DRAW = (
    (Question.Difficulty.EASY, 4),
    (Question.Difficulty.MEDIUM, 4),
    (Question.Difficulty.HARD, 2),
)
FINAL_POINTS = Decimal("10")


@dataclass(frozen=True)
class LessonQuizSpec:
    course: str
    lesson: str
    title: str
    stems: tuple[str, ...]  # a distinctive part of each question's stem, in order


LESSON_QUIZZES = [
    LessonQuizSpec(
        LAW_COURSE,
        "resident-assembly",
        "随堂测验：居民会议与民主决策",
        (
            "出席，才能举行",
            "根据第十条，有下列哪些情形之一的",
            "居民会议有权撤换和补选",
            "居民会议由（ ）周岁以上的居民组成",
        ),
    ),
    LessonQuizSpec(
        COMPUTER_COURSE,
        "spreadsheet-ledgers",
        "随堂测验：规范的电子台账",
        (
            "录入身份证号码",
            "按楼栋、按类别统计",
            "按“一张好台账”的规则",
            "把身份证号一列隐藏后再发出台账",
        ),
    ),
    LessonQuizSpec(
        WRITING_COURSE,
        "notice",
        "随堂练习：写一份通知",
        (
            "面向居民发布停水",
            "公文标题一般由发文机关",
            "下列公文标题中，最规范的是",
            "供水公司将于6月20日",
        ),
    ),
    LessonQuizSpec(
        MEDIATION_COURSE,
        "agreements",
        "随堂测验：调解协议与司法确认",
        (
            "共同向人民法院申请司法确认",
            "人民法院依法确认调解协议有效后",
            "关于调解协议书，下列说法",
            "可以采取口头协议方式",
        ),
    ),
    LessonQuizSpec(
        EMERGENCY_COURSE,
        "fire",
        "随堂测验：火灾",
        (
            "发现火情，应当立即拨打",
            "使用手提式灭火器",
            "组织居民从着火的楼内疏散",
            "楼道里充电的电动自行车电池起火",
            "火势扩大或浓烟弥漫时",
        ),
    ),
]

# What demo_worker2 hands in for the writing course's essay: a fair notice
# with a few things for the trainer to comment on (no contact, no date).
ESSAY_ANSWER = (
    "朝阳社区居民委员会关于6月20日1至6号楼停水的通知\n"
    "各位居民：\n"
    "因供水公司改造供水管网，6月20日8:00至18:00，朝阳社区1至6号楼将停止供水。"
    "现将有关事项通知如下：\n"
    "一、请各户提前储存生活用水。\n"
    "二、停水期间请关好家中水龙头，防止来水时跑水。\n"
    "三、恢复供水后水质可能发黄，请先放水片刻再使用。\n"
    "给大家带来不便，敬请谅解。\n"
    "朝阳社区居民委员会\n"
    "写作思路：先讲原因，再分条写时间、范围和居民要做的事。"
)


@dataclass
class DemoAssessments:
    banks: int = 0
    questions: int = 0
    quizzes: int = 0
    attempts: int = 0
    imported: int = 0
    attempts_taken: int = 0


def csv_path(course_slug: str) -> Path:
    return QUESTIONS_DIR / f"{course_slug}.csv"


def course_slugs() -> list[str]:
    return list(COURSE_COMPETENCIES)


# --- Lesson quiz blocks ----------------------------------------------------------


def _quiz_block(quiz: Quiz, *, course: str, lesson: str) -> dict:
    block = {"type": "quiz", "value": {"title": quiz.title, "quiz_id": quiz.pk}}
    # The id with_ids gives the first quiz block of this lesson.
    return with_ids([block], key=f"{course}/{lesson}")[0]


def lesson_quiz_blocks() -> dict[tuple[str, str], list[dict]]:
    """The quiz blocks the demo lessons carry, by (course slug, lesson slug).

    The content seed appends them to the lesson bodies it writes, so that a
    lesson this seed has given a quiz matches its spec on the next run.
    """
    titles = {spec.title: spec for spec in LESSON_QUIZZES}
    found = Quiz.objects.filter(
        kind=Quiz.Kind.LESSON,
        title__in=list(titles),
        course__slug__in=[spec.course for spec in LESSON_QUIZZES],
    ).select_related("course")
    blocks: dict[tuple[str, str], list[dict]] = {}
    for quiz in found:
        spec = titles[quiz.title]
        if quiz.course.slug != spec.course:
            continue
        blocks[(spec.course, spec.lesson)] = [
            _quiz_block(quiz, course=spec.course, lesson=spec.lesson)
        ]
    return blocks


# --- Seeding ---------------------------------------------------------------------


def demo_assessments_seed(stdout: TextIOBase | None = None) -> DemoAssessments:
    """Seed the demo question banks, quizzes, competency links and attempts."""
    summary = DemoAssessments()
    trainer = User.objects.filter(username="demo_trainer").first()
    courses = {c.slug: c for c in CoursePage.objects.filter(slug__in=course_slugs())}
    with transaction.atomic():
        banks = {}
        for slug in course_slugs():
            course = courses.get(slug)
            if course is None:
                continue
            banks[slug] = _bank_ensure(course, trainer=trainer, summary=summary)
        _competencies_link(courses, banks)
        finals = {
            slug: _final_exam_ensure(courses[slug], banks[slug], trainer=trainer)
            for slug in banks
        }
        lesson_quizzes = {
            spec.title: _lesson_quiz_ensure(
                spec, courses[spec.course], banks[spec.course], trainer=trainer
            )
            for spec in LESSON_QUIZZES
            if spec.course in banks
        }
    _attempts_take(finals, lesson_quizzes, summary=summary)
    summary.banks = len(banks)
    summary.questions = Question.objects.filter(bank__in=banks.values()).count()
    summary.quizzes = Quiz.objects.filter(course__in=courses.values()).count()
    summary.attempts = Attempt.objects.filter(
        quiz__course__in=courses.values(),
        user__username__in=("demo_worker", "demo_worker2"),
    ).count()
    if stdout is not None:
        stdout.write(
            _(
                "Demo assessments ready: %(banks)s question banks with "
                "%(questions)s questions, %(quizzes)s quizzes, %(attempts)s "
                "attempts by the demo workers."
            )
            % {
                "banks": summary.banks,
                "questions": summary.questions,
                "quizzes": summary.quizzes,
                "attempts": summary.attempts,
            }
        )
    return summary


def _bank_ensure(
    course: CoursePage, *, trainer, summary: DemoAssessments
) -> QuestionBank:
    """The course's bank, imported from its CSV file the first time."""
    bank = QuestionBank.objects.filter(name=course.title).first()
    if bank is not None and bank.questions.exists():
        return bank
    path = csv_path(course.slug)
    report = import_questions(
        data=path.read_bytes(),
        bank_name=course.title,
        format="csv",
        filename=path.name,
        by=trainer,
    )
    if not report.ok:
        problems = "; ".join(str(problem) for problem in report.errors)
        raise ValueError(f"{path.name} does not import: {problems}")
    summary.imported += report.imported
    if report.bank.description == "":
        QuestionBank.objects.filter(pk=report.bank.pk).update(
            description=f"《{course.title}》课程题库（演示数据）"
        )
    return report.bank


def _competencies_link(
    courses: dict[str, CoursePage], banks: dict[str, QuestionBank]
) -> None:
    """Link each course, and each question of its bank, to the default framework."""
    framework = framework_ensure_default()
    if framework is None:
        return
    competencies = {c.code: c for c in Competency.objects.filter(framework=framework)}
    for slug, bank in banks.items():
        links = [
            (competencies.get(code), level) for code, level in COURSE_COMPETENCIES[slug]
        ]
        links = [(competency, level) for competency, level in links if competency]
        for competency, level in links:
            CourseCompetency.objects.get_or_create(
                course=courses[slug], competency=competency, defaults={"level": level}
            )
        if not links:
            continue
        tested = links[0][0]
        linked = set(
            QuestionCompetency.objects.filter(
                competency=tested, question__bank=bank
            ).values_list("question_id", flat=True)
        )
        QuestionCompetency.objects.bulk_create(
            [
                QuestionCompetency(
                    question=question,
                    competency=tested,
                    level=3
                    if question.type == Question.Type.ESSAY
                    else QUESTION_LEVELS[question.difficulty],
                )
                for question in bank.questions.exclude(pk__in=linked)
            ]
        )


def _final_exam_ensure(course: CoursePage, bank: QuestionBank, *, trainer) -> Quiz:
    exam = Quiz.objects.filter(course=course, kind=Quiz.Kind.FINAL).first()
    if exam is not None:
        return exam
    exam = Quiz.objects.create(
        title=f"结业考试：{course.title}",
        description=(
            "从课程题库中随机抽取10道题（易4道、中4道、难2道），每题10分，满分100分，"
            "60分及格。限时30分钟，可以考两次（一次补考），成绩取最高一次。"
            "考试通过后可以查看答案和解析。"
        ),
        kind=Quiz.Kind.FINAL,
        course=course,
        time_limit_minutes=30,
        attempts_allowed=2,
        pass_percent=Decimal("60"),
        grading_method=Quiz.Grading.HIGHEST,
        review_policy=Quiz.Review.ONCE_PASSED,
        created_by=trainer,
    )
    category = QuestionCategory.objects.filter(bank=bank, name=KNOWLEDGE).first()
    QuizDrawRule.objects.bulk_create(
        [
            QuizDrawRule(
                quiz=exam,
                bank=bank,
                category=category,
                difficulty=difficulty,
                count=count,
                points=FINAL_POINTS,
                sort_order=order,
            )
            for order, (difficulty, count) in enumerate(FINAL_DRAW)
        ]
    )
    return exam


def _lesson_quiz_ensure(
    spec: LessonQuizSpec, course: CoursePage, bank: QuestionBank, *, trainer
) -> Quiz:
    """The lesson's quiz with its fixed questions, and its block in the lesson."""
    quiz = Quiz.objects.filter(
        course=course, kind=Quiz.Kind.LESSON, title=spec.title
    ).first()
    if quiz is None:
        quiz = Quiz.objects.create(
            title=spec.title,
            description="学完本课后做一做，检查自己是否掌握了要点。不限时，可以做三次。",
            kind=Quiz.Kind.LESSON,
            course=course,
            time_limit_minutes=None,
            attempts_allowed=3,
            pass_percent=Decimal("60"),
            grading_method=Quiz.Grading.HIGHEST,
            review_policy=Quiz.Review.ONCE_PASSED,
            created_by=trainer,
        )
        QuizQuestion.objects.bulk_create(
            [
                QuizQuestion(
                    quiz=quiz, question=question_by_stem(bank, stem), sort_order=order
                )
                for order, stem in enumerate(spec.stems)
            ]
        )
    lesson = LessonPage.objects.child_of(course).filter(slug=spec.lesson).first()
    if lesson is not None:
        _lesson_block_ensure(lesson, quiz, spec)
    return quiz


def question_by_stem(bank: QuestionBank, stem: str) -> Question:
    """The bank's one question whose stem contains this text."""
    return Question.objects.get(bank=bank, current_version__stem__contains=stem)


def _lesson_block_ensure(lesson: LessonPage, quiz: Quiz, spec: LessonQuizSpec) -> None:
    raw = list(lesson.body.raw_data)
    if any(
        block.get("type") == "quiz"
        and (block.get("value") or {}).get("quiz_id") == quiz.pk
        for block in raw
    ):
        return
    raw.append(_quiz_block(quiz, course=spec.course, lesson=spec.lesson))
    lesson.body = LessonPage._meta.get_field("body").stream_block.to_python(raw)
    lesson.save_revision().publish()


# --- Attempts --------------------------------------------------------------------


def _right_answer(item):
    version = item.version
    qtype = version.question.type
    if qtype in (
        Question.Type.SINGLE,
        Question.Type.MULTIPLE,
        Question.Type.TRUE_FALSE,
    ):
        return list(version.answer)
    if qtype == Question.Type.FILL:
        return [accepted[0] for accepted in version.answer]
    if qtype == Question.Type.SHORT:
        return [version.answer[0]]
    return {"text": ESSAY_ANSWER}


def _wrong_answer(item):
    version = item.version
    qtype = version.question.type
    if qtype in (
        Question.Type.SINGLE,
        Question.Type.MULTIPLE,
        Question.Type.TRUE_FALSE,
    ):
        keys = [str(choice["key"]) for choice in version.choices]
        return [next(key for key in keys if key not in version.answer)]
    if qtype == Question.Type.FILL:
        return ["不清楚"] * len(version.answer)
    if qtype == Question.Type.SHORT:
        return ["不清楚"]
    return {"text": "不清楚。"}


def _take(quiz: Quiz, user: User, *, right: int | None, when: datetime) -> Attempt:
    """One attempt through the real services: ``right`` answers right (all when
    None), the rest wrong, handed in a few minutes after it starts."""
    attempt = attempt_start(quiz=quiz, user=user, now=when)
    items = list(attempt.items.select_related("version__question").order_by("position"))
    answers = {
        item.position: _right_answer(item)
        if right is None or index < right
        else _wrong_answer(item)
        for index, item in enumerate(items)
    }
    return attempt_submit(
        attempt=attempt,
        seq=attempt.seq,
        answers=answers,
        now=when + timedelta(minutes=3 + len(items)),
    )


def _attempts_take(
    finals: dict[str, Quiz],
    lesson_quizzes: dict[str, Quiz],
    *,
    summary: DemoAssessments,
) -> None:
    """demo_worker: passes, and a fail then a pass on the resit; demo_worker2:
    an essay waiting for marking. Only where the worker has no attempt yet."""
    now = timezone.now()
    worker = User.objects.filter(username="demo_worker").first()
    worker2 = User.objects.filter(username="demo_worker2").first()
    lesson = {spec.course: lesson_quizzes.get(spec.title) for spec in LESSON_QUIZZES}
    plans: list[tuple[Quiz | None, User | None, list[tuple[int | None, int]]]] = [
        # (quiz, worker, [(answers right or None for all, days ago)])
        (lesson.get(LAW_COURSE), worker, [(None, 30)]),
        (finals.get(LAW_COURSE), worker, [(9, 28)]),
        (lesson.get(MEDIATION_COURSE), worker, [(None, 16)]),
        (finals.get(MEDIATION_COURSE), worker, [(4, 14), (8, 12)]),
        (lesson.get(EMERGENCY_COURSE), worker, [(4, 5)]),
        (lesson.get(WRITING_COURSE), worker2, [(None, 2)]),
    ]
    for quiz, user, tries in plans:
        if quiz is None or user is None:
            continue
        if Attempt.objects.filter(quiz=quiz, user=user).exists():
            continue
        for right, days in tries:
            _take(quiz, user, right=right, when=now - timedelta(days=days))
            summary.attempts_taken += 1
