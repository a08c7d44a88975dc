"""Reads for competencies: a worker's profile, and who may see or rate it.

Current levels are read from WorkerCompetency, which the services keep up to
date when evidence arrives; nothing here recomputes a level.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from people import roles
from people.selectors import workers_in_scope

from ..models import (
    Competency,
    CompetencyEvidence,
    CompetencyFramework,
    WorkerCompetency,
)


@dataclass
class CompetencyLevel:
    competency: Competency
    level: int
    level_name: str
    meaning: str


@dataclass
class CompetencyProfile:
    framework: CompetencyFramework | None
    frameworks: list[CompetencyFramework]
    levels: list[CompetencyLevel]
    evidence: QuerySet[CompetencyEvidence]

    @property
    def level_names(self) -> list[str]:
        return list(self.framework.level_names) if self.framework else []

    def level_name(self, level: int) -> str:
        return level_name(self.framework, level)


def level_name(framework: CompetencyFramework | None, level: int) -> str:
    """The framework's name for a level 1–4; empty for 0 or a missing name."""
    names = framework.level_names if framework else []
    if 1 <= level <= len(names):
        return names[level - 1]
    return ""


def competency_profile_for_worker(
    *, user, framework_id: int | None = None
) -> CompetencyProfile:
    """A worker's current level in each competency of a framework (the default
    one unless another is asked for) and the evidence trail behind them.

    A fixed number of queries however many competencies or pieces of evidence
    there are; the evidence is a queryset for the caller to paginate. Only
    competency data is read here: wellbeing self-assessments never are.
    """
    frameworks = list(CompetencyFramework.objects.order_by("-is_default", "name"))
    framework = next((f for f in frameworks if f.pk == framework_id), None)
    if framework is None:
        framework = frameworks[0] if frameworks else None
    if framework is None:
        return CompetencyProfile(None, [], [], CompetencyEvidence.objects.none())
    competencies = list(framework.competencies.order_by("sort_order", "code"))
    current = dict(
        WorkerCompetency.objects.filter(
            user=user, competency__framework=framework
        ).values_list("competency_id", "level")
    )
    levels = []
    for competency in competencies:
        level = current.get(competency.pk, 0)
        meanings = competency.level_descriptions or []
        levels.append(
            CompetencyLevel(
                competency=competency,
                level=level,
                level_name=level_name(framework, level),
                meaning=meanings[level - 1] if 1 <= level <= len(meanings) else "",
            )
        )
    evidence = (
        CompetencyEvidence.objects.filter(user=user, competency__framework=framework)
        .select_related("competency", "course", "quiz", "rated_by")
        .order_by("-created_at", "-id")
    )
    return CompetencyProfile(framework, frameworks, levels, evidence)


def workers_ratable_by(*, user) -> QuerySet:
    """The workers whose competency profile a user may see and rate.

    Trainers and admins: every worker. HR: the workers of its own subtrees,
    so a worker elsewhere is simply not found (404), which tells nothing.
    """
    users = get_user_model().objects.filter(profile__isnull=False)
    if roles.has_role(user, roles.ADMIN, roles.TRAINER):
        return users
    if roles.has_role(user, roles.HR):
        return users.filter(pk__in=workers_in_scope(user=user).values("user_id"))
    return users.none()


def worker_ratable_by(*, user, worker) -> bool:
    """Whether a user may see and rate this worker's competencies."""
    return workers_ratable_by(user=user).filter(pk=worker.pk).exists()
