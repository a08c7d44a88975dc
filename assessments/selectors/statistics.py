"""Item statistics of a quiz, as Moodle's quiz statistics report gives them.

Per question (all its versions together, the versions shown):

- facility index: the mean score on the question as a percentage of its points
  (Moodle: markaverage / maxmark);
- standard deviation of the score, as a percentage of the points (sample SD,
  n - 1, like Moodle);
- discrimination index: Moodle's, the correlation between the score on the
  question and the score on the rest of the attempt (the attempt's total minus
  this question), r = cov(x, y) / sqrt(var(x) var(y)), shown as a percentage
  like Moodle does (0.2 = 20%). Moodle reads discrimination below 20% as weak.

Only finished attempts count, all of them or only each worker's first (Moodle's
"all attempts" / "first attempt"). Everything comes from three queries whatever
the number of attempts: the attempts' percents, their items' scores, the questions.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from statistics import median

from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from assessments.models import Attempt, AttemptItem, Question

ALL = "all"
FIRST = "first"
BANDS = 10
# Weak-question thresholds (percent / correlation), as Moodle's documentation
# suggests reading them.
FACILITY_LOW = 20.0
FACILITY_HIGH = 95.0
DISCRIMINATION_LOW = 0.2

HINT_HARD = _(
    # xgettext:no-python-format
    "Very hard: on average fewer than 20% of the points are scored. Check the key "
    "and whether the course teaches it."
)
HINT_EASY = _(
    "Very easy: nearly everyone scores it, so it tells little about who has "
    "learned the topic."
)
HINT_DISCRIMINATION = _(
    "Low discrimination: workers who do well on the rest of the quiz do no better "
    "on this question. Check for an ambiguous stem or a wrong key."
)


@dataclass
class QuestionStats:
    question_id: int
    label: str
    type: str
    type_label: str
    versions: list[int]
    attempts: int
    mean_score: float
    max_points: float
    facility: float | None
    sd: float | None
    discrimination: float | None
    hints: list = field(default_factory=list)

    @property
    def discrimination_percent(self) -> float | None:
        return None if self.discrimination is None else self.discrimination * 100

    @property
    def is_weak(self) -> bool:
        return bool(self.hints)

    @property
    def has_key(self) -> bool:
        return self.type != Question.Type.ESSAY


@dataclass
class QuizStats:
    which: str
    attempts: int
    mean: float | None
    median: float | None
    sd: float | None
    bands: list[int]
    questions: list[QuestionStats]

    @property
    def weak_count(self) -> int:
        return sum(1 for q in self.questions if q.is_weak)


def _sample_sd(values: list[float]) -> float | None:
    n = len(values)
    if n < 2:
        return None
    mean = sum(values) / n
    return math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1))


def _mean(values: list) -> float:
    return sum(values) / len(values)


def correlation(xs: list[float], ys: list[float]) -> float | None:
    """Pearson's r of two equally long lists; None when either does not vary."""
    n = len(xs)
    if n < 2:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx <= 1e-12 or syy <= 1e-12:
        return None
    return sxy / math.sqrt(sxx * syy)


