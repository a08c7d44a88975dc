from io import StringIO
from unittest import mock
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from wagtail.models import Page

from cms.laws import LawFormatError
from cms.management.commands.import_law import Command
from cms.models import HomePage, LawArticle, LawLibraryPage, LawPage
from cms.services import law_import

from .conftest import (
    MEDIATION_LAW,
    PERSONAL_INFORMATION_LAW,
    RESIDENTS_LAW,
    SHIPPED,
    extra,
    shipped,
)

pytestmark = pytest.mark.django_db


def revisions_of(page: Page) -> int:
    return page.revisions.count()


def test_it_makes_the_law_library_under_the_home_page_when_there_is_none(home):
    law = law_import(text=shipped(MEDIATION_LAW))

    library = LawLibraryPage.objects.get()
    assert library.title == "法律法规库"
    assert library.get_parent().specific == home
    assert library.live
    assert law.get_parent().pk == library.pk


def test_it_publishes_the_law_with_its_articles(home):
    law = law_import(text=shipped(MEDIATION_LAW))

    law.refresh_from_db()
    assert law.live and not law.has_unpublished_changes
    assert law.title == "中华人民共和国人民调解法"
    assert law.short_title == "人民调解法"
    assert law.slug == "人民调解法"
    assert law.history.startswith("2010年8月28日")
    assert law.articles.count() == 35
    assert list(law.articles.values_list("number", flat=True)) == list(range(1, 36))
    assert list(law.articles.values_list("sort_order", flat=True)) == list(range(35))
    assert revisions_of(law) == 1


def test_it_imports_into_the_library_it_is_given(library):
    other = LawLibraryPage(title="另一个库", slug="other")
    HomePage.objects.get().add_child(instance=other)

    law = law_import(text=shipped(MEDIATION_LAW), library=other)

    assert law.get_parent().pk == other.pk
    assert not LawPage.objects.child_of(library).exists()


def test_importing_the_same_law_twice_changes_nothing(library):
    first = law_import(text=shipped(MEDIATION_LAW))
    ids = set(first.articles.values_list("pk", flat=True))

    second = law_import(text=shipped(MEDIATION_LAW))

    assert second.pk == first.pk
    assert LawPage.objects.count() == 1
    assert LawArticle.objects.count() == 35
    assert set(second.articles.values_list("pk", flat=True)) == ids
    assert revisions_of(second) == 1


def test_importing_a_changed_law_updates_its_page_and_replaces_its_articles(library):
    law = law_import(text=shipped(MEDIATION_LAW))
    changed = (
        shipped(MEDIATION_LAW)
        .replace("群众性组织。", "群众性自治组织。")
        .replace("\n第三十五条 本法自2011年1月1日起施行。", "")
    )

    again = law_import(text=changed)

    assert again.pk == law.pk
    assert LawPage.objects.count() == 1
    assert again.articles.count() == 34
    assert LawArticle.objects.count() == 34
    assert (
        again.article(7).text
        == "人民调解委员会是依法设立的调解民间纠纷的群众性自治组织。"
    )
    again.refresh_from_db()
    assert again.effective_on is None
    assert again.live and not again.has_unpublished_changes
    assert revisions_of(again) == 2


def test_a_re_import_keeps_the_short_title_an_editor_chose(library):
    law = law_import(text=shipped(PERSONAL_INFORMATION_LAW))
    law.short_title = "个保法"
    law.save_revision().publish()

    law_import(text=shipped(PERSONAL_INFORMATION_LAW).replace("合理利用", "合理使用"))

    law.refresh_from_db()
    assert law.short_title == "个保法"
    assert "合理使用" in law.article(1).text


def test_a_malformed_law_writes_nothing(home):
    broken = shipped(MEDIATION_LAW).replace("第九条 ", "第八条 ")
    with pytest.raises(LawFormatError) as caught:
        law_import(text=broken)

    assert caught.value.line == 39
    assert not LawLibraryPage.objects.exists()
    assert not LawPage.objects.exists()
    assert not LawArticle.objects.exists()


def test_a_malformed_new_version_leaves_the_old_one_in_place(library):
    law_import(text=shipped(MEDIATION_LAW))
    with pytest.raises(LawFormatError):
        law_import(text=shipped(MEDIATION_LAW).replace("<!-- INFO END -->", ""))

    law = LawPage.objects.get()
    assert law.articles.count() == 35
    assert revisions_of(law) == 1


