"""Simplified Chinese is the default language: every message must have it."""

import re
from pathlib import Path

from django.utils import translation

PO = Path(__file__).resolve().parent.parent / "locale/zh_Hans/LC_MESSAGES/django.po"


def entries(text: str) -> list[str]:
    """The message blocks, without obsolete (#~) ones."""
    return [block for block in text.split("\n\n") if re.search(r"^msgid", block, re.M)]


def test_every_message_has_a_chinese_translation_that_is_not_fuzzy():
    missing = []
    for block in entries(PO.read_text(encoding="utf-8"))[1:]:
        if "#, fuzzy" in block:
            missing.append(block)
            continue
        strs = re.findall(r'^msgstr(?:\[0\])? ((?:".*"\n?)+)', block + "\n", re.M)
        if not strs or strs[0].strip() == '""':
            missing.append(block)

    assert not missing, "Translate these in locale/zh_Hans:\n" + "\n\n".join(
        missing[:10]
    )


def test_the_compiled_catalog_is_in_use():
    with translation.override("zh-hans"):
        assert translation.gettext("My learning") == "我的学习"
        assert translation.gettext("Enrol") == "报名学习"
    with translation.override("en"):
        assert translation.gettext("My learning") == "My learning"
