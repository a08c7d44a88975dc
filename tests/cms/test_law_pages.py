import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cms.models import LawPage
from cms.services import law_import

from .conftest import (
    MEDIATION_LAW,
    MEDIATION_REGULATIONS,
    PERSONAL_INFORMATION_LAW,
    RESIDENTS_LAW,
    VILLAGERS_LAW,
    extra,
    shipped,
)

pytestmark = pytest.mark.django_db


def queries_to_get(client, url: str) -> int:
    client.get(url)  # warm the site-root cache, as a running site has it
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_law_page_shows_every_article_with_its_anchor(client, library):
    law = law_import(text=shipped(MEDIATION_LAW), library=library)

    html = client.get(law.url).content.decode()

    anchors = re.findall(r'id="article-(\d+)"', html)
    assert anchors == [str(n) for n in range(1, 36)]
    assert "人民调解委员会是依法设立的调解民间纠纷的群众性组织。" in html
    assert "2010年8月28日 第十一届全国人民代表大会常务委员会第十六次会议通过" in html


def test_the_law_page_has_a_table_of_contents_of_its_chapters(client, library):
    law = law_import(text=shipped(PERSONAL_INFORMATION_LAW), library=library)

    html = client.get(law.url).content.decode()

    toc = html.split('class="card law-toc"')[1].split("</nav>")[0]
    assert toc.count("<li") == 8 + 3
    assert 'href="#chapter-1">第一章 总 则</a>' in toc
    assert "第一节 一般规定" in toc
    # Each chapter heading appears once in the text, even when split into sections.
    assert html.count("<h2>第二章 个人信息处理规则</h2>") == 1
    assert "<h3>第三节 国家机关处理个人信息的特别规定</h3>" in html
    for anchor in re.findall(r'href="#(chapter-\d+)"', toc):
        assert f'id="{anchor}"' in html


def test_a_law_without_chapters_has_no_table_of_contents(client, library):
    law = law_import(text=shipped(MEDIATION_REGULATIONS), library=library)

    html = client.get(law.url).content.decode()

    assert "law-toc" not in html
    assert html.count('class="law-article"') == 17


def test_every_paragraph_of_an_article_is_shown_in_order(client, library):
    law = law_import(text=extra("items.md"), library=library)

    html = client.get(law.url).content.decode()

    article = html.split('id="article-1"')[1].split('id="article-2"')[0]
    paragraphs = re.findall(r"<p>(.*?)</p>", article, flags=re.S)
    assert len(paragraphs) == 5
    assert "第一条" in paragraphs[0]
    assert paragraphs[4] == "违反本公约的，由居民委员会劝导。"


def test_the_library_lists_its_laws_with_their_article_counts(client, library):
    for name in (MEDIATION_LAW, RESIDENTS_LAW):
        law_import(text=shipped(name), library=library)

    html = client.get(library.url).content.decode()

    assert "人民调解法" in html
    assert "城市居民委员会组织法" in html
    for law in LawPage.objects.all():
        assert f'href="{law.url}"' in html
    assert "35" in html and "23" in html


def test_the_library_hides_a_law_that_is_not_live(client, library):
    law = law_import(text=shipped(MEDIATION_LAW), library=library)
    law.unpublish()

    html = client.get(library.url).content.decode()

    assert "人民调解法" not in html


def test_the_library_costs_the_same_queries_for_two_laws_as_for_five(client, library):
    for name in (MEDIATION_LAW, RESIDENTS_LAW):
        law_import(text=shipped(name), library=library)
    with_two = queries_to_get(client, library.url)

    for name in (VILLAGERS_LAW, MEDIATION_REGULATIONS, PERSONAL_INFORMATION_LAW):
        law_import(text=shipped(name), library=library)
    with_five = queries_to_get(client, library.url)

    assert with_two == with_five


def test_a_law_page_costs_the_same_queries_for_any_number_of_articles(client, library):
    short = law_import(text=extra("no-chapters.md"), library=library)
    long = law_import(text=shipped(PERSONAL_INFORMATION_LAW), library=library)

    assert queries_to_get(client, short.url) == queries_to_get(client, long.url)


def test_law_pages_are_made_by_the_importer_not_in_the_admin(library):
    assert not LawPage.can_create_at(library)


def test_an_editor_sees_the_law_text_read_only_in_the_admin(client_for, library):
    law = law_import(text=shipped(MEDIATION_LAW), library=library)

    response = client_for("admin").get(f"/admin/pages/{law.pk}/edit/")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="short_title"' in html
    assert 'name="title"' not in html
    assert 'name="history"' not in html
    assert "中华人民共和国人民调解法" in html


def test_an_editor_can_publish_a_short_title_but_not_change_the_text(
    client_for, library
):
    law = law_import(text=shipped(MEDIATION_LAW), library=library)

    response = client_for("admin").post(
        f"/admin/pages/{law.pk}/edit/",
        {
            "title": "改过的标题",
            "short_title": "调解法",
            "history": "改过的历史",
            "slug": law.slug,
            "comments-TOTAL_FORMS": "0",
            "comments-INITIAL_FORMS": "0",
            "comments-MIN_NUM_FORMS": "0",
            "comments-MAX_NUM_FORMS": "1000",
            "action-publish": "action-publish",
        },
    )

    assert response.status_code == 302
    law.refresh_from_db()
    assert law.short_title == "调解法"
    assert law.title == "中华人民共和国人民调解法"
    assert law.history.startswith("2010年8月28日")
    assert law.articles.count() == 35
    assert str(law.article(7)) == "调解法 第七条"
