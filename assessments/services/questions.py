"""Question services: banks, categories, questions and their versions.

Every question of every type is checked here, whoever writes it (the trainer's
form, an import, the demo seed), so that grading can trust what it reads: a
single-choice question has exactly one right choice, a fill-in question has an
accepted answer for every blank, and so on.

A question used in an attempt is never changed in place: the worker's attempt
must keep showing the text and key it was marked against. Editing such a
question writes a new version and points the question at it.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from bs4 import BeautifulSoup, Comment
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from taggit.models import Tag

from ..models import (
    AttemptItem,
    Question,
    QuestionBank,
    QuestionCategory,
    QuestionTag,
    QuestionVersion,
)

LETTERS = "ABCDEFGH"
MAX_CHOICES = len(LETTERS)
TRUE_FALSE_TEXTS = {"T": "对", "F": "错"}  # domain data: what a worker reads
VERSION_FIELDS = ("stem", "choices", "answer", "explanation", "rubric", "points")
QUESTION_FIELDS = ("difficulty", "category", "tags", "name")

# Blanks in a fill-in stem: three or more underscores, or empty brackets
# (full-width or not) as Chinese exam papers print them.
BLANK_RE = re.compile(r"_{3,}|（[\s\u3000]*）|\([\s\u3000]*\)")

# --- Text -------------------------------------------------------------------

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "s",
    "sub",
    "sup",
    "span",
    "div",
    "ul",
    "ol",
    "li",
    "blockquote",
    "pre",
    "code",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "img",
    "a",
    "hr",
}
ALLOWED_ATTRIBUTES = {
    "img": {"src", "alt", "width", "height"},
    "a": {"href", "title"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}
# Removed with everything inside them, not only the tag.
DROPPED_TAGS = {"script", "style", "iframe", "object", "embed", "form", "head"}
SAFE_URL_RE = re.compile(r"^(https?://|/|#|data:image/(png|jpeg|gif|webp);)", re.I)
# HTML with nothing but attribute-free basic tags needs no parser (imports
# of thousands of Excel rows are all like this).
SIMPLE_HTML_RE = re.compile(
    r"^(?:[^<>]|</?(?:p|strong|em|b|i|u|sub|sup)>|<br\s*/?>)*$", re.IGNORECASE
)
SIMPLE_TAG_RE = re.compile(r"<[^>]*>")
BLOCK_START_RE = re.compile(
    r"^\s*<(p|div|ul|ol|table|blockquote|pre|h[3-6])[\s>]", re.IGNORECASE
)


def html_clean(value: str) -> str:
    """Rich text reduced to the tags a question may use: no scripts, no events.

    Stems come from files made elsewhere (Moodle exports, colleagues' Excel)
    and are shown to every worker who takes the quiz, so nothing that runs is
    kept.
    """
    value = (value or "").strip()
    if not value:
        return ""
    if "<" not in value or SIMPLE_HTML_RE.match(value):
        return value
    soup = BeautifulSoup(value, "html.parser")
    for node in soup.find_all(string=lambda s: isinstance(s, Comment)):
        node.extract()
    for tag in soup.find_all(True):
        if tag.name in DROPPED_TAGS:
            tag.decompose()
    for tag in soup.find_all(True):
        if tag.name not in ALLOWED_TAGS:
            tag.unwrap()
            continue
        allowed = ALLOWED_ATTRIBUTES.get(tag.name, set())
        for attribute in list(tag.attrs):
            if attribute not in allowed:
                del tag.attrs[attribute]
            elif attribute in ("href", "src"):
                url = str(tag.attrs[attribute]).strip()
                if not SAFE_URL_RE.match(url):
                    del tag.attrs[attribute]
    return str(soup).strip()


def plain_to_html(text: str) -> str:
    """Plain text (an Excel cell) as a paragraph: escaped, line breaks kept."""
    text = (text or "").strip()
    if not text:
        return ""
    lines = [html.escape(line.strip()) for line in text.splitlines()]
    return "<p>" + "<br>".join(lines) + "</p>"


def as_html(text: str) -> str:
    """Text that may be HTML: cleaned, and wrapped in a paragraph if it is bare."""
    cleaned = html_clean(text)
    if not cleaned:
        return ""
    if "<" not in cleaned and "&" not in cleaned:
        return plain_to_html(cleaned)
    if not BLOCK_START_RE.match(cleaned):
        cleaned = f"<p>{cleaned}</p>"
    return cleaned


def html_to_plain(value: str) -> str:
    """HTML as the text a person would type in an Excel cell."""
    value = value or ""
    if "<" not in value and "&" not in value:
        return value.strip()
    simple = bool(SIMPLE_HTML_RE.match(value))
    value = re.sub(r"<br\s*/?>", "\n", value, flags=re.IGNORECASE)
    value = re.sub(r"</(p|div|li|h[1-6]|tr)>", "\n", value, flags=re.IGNORECASE)
    if simple:
        text = html.unescape(SIMPLE_TAG_RE.sub("", value))
    else:
        text = BeautifulSoup(value, "html.parser").get_text()
    lines = [line.strip() for line in text.splitlines()]
    return "\n".join(line for line in lines if line)


def blank_count(stem: str) -> int:
    """How many blanks a fill-in stem marks."""
    return len(BLANK_RE.findall(html_to_plain(stem)))


# --- Checking ---------------------------------------------------------------


@dataclass
class QuestionData:
    """One question as plain data: what an import parses, before any write."""

    type: str
    stem: str
    choices: list = field(default_factory=list)
    answer: list = field(default_factory=list)
    explanation: str = ""
    rubric: str = ""
    points: Decimal = Decimal("1")
    difficulty: str = Question.Difficulty.MEDIUM
    category: str = ""
    tags: list = field(default_factory=list)
    name: str = ""


def _points(value) -> Decimal:
    try:
        points = Decimal(str(value if value not in (None, "") else "1"))
    except InvalidOperation as exc:
        raise ValidationError(
            _("%(value)s is not a number of points.") % {"value": value}
        ) from exc
    if not points.is_finite() or points < 0:
        raise ValidationError(_("Points must be zero or more."))
    # Compared after rounding: 9999.999 rounds to 10000.00, too big for the column.
    if points >= Decimal("10000") or points.quantize(Decimal("0.01")) >= 10000:
        raise ValidationError(_("Points must be less than 10000."))
    return points.quantize(Decimal("0.01"))


def _default_fractions(qtype: str, keys: list[str], right: set[str]) -> list[float]:
    if qtype == Question.Type.MULTIPLE:
        share = round(1.0 / len(right), 7) if right else 0.0
        return [share if key in right else 0.0 for key in keys]
    return [1.0 if key in right else 0.0 for key in keys]


def _choice_fraction(choice: dict):
    fraction = choice.get("fraction")
    if fraction is None or fraction == "":
        return None
    try:
        # Seven places, as Moodle stores them: 1/3 is 0.3333333 both ways.
        value = round(float(fraction), 7)
    except (TypeError, ValueError, OverflowError) as exc:
        raise ValidationError(
            _("%(value)s is not a fraction.") % {"value": fraction}
        ) from exc
    if not math.isfinite(value):
        # JSON (and so the choices column) has no infinity or NaN.
        raise ValidationError(_("%(value)s is not a fraction.") % {"value": fraction})
    return value


def _right_keys(qtype: str, keys: list[str], fractions: list) -> set[str]:
    if qtype == Question.Type.MULTIPLE:
        return {k for k, f in zip(keys, fractions, strict=True) if f > 0}
    # Moodle's single choice: the right choice is the one worth 100%.
    return {k for k, f in zip(keys, fractions, strict=True) if f >= 0.9999999}


def _clean_choices(qtype: str, choices: Sequence, answer: Sequence):
    """Choices keyed A–H with Moodle fractions, and the key, checked together."""
    if qtype == Question.Type.TRUE_FALSE:
        return _clean_true_false(choices, answer)
    if len(choices) > MAX_CHOICES:
        raise ValidationError(
            _("A question may have at most %(count)s choices (A–H).")
            % {"count": MAX_CHOICES}
        )
    if len(choices) < 2:
        raise ValidationError(_("A choice question needs at least two choices."))
    cleaned = []
    for index, choice in enumerate(choices):
        if isinstance(choice, str):
            choice = {"text": choice}
        text = str(choice.get("text") or "").strip()
        if not text:
            raise ValidationError(
                _("Choice %(key)s has no text.") % {"key": LETTERS[index]}
            )
        cleaned.append(
            {
                "key": LETTERS[index],
                "text": text,
                "fraction": _choice_fraction(choice),
                "feedback": str(choice.get("feedback") or "").strip(),
            }
        )
    keys = [c["key"] for c in cleaned]
    given = [str(a).strip().upper() for a in answer or ()]
    fractions = [c["fraction"] for c in cleaned]
    have_fractions = all(f is not None for f in fractions)
    if not given and have_fractions:
        given = sorted(_right_keys(qtype, keys, fractions))
    unknown = [key for key in given if key not in keys]
    if unknown:
        raise ValidationError(
            _("The answer %(answer)s is not one of the choices (%(first)s–%(last)s).")
            % {"answer": "".join(unknown), "first": keys[0], "last": keys[-1]}
        )
    right = set(given)
    if qtype == Question.Type.SINGLE and len(right) != 1:
        raise ValidationError(
            _("A single-choice question needs exactly one right choice.")
        )
    if qtype == Question.Type.MULTIPLE and not right:
        raise ValidationError(
            _("A multiple-choice question needs at least one right choice.")
        )
    if not (have_fractions and _right_keys(qtype, keys, fractions) == right):
        fractions = _default_fractions(qtype, keys, right)
    for choice, fraction in zip(cleaned, fractions, strict=True):
        choice["fraction"] = fraction
    return cleaned, [key for key in keys if key in right]


def _clean_true_false(choices: Sequence, answer: Sequence):
    given = [str(a).strip().upper() for a in answer or ()]
    if len(given) != 1 or given[0] not in ("T", "F"):
        raise ValidationError(_("A true/false question's answer is T or F."))
    feedback = {
        str(c.get("key")): str(c.get("feedback") or "")
        for c in choices or ()
        if isinstance(c, dict)
    }
    texts = {
        str(c.get("key")): str(c.get("text") or "")
        for c in choices or ()
        if isinstance(c, dict)
    }
    cleaned = [
        {
            "key": key,
            "text": texts.get(key) or TRUE_FALSE_TEXTS[key],
            "fraction": 1.0 if key == given[0] else 0.0,
            "feedback": feedback.get(key, ""),
        }
        for key in ("T", "F")
    ]
    return cleaned, given


def _clean_fill(stem: str, answer: Sequence) -> list[list[str]]:
    blanks = []
    for index, accepted in enumerate(answer or (), start=1):
        if isinstance(accepted, str):
            accepted = [accepted]
        texts = [str(a).strip() for a in accepted if str(a).strip()]
        if not texts:
            raise ValidationError(
                _("Blank %(number)s has no accepted answer.") % {"number": index}
            )
        blanks.append(texts)
    if not blanks:
        raise ValidationError(
            _("A fill-in question needs at least one blank with an accepted answer.")
        )
    marked = blank_count(stem)
    if not marked:
        raise ValidationError(_("Mark each blank in the stem with （ ） or ____."))
    if marked != len(blanks):
        raise ValidationError(
            _(
                "The stem marks %(marked)s blanks but the answer gives %(given)s. "
                "Give the answers of each blank, separated by ;."
            )
            % {"marked": marked, "given": len(blanks)}
        )
    return blanks


def question_clean(
    *,
    type: str,
    stem: str,
    choices: Sequence = (),
    answer: Sequence = (),
    explanation: str = "",
    rubric: str = "",
    points=Decimal("1"),
    difficulty: str = Question.Difficulty.MEDIUM,
) -> dict:
    """The version fields of a question, checked and normalised for its type.

    Raises ValidationError with every problem found.
    """
    errors: list[ValidationError] = []
    if type not in Question.Type.values:
        raise ValidationError(_("%(type)s is not a question type.") % {"type": type})
    if difficulty not in Question.Difficulty.values:
        errors.append(
            ValidationError(_("%(value)s is not a difficulty.") % {"value": difficulty})
        )
    stem = as_html(stem)
    if not html_to_plain(stem) and "<img" not in stem:
        errors.append(ValidationError(_("The question has no stem.")))
    cleaned = {
        "stem": stem,
        "choices": [],
        "answer": [],
        "explanation": as_html(explanation),
        "rubric": as_html(rubric),
        "points": Decimal("1"),
    }
    try:
        cleaned["points"] = _points(points)
    except ValidationError as error:
        errors.append(error)
    try:
        if type in (
            Question.Type.SINGLE,
            Question.Type.MULTIPLE,
            Question.Type.TRUE_FALSE,
        ):
            cleaned["choices"], cleaned["answer"] = _clean_choices(
                type, list(choices or ()), list(answer or ())
            )
        elif type == Question.Type.FILL:
            cleaned["answer"] = _clean_fill(stem, answer)
        elif type == Question.Type.SHORT:
            accepted = [str(a).strip() for a in answer or () if str(a).strip()]
            if not accepted:
                raise ValidationError(
                    _("A short-answer question needs at least one accepted answer.")
                )
            cleaned["answer"] = accepted
    except ValidationError as error:
        errors.append(error)
    if errors:
        raise ValidationError(errors)
    return cleaned


def _tag_names(tags: Iterable[str]) -> list[str]:
    names: list[str] = []
    for tag in tags or ():
        name = str(tag).strip()[:100]
        if name and name not in names:
            names.append(name)
    return names


def question_name_from_stem(stem: str) -> str:
    """A list name for a question that has none: the start of its stem."""
    text = re.sub(r"\s+", " ", html_to_plain(stem)).strip()
    return text[:40] + ("…" if len(text) > 40 else "")


# --- Writing ----------------------------------------------------------------


@transaction.atomic
def bank_get_or_create(*, name: str, by=None) -> QuestionBank:
    """The bank with this name, created (by ``by``) if there is none."""
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("A question bank needs a name."))
    if len(name) > 100:
        raise ValidationError(_("A bank name has at most 100 characters."))
    bank, _created = QuestionBank.objects.get_or_create(
        name=name, defaults={"created_by": by}
    )
    return bank


@transaction.atomic
def bank_update(
    *, bank: QuestionBank, name: str, description: str = ""
) -> QuestionBank:
    """Rename a bank or change its description."""
    name = (name or "").strip()
    if QuestionBank.objects.filter(name=name).exclude(pk=bank.pk).exists():
        raise ValidationError(_("A bank with this name already exists."))
    bank.name = name
    bank.description = description
    bank.save(update_fields=["name", "description"])
    return bank


def _category_name(name: str) -> str:
    parts = [part.strip() for part in re.split(r"/+", name or "") if part.strip()]
    return "/".join(parts)[:200]


@transaction.atomic
def category_get_or_create(*, bank, name: str) -> QuestionCategory:
    """The bank's category with this name (a path such as 民法典/合同编)."""
    name = _category_name(name)
    if not name:
        raise ValidationError(_("A category needs a name."))
    category, _created = QuestionCategory.objects.get_or_create(bank=bank, name=name)
    return category


def _tags_set(question: Question, names: list[str]) -> None:
    # Rows written directly: the ClusterTaggableManager would defer them to a
    # save() of the whole question.
    QuestionTag.objects.filter(content_object=question).delete()
    tags = _tags_get_or_create(names)
    QuestionTag.objects.bulk_create(
        [QuestionTag(content_object=question, tag=tags[name]) for name in names]
    )


def _tags_get_or_create(names: Iterable[str]) -> dict[str, Tag]:
    names = set(names)
    found = {tag.name: tag for tag in Tag.objects.filter(name__in=names)}
    for name in sorted(names - set(found)):
        found[name] = Tag.objects.create(name=name)
    return found


@transaction.atomic
def question_create(
    *,
    bank,
    type: str,
    stem: str,
    choices=(),
    answer=(),
    explanation: str = "",
    rubric: str = "",
    points=Decimal("1"),
    difficulty: str = Question.Difficulty.MEDIUM,
    category=None,
    tags=(),
    name: str = "",
    by=None,
) -> Question:
    """A new question with its first version; raises ValidationError if unfit."""
    fields = question_clean(
        type=type,
        stem=stem,
        choices=choices,
        answer=answer,
        explanation=explanation,
        rubric=rubric,
        points=points,
        difficulty=difficulty,
    )
    if isinstance(category, str):
        category = (
            category_get_or_create(bank=bank, name=category) if category else None
        )
    question = Question.objects.create(
        bank=bank,
        type=type,
        difficulty=difficulty,
        category=category,
        name=(name or question_name_from_stem(fields["stem"]))[:200],
        created_by=by,
    )
    version = QuestionVersion.objects.create(
        question=question, number=1, created_by=by, **fields
    )
    question.current_version = version
    question.save(update_fields=["current_version"])
    _tags_set(question, _tag_names(tags))
    return question


def question_is_used(*, question) -> bool:
    """Whether any attempt shows the question's current version."""
    return AttemptItem.objects.filter(version_id=question.current_version_id).exists()


@transaction.atomic
def question_update(*, question, by, **version_fields) -> QuestionVersion:
    """Change a question; a NEW version when its current one is in an attempt.

    Also takes difficulty, category, tags and name, which belong to the
    question and are not versioned.
    """
    unknown = set(version_fields) - set(VERSION_FIELDS) - set(QUESTION_FIELDS)
    if unknown:
        raise TypeError(f"question_update() got unexpected fields {sorted(unknown)}")
    question = Question.objects.select_for_update().get(pk=question.pk)
    current = question.current_version
    merged = {name: getattr(current, name) for name in VERSION_FIELDS}
    merged.update({k: v for k, v in version_fields.items() if k in VERSION_FIELDS})
    difficulty = version_fields.get("difficulty", question.difficulty)
    fields = question_clean(type=question.type, difficulty=difficulty, **merged)

    changed = [
        name for name in VERSION_FIELDS if getattr(current, name) != fields[name]
    ]
    version = current
    if changed:
        if question_is_used(question=question):
            number = (question.versions.aggregate(n=Max("number"))["n"] or 0) + 1
            version = QuestionVersion.objects.create(
                question=question, number=number, created_by=by, **fields
            )
            question.current_version = version
        else:
            for name in changed:
                setattr(current, name, fields[name])
            current.save(update_fields=changed)

    question.difficulty = difficulty
    if "category" in version_fields:
        category = version_fields["category"]
        if isinstance(category, str):
            category = (
                category_get_or_create(bank=question.bank, name=category)
                if category
                else None
            )
        question.category = category
    if "name" in version_fields:
        question.name = (
            version_fields["name"] or question_name_from_stem(fields["stem"])
        )[:200]
    question.save(
        update_fields=[
            "current_version",
            "difficulty",
            "category",
            "name",
            "updated_at",
        ]
    )
    if "tags" in version_fields:
        _tags_set(question, _tag_names(version_fields["tags"]))
    return version


@transaction.atomic
def questions_create_many(*, bank, items: Sequence[QuestionData], by=None) -> int:
    """Create many checked questions at once (an import): a few queries in all.

    The items must have passed question_clean; it is run again here, so a
    caller that skipped it still gets a ValidationError rather than bad rows.
    """
    if not items:
        return 0
    cleaned = [
        question_clean(
            type=item.type,
            stem=item.stem,
            choices=item.choices,
            answer=item.answer,
            explanation=item.explanation,
            rubric=item.rubric,
            points=item.points,
            difficulty=item.difficulty,
        )
        for item in items
    ]
    categories = {
        name: category_get_or_create(bank=bank, name=name)
        for name in {_category_name(item.category) for item in items}
        if name
    }
    questions = Question.objects.bulk_create(
        [
            Question(
                bank=bank,
                type=item.type,
                difficulty=item.difficulty,
                category=categories.get(_category_name(item.category)),
                name=(item.name or question_name_from_stem(fields["stem"]))[:200],
                created_by=by,
            )
            for item, fields in zip(items, cleaned, strict=True)
        ],
        batch_size=500,
    )
    versions = QuestionVersion.objects.bulk_create(
        [
            QuestionVersion(question=question, number=1, created_by=by, **fields)
            for question, fields in zip(questions, cleaned, strict=True)
        ],
        batch_size=500,
    )
    for question, version in zip(questions, versions, strict=True):
        question.current_version = version
    Question.objects.bulk_update(questions, ["current_version"], batch_size=500)
    names = {name for item in items for name in _tag_names(item.tags)}
    tags = _tags_get_or_create(names)
    QuestionTag.objects.bulk_create(
        [
            QuestionTag(content_object=question, tag=tags[name])
            for question, item in zip(questions, items, strict=True)
            for name in _tag_names(item.tags)
        ],
        batch_size=1000,
    )
    return len(questions)
