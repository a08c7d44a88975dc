"""Grading of one answer: pure functions, no queries (the benchmark grades a
100-question attempt in well under a millisecond per item).

Scores are Decimals with 2 places, rounded half up. The key (``version.answer``)
is authoritative; choice fractions only refine partial credit for multiple
choice. An answer that is missing or empty scores 0 (an empty essay too: there
is nothing for a person to mark).
"""

from __future__ import annotations

import string
import unicodedata
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0")
ONE = Decimal("1")

_ASCII_PUNCTUATION = frozenset(string.punctuation)

# Question types (the values of assessments.models.Question.Type), repeated as
# plain strings so that this module imports nothing from the models.
SINGLE = "single"
MULTIPLE = "multiple"
TRUE_FALSE = "truefalse"
FILL = "fill"
SHORT = "short"
ESSAY = "essay"

ALL_OR_NOTHING = "all"
PARTIAL = "partial"


def normalise(text: str) -> str:
    """The form answers are compared in: NFKC (full-width → half-width), lower
    case, no spaces and no punctuation (Chinese or ASCII).

    ``"（民法典）"``, ``"民法典。"`` and ``" 民 法 典 "`` all become ``"民法典"``;
    ``"ＡＢＣ"`` becomes ``"abc"``.
    """
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", str(text)).casefold()
    return "".join(
        ch
        for ch in text
        if not ch.isspace()
        and ch not in _ASCII_PUNCTUATION
        and not unicodedata.category(ch).startswith(("P", "Z", "C"))
    )


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _keys(answer) -> list[str]:
    """The choice keys an answer picks, in a stable form."""
    if answer is None:
        return []
    if isinstance(answer, str):
        answer = [answer]
    if not isinstance(answer, list | tuple):
        return []
    return [str(key) for key in answer if key not in (None, "")]


def _texts(answer) -> list[str]:
    if answer is None:
        return []
    if isinstance(answer, str):
        return [answer]
    if isinstance(answer, dict):
        return [str(answer.get("text", ""))]
    if isinstance(answer, list | tuple):
        return ["" if text is None else str(text) for text in answer]
    return []


def _fraction(value) -> Decimal:
    try:
        return Decimal(str(value or 0))
    except ArithmeticError:
        return ZERO


def multiple_fraction(*, choices: list[dict], key: list, picked: list) -> Decimal:
    """Partial credit for a multiple-choice answer, as a fraction of the points.

    Moodle's rule: the sum of the fractions of the picked choices, floored at
    0 and capped at 1. The key decides which choices are right: a right choice
    counts its own fraction, or 1/(number of right choices) when the version
    gives it none. A wrong choice counts its (negative) fraction; when no wrong
    choice of the version carries a negative fraction (an Excel or Aiken import
    has none), each wrong pick costs 1/(number of wrong choices) instead, so
    that picking every choice never earns points. Picking exactly the key
    always gives full credit, whatever rounding the fractions carry.
    """
    right = set(key)
    picked_set = set(picked)
    if not right or not picked_set:
        return ZERO
    if picked_set == right:
        return ONE
    by_key = {str(c.get("key")): _fraction(c.get("fraction")) for c in choices}
    wrong_keys = [k for k in by_key if k not in right]
    moodle_penalties = any(by_key[k] < 0 for k in wrong_keys)
    default_penalty = -ONE / len(wrong_keys) if wrong_keys else ZERO
    total = ZERO
    for pick in picked_set:
        if pick in right:
            own = by_key.get(pick, ZERO)
            total += own if own > 0 else ONE / len(right)
        elif pick in by_key:
            total += min(by_key[pick], ZERO) if moodle_penalties else default_penalty
        else:  # not a choice of this version: counts as a wrong pick
            total += default_penalty
    return min(max(total, ZERO), ONE)


def item_score(
    *,
    version,
    answer,
    points: Decimal,
    multiple_scoring: str,
    qtype: str | None = None,
) -> Decimal | None:
    """The score of one answer; ``None`` means a person must mark it (an essay).

    single and true/false: the right key gives the points. multiple:
    all-or-nothing gives the points for exactly the key; partial credit is
    ``multiple_fraction`` × points. fill: each blank scores separately, points
    × right blanks / blanks, a blank being right when its text matches one of
    its accepted answers after ``normalise``. short: any accepted answer after
    ``normalise`` gives the points (no match is 0, not a marking job).

    ``qtype`` is the question's type; without it ``version.question.type`` is
    read, so load versions with ``select_related("question")`` to stay query-free.
    """
    points = Decimal(points)
    qtype = qtype or version.question.type
    key = version.answer or []

    if qtype in (SINGLE, TRUE_FALSE):
        picked = _keys(answer)
        right = {str(k) for k in key}
        return _money(points) if len(picked) == 1 and picked[0] in right else ZERO

    if qtype == MULTIPLE:
        picked = _keys(answer)
        right = [str(k) for k in key]
        if multiple_scoring == PARTIAL:
            fraction = multiple_fraction(
                choices=version.choices or [], key=right, picked=picked
            )
            return _money(points * fraction)
        return _money(points) if picked and set(picked) == set(right) else ZERO

    if qtype == FILL:
        blanks = len(key)
        if not blanks:
            return ZERO
        given = _texts(answer)
        right_blanks = 0
        for index, accepted in enumerate(key):
            text = normalise(given[index]) if index < len(given) else ""
            options = accepted if isinstance(accepted, list | tuple) else [accepted]
            if text and text in {normalise(a) for a in options}:
                right_blanks += 1
        return _money(points * right_blanks / blanks)

    if qtype == SHORT:
        texts = _texts(answer)
        text = normalise(texts[0]) if texts else ""
        accepted = {normalise(a) for a in key if isinstance(a, str)}
        return _money(points) if text and text in accepted else ZERO

    if qtype == ESSAY:
        texts = _texts(answer)
        return None if texts and texts[0].strip() else ZERO

    return ZERO
