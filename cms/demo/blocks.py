"""Small helpers that write lesson stream data ({"type": …, "value": …}) tersely."""

from __future__ import annotations

import uuid
from collections import Counter


def heading(text: str) -> dict:
    return {"type": "heading", "value": text}


def text(html: str) -> dict:
    """Rich text, written as the HTML that Wagtail stores (<p>, <ul>, <b> …)."""
    return {"type": "rich_text", "value": html}


def points(title: str, *items: str) -> dict:
    return {"type": "key_points", "value": {"title": title, "points": list(items)}}


def tip(html: str, kind: str = "tip") -> dict:
    return {"type": "callout", "value": {"kind": kind, "text": html}}


def reflect(question: str) -> dict:
    return {"type": "reflection", "value": {"question": question}}


def cite(law_id: int, article: int, note: str = "") -> dict:
    return {
        "type": "law_citation",
        "value": {"law": law_id, "article": article, "note": note},
    }


def case(case_id: int, note: str = "") -> dict:
    return {"type": "case_study", "value": {"case": case_id, "note": note}}


def video(document_id: int, poster_id: int | None, caption: str = "") -> dict:
    return {
        "type": "video",
        "value": {
            "video": document_id,
            "poster": poster_id,
            "embed": "",
            "caption": caption,
        },
    }


def download(document_id: int, title: str) -> dict:
    return {"type": "document", "value": {"document": document_id, "title": title}}


def with_ids(stream: list[dict], *, key: str) -> list[dict]:
    """The stream with a stable id on each block, the same on every run.

    Workers' reflection notes are keyed by block id, so a lesson that the seed
    updates must keep its ids: each is derived from `key` (the lesson), the
    block type and how many blocks of that type came before it.
    """
    seen: Counter[str] = Counter()
    result = []
    for block in stream:
        seen[block["type"]] += 1
        name = f"lianxin-demo:{key}/{block['type']}/{seen[block['type']]}"
        result.append({**block, "id": str(uuid.uuid5(uuid.NAMESPACE_URL, name))})
    return result
