"""Instruments are data: a JSON definition is checked and stored as one row."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from ..models import Instrument

INSTRUMENT_DIR = Path(__file__).resolve().parent.parent / "instruments"


def instrument_validate(*, data: dict) -> None:
    """Refuse a definition whose scoring could go wrong (gaps, overlaps, bad keys)."""
    problems = []
    for key in ("slug", "name", "items", "scale", "bands", "consent"):
        if key not in data:
            problems.append(f"missing {key!r}")
    if problems:
        raise ValidationError(problems)
    if data.get("scoring", {"method": "sum"}).get("method") != "sum":
        problems.append("only 'sum' scoring is supported")
    values = [option["value"] for option in data["scale"]]
    if not values or len(set(values)) != len(values):
        problems.append("the scale needs distinct values")
    if not data["items"] or not all(item.get("text") for item in data["items"]):
        problems.append("every item needs a text")
    if values and not problems:
        low, high = min(values), max(values)
        expected = low * len(data["items"])
        for band in data["bands"]:
            if band["min"] != expected or band["max"] < band["min"]:
                problems.append(f"band {band.get('title')!r} leaves a gap or overlaps")
            expected = band["max"] + 1
        if expected != high * len(data["items"]) + 1:
            problems.append("the bands do not cover every possible score")
    consent = data["consent"]
    if not isinstance(consent.get("version"), int) or not consent.get("text"):
        problems.append("the consent needs a text and an integer version")
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def instrument_load(*, data: dict) -> Instrument:
    """Create or update an instrument from its definition (idempotent)."""
    instrument_validate(data=data)
    instrument = Instrument.objects.filter(slug=data["slug"]).first()
    if instrument is None:
        return Instrument.objects.create(
            slug=data["slug"], name=data["name"], definition=data
        )
    if instrument.definition != data or instrument.name != data["name"]:
        instrument.definition = data
        instrument.name = data["name"]
        instrument.save(update_fields=["definition", "name", "updated_at"])
    return instrument


def instruments_ensure(*, directory: Path = INSTRUMENT_DIR) -> list[Instrument]:
    """Load every shipped instrument (wellbeing/instruments/*.json); idempotent."""
    return [
        instrument_load(data=json.loads(path.read_text(encoding="utf-8")))
        for path in sorted(directory.glob("*.json"))
    ]
