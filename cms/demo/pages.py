"""Create or update a page from a spec, so that seeding can run on every start."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import models
from wagtail.fields import StreamField
from wagtail.models import Page

CREATED = "created"
UPDATED = "updated"


def page_ensure(
    *,
    parent: Page,
    model: type[Page],
    slug: str,
    fields: dict[str, Any],
    m2m: dict[str, list[models.Model]] | None = None,
) -> tuple[Page, str]:
    """The `model` child of `parent` with this slug, made to match `fields` and live.

    Returns the page and CREATED, UPDATED or "" when it already matched. Stream
    fields take raw stream data ([{"type": …, "value": …}]). A page that matches
    and is live is left alone (no new revision), so a second run writes nothing;
    one that differs gets a new revision from the spec, which is published.
    """
    m2m = m2m or {}
    existing = Page.objects.child_of(parent).filter(slug=slug).first()
    if existing is None:
        page = model(slug=slug, live=False)
        _assign(page, fields, m2m)
        # A fresh parent: treebeard numbers the new child from the stored numchild.
        Page.objects.get(pk=parent.pk).add_child(instance=page)
        page.save_revision().publish()
        return model.objects.get(pk=page.pk), CREATED

    page = existing.specific
    if not isinstance(page, model):
        kind = type(page).__name__
        raise ValueError(f"{page.url_path} is a {kind}, not a {model.__name__}")
    if page.live and not _differs(page, fields, m2m):
        return page, ""
    _assign(page, fields, m2m)
    page.save_revision().publish()
    return model.objects.get(pk=page.pk), UPDATED


def children_order(*, parent: Page, pages: list[Page]) -> bool:
    """Put `pages` first under `parent`, in this order; True when a page moved."""
    wanted = [page.pk for page in pages]
    current = list(
        Page.objects.child_of(parent)
        .filter(pk__in=wanted)
        .order_by("path")
        .values_list("pk", flat=True)
    )
    if current == wanted:
        return False
    for index, pk in enumerate(wanted):
        page = Page.objects.get(pk=pk)
        if index == 0:
            page.move(Page.objects.get(pk=parent.pk), pos="first-child")
        else:
            page.move(Page.objects.get(pk=wanted[index - 1]), pos="right")
    return True


def _assign(page: Page, fields: dict[str, Any], m2m: dict[str, list]) -> None:
    for name, value in fields.items():
        field = page._meta.get_field(name)
        if isinstance(field, StreamField):
            value = field.stream_block.to_python(value)
        setattr(page, name, value)
    for name, objects in m2m.items():
        getattr(page, name).set(objects)


def _differs(page: Page, fields: dict[str, Any], m2m: dict[str, list]) -> bool:
    for name, wanted in fields.items():
        field = page._meta.get_field(name)
        stored = getattr(page, name)
        if isinstance(field, StreamField):
            block = field.stream_block
            if _stream_data(block, list(stored.raw_data)) != _stream_data(
                block, wanted
            ):
                return True
        elif isinstance(field, models.DecimalField):
            if Decimal(str(stored)) != Decimal(str(wanted)):
                return True
        elif stored != wanted:
            return True
    for name, objects in m2m.items():
        stored = set(getattr(page, name).values_list("pk", flat=True))
        if stored != {obj.pk for obj in objects}:
            return True
    return False


def _stream_data(block, raw: list) -> list:
    """Raw stream data in one canonical form: block ids kept, nested ids dropped.

    Converting every item to Python and back makes data written by the admin
    (list items as {"type": "item", "value": …}) equal to the spec's plain lists;
    list items get fresh ids on each conversion, so those are left out.
    """
    value = block.to_python(raw)
    for _item in value:  # convert each item now, not lazily on access
        pass
    return [
        {**item, "value": _without_ids(item["value"])}
        for item in block.get_prep_value(value)
    ]


def _without_ids(data):
    if isinstance(data, dict):
        return {key: _without_ids(value) for key, value in data.items() if key != "id"}
    if isinstance(data, list):
        return [_without_ids(item) for item in data]
    return data