def band_of(percent: float) -> int:
    """The 10% band of a percent: 0 for [0, 10), …, 9 for [90, 100]."""
    return min(max(int(percent // 10), 0), BANDS - 1)


def _hints(facility, discrimination) -> list:
    hints = []
    if facility is not None and facility < FACILITY_LOW:
        hints.append(HINT_HARD)
    if facility is not None and facility > FACILITY_HIGH:
        hints.append(HINT_EASY)
    if discrimination is not None and discrimination < DISCRIMINATION_LOW:
        hints.append(HINT_DISCRIMINATION)
    return hints


def _label(name: str, stem: str, pk: int) -> str:
    if name:
        return name
    text = Truncator(strip_tags(stem or "").strip()).chars(40)
    return text or f"#{pk}"


def quiz_statistics_for(*, user, quiz, which: str = ALL) -> QuizStats:
    """Facility, discrimination and SD per question and the score distribution."""
    attempts = Attempt.objects.filter(quiz=quiz, status=Attempt.Status.FINISHED)
    items = AttemptItem.objects.filter(
        attempt__quiz=quiz, attempt__status=Attempt.Status.FINISHED
    )
    if which == FIRST:
        attempts = attempts.filter(number=1)
        items = items.filter(attempt__number=1)

    percents = [
        float(p) for p in attempts.values_list("percent", flat=True) if p is not None
    ]
    bands = [0] * BANDS
    for percent in percents:
        bands[band_of(percent)] += 1

    # One pass over the items: per attempt the total, per question its rows.
    totals: dict[int, float] = defaultdict(float)
    rows: dict[int, dict[int, list[float]]] = defaultdict(dict)
    versions: dict[int, set[int]] = defaultdict(set)
    order: dict[int, list[int]] = defaultdict(list)
    for attempt_id, question_id, number, position, score, points in items.values_list(
        "attempt_id",
        "version__question_id",
        "version__number",
        "position",
        "score",
        "points",
    ):
        mark = float(score or Decimal(0))
        totals[attempt_id] += mark
        # A question twice in one attempt (two draw rules) counts as one slot.
        slot = rows[question_id].setdefault(attempt_id, [0.0, 0.0])
        slot[0] += mark
        slot[1] += float(points or Decimal(0))
        versions[question_id].add(number)
        order[question_id].append(position)

    questions = {
        q["id"]: q
        for q in Question.objects.filter(pk__in=list(rows)).values(
            "id", "name", "type", "current_version__stem"
        )
    }
    types = dict(Question.Type.choices)
    result = []
    for question_id, per_attempt in rows.items():
        marks = [v[0] for v in per_attempt.values()]
        maxes = [v[1] for v in per_attempt.values()]
        rest = [totals[a] - v[0] for a, v in per_attempt.items()]
        n = len(marks)
        total_max = sum(maxes)
        facility = 100 * sum(marks) / total_max if total_max else None
        fractions = [m / p for m, p in zip(marks, maxes, strict=True) if p]
        sd = _sample_sd(fractions)
        discrimination = correlation(marks, rest)
        info = questions.get(question_id, {})
        result.append(
            QuestionStats(
                question_id=question_id,
                label=_label(
                    info.get("name", ""), info.get("current_version__stem"), question_id
                ),
                type=info.get("type", ""),
                type_label=types.get(info.get("type", ""), ""),
                versions=sorted(versions[question_id]),
                attempts=n,
                mean_score=sum(marks) / n,
                max_points=total_max / n,
                facility=facility,
                sd=None if sd is None else sd * 100,
                discrimination=discrimination,
                hints=_hints(facility, discrimination),
            )
        )
    # In the quiz's order: by the mean position the question had in attempts.
    result.sort(key=lambda s: (_mean(order[s.question_id]), s.question_id))
    return QuizStats(
        which=which,
        attempts=len(percents),
        mean=sum(percents) / len(percents) if percents else None,
        median=median(percents) if percents else None,
        sd=_sample_sd(percents),
        bands=bands,
        questions=result,
    )


def histogram_bars(bands: list[int], *, width=320, height=160, gap=4) -> dict:
    """Geometry of the score distribution's SVG bars (drawn by the template)."""
    top = max(bands) if bands and max(bands) else 1
    chart = height - 20  # room for the band labels under the bars
    bar = (width - gap * (len(bands) - 1)) / len(bands)
    bars = []
    for index, count in enumerate(bands):
        h = round(chart * count / top, 1)
        bars.append(
            {
                "x": round(index * (bar + gap), 1),
                "y": round(chart - h, 1),
                "width": round(bar, 1),
                "height": h,
                "count": count,
                "label": f"{index * 10}",
                "range": f"{index * 10}–{index * 10 + 10}%",
                "label_x": round(index * (bar + gap) + bar / 2, 1),
                "count_y": round(max(chart - h - 3, 10), 1),
            }
        )
    return {"width": width, "height": height, "chart": chart, "bars": bars}
