"""Competency services: the default framework, evidence, ratings.

A worker's current level (WorkerCompetency) is written here, in the same
transaction as the evidence that changes it, and never recomputed on page load.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, IntegrityError, transaction

from people.audit import audit_record

from ..models import (
    Attempt,
    AttemptItem,
    Competency,
    CompetencyEvidence,
    CompetencyFramework,
    CourseCompetency,
    QuestionCompetency,
    WorkerCompetency,
)
from ..selectors.competencies import worker_ratable_by

# A score on a competency's questions at or above this share achieves the level.
SCORE_ACHIEVES = Decimal("80")

DEFAULT_FRAMEWORK_NAME = "社区工作者能力框架"
DEFAULT_LEVEL_NAMES = ["了解", "理解", "应用", "精通"]

# (code, name, description, what levels 1–4 mean). Domain data, not msgids.
DEFAULT_COMPETENCIES = [
    (
        "FL",
        "法律法规运用",
        "掌握与社区工作相关的法律法规（宪法、民法典、城乡社区组织法规等），"
        "能依法开展工作、解答居民法律问题。",
        [
            "知道社区工作常用的法律法规名称和基本内容。",
            "理解主要条款的含义，能准确说明居民的权利和义务。",
            "能依法办理社区事务，为居民提供基本法律指引。",
            "能处理复杂的涉法事务，指导他人依法工作。",
        ],
    ),
    (
        "ZC",
        "政策理解与宣传",
        "准确理解党和政府的方针政策，并用居民听得懂的方式宣传解读。",
        [
            "知道与社区相关的主要政策及其出台背景。",
            "理解政策要点、适用对象和办理条件。",
            "能组织政策宣传，为居民解读并协助办理。",
            "能结合社区实际提出落实政策的办法，培训他人宣讲。",
        ],
    ),
    (
        "XX",
        "信息化办公",
        "熟练使用办公软件、政务服务平台和网格化管理系统，注意数据安全与个人信息保护。",
        [
            "会使用常用办公软件和工作平台的基本功能。",
            "理解数据录入规范和个人信息保护要求。",
            "能高效使用信息系统办理业务、统计分析数据。",
            "能优化信息化工作流程，帮助同事解决系统问题。",
        ],
    ),
    (
        "GW",
        "公文写作",
        "按照党政机关公文格式规范，撰写通知、报告、请示、工作总结等常用文书。",
        [
            "知道常用公文的种类和基本格式。",
            "理解各类公文的适用场合和行文规则。",
            "能独立撰写格式规范、表达准确的常用公文。",
            "能撰写综合性材料，修改把关他人的文稿。",
        ],
    ),
    (
        "GT",
        "沟通协调",
        "与居民、驻区单位、社会组织和上级部门有效沟通，协调各方资源解决问题。",
        [
            "知道沟通的基本方法和社区各方主体。",
            "理解居民诉求，能耐心倾听、清楚表达。",
            "能协调多方力量，推动社区事务解决。",
            "能搭建长效协商机制，化解复杂的多方分歧。",
        ],
    ),
    (
        "TJ",
        "矛盾纠纷调解",
        "依据人民调解法等规定，及时排查和化解邻里、家庭、物业等矛盾纠纷。",
        [
            "知道人民调解的原则和基本程序。",
            "理解常见纠纷的成因和相关法律规定。",
            "能独立主持调解，制作调解协议。",
            "能化解疑难复杂纠纷，指导调解员工作。",
        ],
    ),
    (
        "YJ",
        "应急处置",
        "掌握突发事件应对法和社区应急预案，在自然灾害、公共卫生、安全事故中"
        "组织居民避险和先期处置。",
        [
            "知道社区应急预案和报告流程。",
            "理解各类突发事件的处置要点和职责分工。",
            "能组织应急演练，开展先期处置和人员疏散。",
            "能指挥社区应急处置，完善应急预案。",
        ],
    ),
    (
        "XL",
        "心理调适",
        "认识工作压力，掌握情绪管理和自我调适方法，能为居民提供初步的心理支持。",
        [
            "知道压力和情绪的常见表现。",
            "理解压力来源，掌握基本的放松和调适方法。",
            "能保持良好工作状态，为居民提供倾听和支持。",
            "能帮助同事调适压力，识别需要转介专业机构的情况。",
        ],
    ),
]


def framework_ensure_default() -> CompetencyFramework | None:
    """Create the default 社区工作者能力框架 if it is missing (runs on migrate).

    It runs after every migrate and every test flush, so the common case is one
    query. A migrate that stops before the assessments tables exist leaves it
    for the next run.
    """
    try:
        framework = CompetencyFramework.objects.filter(is_default=True).first()
    except DatabaseError:
        return None
    if framework is not None:
        return framework
    return _framework_create_default()


@transaction.atomic
def _framework_create_default() -> CompetencyFramework:
    framework, _created = CompetencyFramework.objects.get_or_create(
        name=DEFAULT_FRAMEWORK_NAME,
        defaults={
            "description": "连心学堂默认的社区工作者能力框架，每项能力分四级。",
            "level_names": DEFAULT_LEVEL_NAMES,
        },
    )
    CompetencyFramework.objects.filter(pk=framework.pk).update(is_default=True)
    framework.is_default = True
    existing = set(framework.competencies.values_list("code", flat=True))
    Competency.objects.bulk_create(
        [
            Competency(
                framework=framework,
                code=code,
                name=name,
                description=description,
                level_descriptions=levels,
                sort_order=index,
            )
            for index, (code, name, description, levels) in enumerate(
                DEFAULT_COMPETENCIES, start=1
            )
            if code not in existing
        ]
    )
    return framework


# --- evidence ----------------------------------------------------------------------


def competency_evidence_add(
    *,
    user,
    competency: Competency,
    source: str,
    level: int,
    reference: str,
    achieved: bool = True,
    percent: Decimal | None = None,
    course=None,
    quiz=None,
    attempt=None,
    rated_by=None,
    note: str = "",
) -> CompetencyEvidence:
    """Record one piece of evidence once per reference and update the current level.

    The unique constraint (worker, competency, reference) makes a repeated or
    concurrent signal harmless: the second insert fails inside its savepoint and
    the evidence already stored is returned unchanged (``created`` is False).
    """
    with transaction.atomic():
        try:
            with transaction.atomic():
                evidence = CompetencyEvidence.objects.create(
                    user=user,
                    competency=competency,
                    source=source,
                    level=level,
                    reference=reference,
                    achieved=achieved,
                    percent=percent,
                    course=course,
                    quiz=quiz,
                    attempt=attempt,
                    rated_by=rated_by,
                    note=note,
                )
        except IntegrityError:
            evidence = CompetencyEvidence.objects.get(
                user=user, competency=competency, reference=reference
            )
            evidence.created = False
            return evidence
        worker_competency_refresh(user=user, competency=competency)
        evidence.created = True
        return evidence


def current_level(evidence: list[CompetencyEvidence]) -> int:
    """The level that a worker's evidence (oldest first) gives them.

    A rating is a person's judgement of the worker's level now: the most recent
    rating replaces what older evidence says, so it may lower the level. Evidence
    achieved after it (a course, a quiz, a score) raises the level again as usual.
    Without a rating, the highest achieved level counts. Evidence that did not
    achieve its level (a score under 80%) never counts.
    """
    level = 0
    for item in evidence:
        if not item.achieved:
            continue
        if item.source == CompetencyEvidence.Source.RATING:
            level = item.level
        else:
            level = max(level, item.level)
    return level


def worker_competency_refresh(*, user, competency: Competency) -> WorkerCompetency:
    """Recompute one worker's current level in one competency from the evidence.

    The WorkerCompetency row is locked first, so two pieces of evidence arriving
    at once are applied one after the other and neither is lost.
    """
    with transaction.atomic():
        WorkerCompetency.objects.get_or_create(user=user, competency=competency)
        row = WorkerCompetency.objects.select_for_update().get(
            user=user, competency=competency
        )
        evidence = CompetencyEvidence.objects.filter(
            user=user, competency=competency
        ).order_by("created_at", "id")
        level = current_level(list(evidence.only("source", "level", "achieved")))
        if row.level != level:
            row.level = level
            row.save(update_fields=["level", "updated_at"])
        return row


def course_competency_evidence_add(*, enrolment) -> list[CompetencyEvidence]:
    """Completing a course is evidence of each competency linked to it, at the
    level of the link."""
    links = CourseCompetency.objects.filter(
        course_id=enrolment.course_id
    ).select_related("competency")
    return [
        competency_evidence_add(
            user=enrolment.user,
            competency=link.competency,
            source=CompetencyEvidence.Source.COURSE,
            level=link.level,
            reference=f"course:{enrolment.course_id}:{enrolment.pk}",
            course=enrolment.course,
        )
        for link in links
    ]


def _percent(score: Decimal, points: Decimal) -> Decimal:
    return (Decimal(100) * score / points).quantize(Decimal("0.01"))


def score_result(rows: list[tuple[int, Decimal, Decimal]]) -> tuple[int, Decimal, bool]:
    """The level, percent and whether it is achieved, from (link level, score,
    points) of one competency's questions in one attempt.

    The level achieved is the highest level L at which the worker scored at least
    80% on the competency's questions linked at L or above: answering the easy
    questions of a competency never proves its highest level. When no level is
    reached, the evidence is kept at the lowest linked level, not achieved, with
    the percent over all of the competency's questions.
    """
    levels = sorted({level for level, _score, _points in rows}, reverse=True)
    for level in levels:
        score = sum((s for lv, s, _p in rows if lv >= level), Decimal(0))
        points = sum((p for lv, _s, p in rows if lv >= level), Decimal(0))
        if points > 0 and _percent(score, points) >= SCORE_ACHIEVES:
            return level, _percent(score, points), True
    score = sum((s for _lv, s, _p in rows), Decimal(0))
    points = sum((p for _lv, _s, p in rows), Decimal(0))
    return levels[-1], _percent(score, points), False


def attempt_competency_evidence_add(*, attempt: Attempt) -> list[CompetencyEvidence]:
    """A graded attempt is evidence of the competencies linked to its questions.

    For each competency: passing the quiz is evidence at the highest linked level
    (``attempt:<id>``), and the score on that competency's questions is evidence
    whether or not it reaches 80% (``score:<id>``, see ``score_result``).
    """
    if attempt.status != Attempt.Status.FINISHED:
        return []
    items = list(
        AttemptItem.objects.filter(attempt=attempt).values_list(
            "version__question_id", "score", "points"
        )
    )
    links = QuestionCompetency.objects.filter(
        question_id__in={question_id for question_id, _s, _p in items}
    ).select_related("competency")
    levels_by_question: dict[int, list[QuestionCompetency]] = {}
    for link in links:
        levels_by_question.setdefault(link.question_id, []).append(link)
    rows: dict[int, list[tuple[int, Decimal, Decimal]]] = {}
    competencies: dict[int, Competency] = {}
    for question_id, score, points in items:
        for link in levels_by_question.get(question_id, []):
            competencies[link.competency_id] = link.competency
            rows.setdefault(link.competency_id, []).append(
                (link.level, score or Decimal(0), points or Decimal(0))
            )
    added = []
    for competency_id, competency_rows in rows.items():
        competency = competencies[competency_id]
        if attempt.passed:
            added.append(
                competency_evidence_add(
                    user=attempt.user,
                    competency=competency,
                    source=CompetencyEvidence.Source.QUIZ,
                    level=max(level for level, _s, _p in competency_rows),
                    reference=f"attempt:{attempt.pk}",
                    percent=attempt.percent,
                    quiz=attempt.quiz,
                    attempt=attempt,
                )
            )
        if sum(points for _lv, _s, points in competency_rows) <= 0:
            continue
        level, percent, achieved = score_result(competency_rows)
        added.append(
            competency_evidence_add(
                user=attempt.user,
                competency=competency,
                source=CompetencyEvidence.Source.SCORE,
                level=level,
                reference=f"score:{attempt.pk}",
                achieved=achieved,
                percent=percent,
                quiz=attempt.quiz,
                attempt=attempt,
            )
        )
    return added


def competency_rate(
    *,
    worker,
    competency: Competency,
    level: int,
    note: str,
    by,
    request=None,
) -> CompetencyEvidence:
    """A trainer's or HR's rating of a worker's level, with a note; audited.

    Every rating counts (its reference is new each time) and, being the most
    recent judgement, sets the current level (see ``current_level``). HR may
    rate only workers in its part of the org tree.
    """
    if not worker_ratable_by(user=by, worker=worker):
        raise PermissionDenied
    with transaction.atomic():
        evidence = competency_evidence_add(
            user=worker,
            competency=competency,
            source=CompetencyEvidence.Source.RATING,
            level=level,
            reference=f"rating:{uuid.uuid4()}",
            rated_by=by,
            note=note,
        )
        audit_record(
            action="competency.rated",
            actor=by,
            obj=evidence,
            details={
                "worker": worker.pk,
                "competency": competency.code,
                "level": level,
                "note": note,
            },
            request=request,
        )
        return evidence