def test_a_failure_while_writing_articles_keeps_the_old_articles(library):
    law = law_import(text=shipped(MEDIATION_LAW))
    changed = shipped(MEDIATION_LAW).replace("群众性组织。", "群众性自治组织。")

    with (
        mock.patch.object(
            LawArticle.objects, "bulk_create", side_effect=RuntimeError("disk full")
        ),
        pytest.raises(RuntimeError),
    ):
        law_import(text=changed)

    assert law.articles.count() == 35
    assert law.article(7).text.endswith("群众性组织。")


def test_two_laws_with_the_same_short_title_get_different_slugs(library):
    law_import(text=shipped(MEDIATION_LAW))
    other = shipped(MEDIATION_LAW).replace(
        "# 中华人民共和国人民调解法", "# 人民调解法", 1
    )

    law = law_import(text=other)

    assert law.slug == "人民调解法-2"
    assert LawPage.objects.count() == 2


def test_an_article_is_found_by_number_or_label_and_cited_by_short_title(library):
    law = law_import(text=shipped(MEDIATION_LAW))

    article = law.article(7)
    assert article == law.article("第七条")
    assert str(article) == "人民调解法 第七条"
    assert article.get_absolute_url() == f"{law.url}#article-7"
    assert article.get_absolute_url().endswith(
        f"/laws/{quote('人民调解法')}/#article-7"
    )
    assert law.article(36) is None
    assert law.article("第七章") is None


def test_an_article_can_be_found_by_words_from_the_middle_of_its_text(library):
    law_import(text=shipped(MEDIATION_LAW))
    law_import(text=shipped(RESIDENTS_LAW))

    found = LawArticle.objects.filter(text__contains="调解民间纠纷的群众性组织")

    assert [str(article) for article in found] == ["人民调解法 第七条"]


# --- the command -----------------------------------------------------------


def run_import(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    with translation.override("en"):
        call_command("import_law", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_prints_one_line_per_law(home):
    out, _err = run_import(
        str(SHIPPED / MEDIATION_LAW), str(SHIPPED / PERSONAL_INFORMATION_LAW)
    )

    assert out.splitlines() == [
        "imported 中华人民共和国人民调解法: 35 articles",
        "imported 中华人民共和国个人信息保护法: 74 articles",
    ]


def test_the_command_imports_the_shipped_laws(home):
    out, _err = run_import("--shipped")

    assert len(out.splitlines()) == 5
    assert "imported 中华人民共和国村民委员会组织法: 41 articles" in out
    assert "imported 人民调解委员会组织条例: 17 articles" in out
    assert LawPage.objects.count() == 5
    assert LawArticle.objects.count() == 35 + 23 + 41 + 17 + 74

    run_import("--shipped")
    assert LawPage.objects.count() == 5
    assert LawArticle.objects.count() == 35 + 23 + 41 + 17 + 74


def test_the_command_reports_gaps_in_the_numbering(home, tmp_path):
    path = tmp_path / "big.md"
    path.write_text(extra("big-numbers.md"), encoding="utf-8")

    out, err = run_import(str(path))

    assert out == "imported 某示范法典（节选）: 5 articles\n"
    assert "第一百一十条" in err


def test_the_command_exits_non_zero_on_a_bad_file_and_writes_nothing(
    home, tmp_path, capsys
):
    bad = tmp_path / "bad.md"
    bad.write_text(shipped(MEDIATION_LAW).replace("第九条 ", "第八条 "), "utf-8")

    with (
        translation.override("en"),
        # run_from_argv closes the connections when done: not the test's one.
        mock.patch("django.core.management.base.connections.close_all"),
        pytest.raises(SystemExit) as exited,
    ):
        Command().run_from_argv(
            ["manage.py", "import_law", str(SHIPPED / RESIDENTS_LAW), str(bad)]
        )

    assert exited.value.code != 0
    err = capsys.readouterr().err
    assert f"{bad}: line 39: " in err
    assert "Nothing was imported" in err
    assert not LawPage.objects.exists()


def test_the_command_rejects_a_file_that_is_not_utf8(home, tmp_path):
    bad = tmp_path / "gbk.md"
    bad.write_bytes(shipped(MEDIATION_LAW).encode("gbk"))

    with pytest.raises(CommandError):
        run_import(str(bad))
    assert not LawPage.objects.exists()


def test_the_command_reports_a_missing_file(home, tmp_path):
    with pytest.raises(CommandError):
        run_import(str(tmp_path / "missing.md"))


def test_the_command_needs_files_or_shipped(home):
    with pytest.raises(CommandError):
        run_import()
