"""Nobody but the worker sees a result: not HR, trainers, admins, nor any export."""

import os
from pathlib import Path

import pytest
from django.contrib import admin
from wagtail.snippets.models import get_snippet_models

from tests.test_permission_matrix import MATRIX
from wellbeing import crypto
from wellbeing.models import ConsentRecord, Instrument, Result

from .conftest import HIGH, at, take

ROOT = Path(__file__).resolve().parents[2]
# Where wellbeing data may be read: its own app, its demo seed and the tests.
ALLOWED = {"wellbeing", "tests", "locale", "staticfiles", "media", "bench-results"}
ALLOWED_FILES = {ROOT / "cms" / "demo" / "wellbeing.py"}


def test_no_admin_shows_wellbeing_data():
    for model in (Result, ConsentRecord, Instrument):
        assert model not in admin.site._registry
        assert model not in get_snippet_models()


@pytest.mark.parametrize(
    "persona",
    ["other_worker", "trainer", "hr_district", "admin"],
)
def test_no_page_shows_a_workers_result_to_anyone_else(
    client_for, worker, pss10, persona, monkeypatch
):
    result = take(worker, pss10, HIGH, taken_at=at(2025, 5, 6, 9, 41))
    opened = []
    real_decrypt = crypto.decrypt

    def spy(token):
        opened.append(token)
        return real_decrypt(token)

    monkeypatch.setattr(crypto, "decrypt", spy)
    client = client_for(persona)

    for route, case in MATRIX.items():
        if case.method != "get":
            continue
        response = client.get(case.url)
        if response.streaming:
            content = b"".join(response.streaming_content)
        else:
            content = response.content
        body = content.decode(errors="replace")
        assert "2025-05-06 09:41" not in body, route
        assert "40 of 40" not in body, route
    assert result.payload not in opened  # only band tokens, for group figures


def _sources(suffixes):
    for folder, dirs, files in os.walk(ROOT):
        here = Path(folder)
        dirs[:] = [
            d
            for d in dirs
            if not d.startswith(".") and not (here == ROOT and d in ALLOWED)
        ]
        for name in files:
            path = here / name
            if path.suffix in suffixes and path not in ALLOWED_FILES:
                yield path.relative_to(ROOT), path.read_text(errors="replace")


def test_no_other_code_template_export_or_api_reads_wellbeing_results():
    needles = (
        "wellbeing_results",
        "wellbeing_consents",
        "wellbeing.models",
        "wellbeing.selectors.results",
        "band_token",
    )
    offenders = [
        (str(relative), needle)
        for relative, text in _sources({".py", ".html", ".txt", ".csv", ".json"})
        for needle in needles
        if needle in text
    ]

    assert offenders == []
