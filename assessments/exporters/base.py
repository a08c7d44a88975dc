"""What every exporter shares."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..models import Question


@dataclass
class ExportResult:
    data: bytes
    exported: int = 0
    skipped: list = field(default_factory=list)  # importers.base.Skipped


def tag_names(question: Question) -> list[str]:
    """The question's tags, from the prefetched rows."""
    return [item.tag.name for item in question.tagged_items.all()]
