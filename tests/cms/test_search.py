"""Chinese search at /search/: words in the middle of sentences, what each user
may see, ranking, snippets, and a constant number of queries."""

import html as html_lib
import itertools
import re

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext, ngettext
from wagtail.models import PageViewRestriction
from wagtail.rich_text import RichText

from cms.laws import article_label
from cms.models import CaseLibraryPage, CasePage, LawArticle, SearchEntry
from cms.search import search_query_parse
from cms.services import law_import
from courses.models import Category, CourseIndexPage, CoursePage, LessonPage
from tests.conftest import PERSONAS

from .conftest import (
    MEDIATION_LAW,
    PERSONAL_INFORMATION_LAW,
    RESIDENTS_LAW,
    shipped,
)

pytestmark = pytest.mark.django_db

_slugs = itertools.count(1)


def shown(msgid: str) -> str:
    """A message as the page shows it: in the site's language, HTML-escaped."""
    with translation.override(settings.LANGUAGE_CODE):
        return escape(gettext(msgid))


@pytest.fixture
def catalog(home):
    """The course catalog (courses may make it when it migrates)."""
    page = CourseIndexPage.objects.first()
    if page is None:
        page = CourseIndexPage(title="课程", slug="courses")
        home.add_child(instance=page)
        page.save_revision().publish()
    return page


@pytest.fixture
def cases(home):
    page = CaseLibraryPage(title="案例库", slug="cases")
    home.add_child(instance=page)
    page.save_revision().publish()
    return page


def publish(parent, page):
    parent.refresh_from_db()  # treebeard needs the current child count
    page.slug = f"p{next(_slugs)}"
    parent.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def make_course(catalog, title, summary="", audience=()):
    category, _ = Category.objects.get_or_create(
        name="矛盾纠纷调解", defaults={"slug": "mediation"}
    )
    course = CoursePage(title=title, summary=summary or "课程简介", category=category)
    course.audience = list(audience)
    return publish(catalog, course)


def make_lesson(course, title, *paragraphs, body=None):
    blocks = body or [("rich_text", RichText(f"<p>{p}</p>")) for p in paragraphs]
    return publish(course, LessonPage(title=title, body=blocks))


def make_case(library, title, **fields):
    defaults = {
        "kind": CasePage.Kind.NEIGHBOUR,
        "background": "<p>基本案情</p>",
        "process": "<p>处理过程</p>",
        "outcome": "<p>结果</p>",
    }
    return publish(library, CasePage(title=title, **(defaults | fields)))


def law_text(title: str, articles: list[str]) -> str:
    lines = [f"# {title}", "", "2024年1月1日 测试通过", "", "<!-- INFO END -->", ""]
    for number, text in enumerate(articles, start=1):
        lines += [f"{article_label(number)} {text}", ""]
    return "\n".join(lines)


def search(client, q, **params) -> str:
    response = client.get("/search/", {"q": q, **params})
    assert response.status_code == 200
    return response.content.decode()


def results(html: str) -> list[dict]:
    """The results as the user sees them: kind, title text, link, snippet."""
    found = []
    for item in re.findall(r'<li class="card search-result">(.*?)</li>', html, re.S):
        kind = re.search(r'<span class="search-kind[^"]*">(.*?)</span>', item).group(1)
        link = re.search(r'<h2><a href="([^"]*)">(.*?)</a></h2>', item, re.S)
        snippet = re.search(r'<p class="search-snippet">(.*?)</p>', item, re.S)
        found.append(
            {
                "kind": kind,
                "url": html_lib.unescape(link.group(1)),
                "title": html_lib.unescape(re.sub(r"</?mark>", "", link.group(2))),
                "title_html": link.group(2),
                "snippet": snippet.group(1) if snippet else "",
            }
        )
    return found


def titles(html: str) -> list[str]:
    return [result["title"] for result in results(html)]


# --- The examples of the issue ------------------------------------------------


def test_mediation_finds_article_seven_of_the_people_mediation_law(client, library):
    law_import(text=shipped(MEDIATION_LAW), library=library)

    found = results(search(client, "调解"))

    article = next(r for r in found if r["title"] == "人民调解法 第七条")
    assert article["kind"] == shown("Law article")
    assert article["url"].endswith("#article-7")
    assert article["url"].startswith(library.url)
    expected = "人民<mark>调解</mark>委员会是依法设立的<mark>调解</mark>民间纠纷"
    assert expected in article["snippet"]


def test_residents_meeting_finds_article_nine_of_the_urban_residents_law(
    client, library
):
    law_import(text=shipped(RESIDENTS_LAW), library=library)

    found = results(search(client, "居民会议"))

    assert "城市居民委员会组织法 第九条" in [r["title"] for r in found]
    article = next(r for r in found if r["title"] == "城市居民委员会组织法 第九条")
    assert "<mark>居民会议</mark>" in article["snippet"]
    assert article["url"].endswith("#article-9")


def test_personal_information_finds_the_articles_of_the_pipl(client, library):
    law_import(text=shipped(PERSONAL_INFORMATION_LAW), library=library)
    law_import(text=shipped(MEDIATION_LAW), library=library)

    html = search(client, "个人信息")

    assert all(t.startswith("个人信息保护法 ") for t in titles(html))
    assert "个人信息保护法 第一条" in titles(html)
    assert shown("Law article") in html


def test_the_five_shipped_laws_are_all_searchable(client, home):
    call_command("import_law", "--shipped", stdout=None)

    html = search(client, "村民委员会 选举")

    assert any(t.startswith("村民委员会组织法 ") for t in titles(html))


# --- Lessons, courses, cases ------------------------------------------------


def test_a_lesson_is_found_by_a_word_in_the_middle_of_its_rich_text(
    client_for, catalog
):
    course = make_course(catalog, "矛盾纠纷调处")
    lesson = make_lesson(
        course,
        "第一课 认识纠纷",
        "社区里常见的邻里矛盾多由噪音扰民和楼道堆物引起，处理时先听双方诉求。",
    )

    found = results(search(client_for("worker"), "楼道堆物"))

    assert [r["title"] for r in found] == ["第一课 认识纠纷"]
    assert found[0]["kind"] == shown("Lesson")
    assert found[0]["url"] == lesson.url
    assert "由噪音扰民和<mark>楼道堆物</mark>引起" in found[0]["snippet"]


def test_a_lesson_is_found_by_its_headings_key_points_and_callouts(client_for, catalog):
    course = make_course(catalog, "应急处置")
    make_lesson(
        course,
        "火灾疏散",
        body=[
            ("heading", "疏散路线图"),
            (
                "key_points",
                {"title": "要点", "points": ["先报警后扑救", "湿毛巾捂口鼻"]},
            ),
            ("callout", {"kind": "warning", "text": RichText("<p>切勿乘坐电梯</p>")}),
            ("reflection", {"question": "你的小区有几个安全出口？"}),
        ],
    )
    client = client_for("worker")

    for word in ("路线图", "毛巾", "乘坐电梯", "安全出口"):
        assert titles(search(client, word)) == ["火灾疏散"], word


def test_a_lesson_is_not_found_by_html_tags_or_json_keys(client_for, catalog):
    course = make_course(catalog, "公文写作")
    make_lesson(
        course,
        "通知的格式",
        body=[
            ("rich_text", RichText('<p class="x"><b>标题</b>居中</p>')),
            ("callout", {"kind": "tip", "text": RichText("<p>落款写全称</p>")}),
        ],
    )
    client = client_for("worker")

    for word in ("rich_text", "callout", "<b>", "class", "tip", "value"):
        assert titles(search(client, word)) == [], word
    assert titles(search(client, "标题居中")) == ["通知的格式"]


def test_a_course_with_the_word_in_its_title_ranks_above_one_with_it_in_its_summary(
    client_for, catalog
):
    make_course(catalog, "社区工作入门", summary="介绍网格化管理的基本做法")
    make_course(catalog, "网格化管理实务", summary="网格员每天做什么")

    found = results(search(client_for("worker"), "网格化"))

    assert [r["title"] for r in found] == ["网格化管理实务", "社区工作入门"]
    assert all(r["kind"] == shown("Course") for r in found)
    assert found[0]["title_html"] == "<mark>网格化</mark>管理实务"


def test_title_matches_come_first_whatever_their_kind(client_for, catalog, cases):
    make_course(catalog, "家庭纠纷", summary="讲清楚如何调解家庭纠纷")
    make_case(cases, "调解一起停车位纠纷")

    assert titles(search(client_for("worker"), "调解")) == [
        "调解一起停车位纠纷",
        "家庭纠纷",
    ]


def test_a_case_is_found_by_what_happened_and_how_it_was_handled(client, cases):
    case = make_case(
        cases,
        "楼上漏水纠纷",
        summary="楼上漏水殃及楼下",
        process="<p>调解员组织双方到现场查看，请物业出具维修意见。</p>",
        commentary="<p>先固定证据再谈赔偿。</p>",
    )

    for word in ("物业出具", "固定证据"):
        found = results(search(client, word))
        assert [r["title"] for r in found] == ["楼上漏水纠纷"], word
        assert found[0]["kind"] == shown("Case")
        assert found[0]["url"] == case.url


# --- What each user may see ---------------------------------------------------


@pytest.fixture
def restricted_course(catalog, org):
    course = make_course(
        catalog, "东湖街道专题：老旧小区加装电梯", audience=[org["donghu"]]
    )
    make_lesson(
        course, "加装电梯的表决程序", "加装电梯须经专有部分面积三分之二以上业主同意。"
    )
    return course


def test_a_course_for_another_audience_is_not_found_by_a_worker_outside_it(
    client_for, restricted_course
):
    html = search(client_for("other_worker"), "加装电梯")

    assert titles(html) == []
    assert shown("Courses meant for other communities do not show up here.") in html


def test_a_course_for_an_audience_is_found_by_a_worker_inside_it(
    client_for, restricted_course
):
    assert titles(search(client_for("worker"), "加装电梯")) == [
        "东湖街道专题：老旧小区加装电梯",
        "加装电梯的表决程序",
    ]


@pytest.mark.parametrize("persona", PERSONAS)
def test_everyone_may_search_and_sees_only_what_they_may_open(
    persona, client_for, restricted_course, library, catalog
):
    law_import(text=shipped(MEDIATION_LAW), library=library)
    make_course(catalog, "人民调解员的电梯纠纷调解", summary="面向所有社区")

    found = titles(search(client_for(persona), "电梯"))

    expected = {
        "anonymous": [],
        "worker": [
            "东湖街道专题：老旧小区加装电梯",
            "人民调解员的电梯纠纷调解",
            "加装电梯的表决程序",
        ],
    }.get(persona, ["人民调解员的电梯纠纷调解"])
    assert found == expected
    assert "人民调解法 第七条" in titles(search(client_for(persona), "调解"))


def test_a_draft_lesson_is_not_found(client_for, catalog):
    course = make_course(catalog, "心理健康")
    course.refresh_from_db()
    draft = LessonPage(
        title="压力自评",
        slug="draft",
        live=False,
        body=[("rich_text", RichText("<p>情绪疏导的三个步骤</p>"))],
    )
    course.add_child(instance=draft)
    draft.save_revision()

    assert titles(search(client_for("worker"), "情绪疏导")) == []


def test_a_new_draft_of_a_live_lesson_is_not_found_until_published(client_for, catalog):
    course = make_course(catalog, "心理健康")
    lesson = make_lesson(course, "减压方法", "深呼吸练习")
    lesson.body = [("rich_text", RichText("<p>正念冥想练习</p>"))]
    revision = lesson.save_revision()
    client = client_for("worker")

    assert titles(search(client, "正念冥想")) == []
    assert titles(search(client, "深呼吸")) == ["减压方法"]

    revision.publish()

    assert titles(search(client, "正念冥想")) == ["减压方法"]
    assert titles(search(client, "深呼吸")) == []


def test_an_unpublished_or_deleted_page_is_no_longer_found(client_for, catalog, cases):
    course = make_course(catalog, "反诈宣传")
    lesson = make_lesson(course, "识别电信诈骗", "冒充客服退款是常见骗局")
    case = make_case(cases, "冒充客服诈骗老人案")
    client = client_for("worker")
    assert len(titles(search(client, "冒充客服"))) == 2

    lesson.unpublish()
    case.delete()

    assert titles(search(client, "冒充客服")) == []
    assert not SearchEntry.objects.filter(page_id__in=[lesson.pk, case.pk]).exists()


def test_the_lessons_of_an_unpublished_course_are_not_found(client_for, catalog):
    course = make_course(catalog, "垃圾分类")
    make_lesson(course, "分类标准", "厨余垃圾要沥干水分")
    course.unpublish()  # the lesson stays live, under a course that is not

    assert titles(search(client_for("worker"), "沥干水分")) == []


def test_a_page_in_a_private_section_is_not_found(client_for, cases):
    make_case(cases, "内部案例：信访处置", summary="仅限内部学习的信访案例")
    PageViewRestriction.objects.create(
        page=cases, restriction_type=PageViewRestriction.LOGIN
    )

    assert titles(search(client_for("worker"), "信访")) == []


def test_an_unpublished_law_is_not_found(client, library):
    law = law_import(text=shipped(MEDIATION_LAW), library=library)
    law.unpublish()

    assert titles(search(client, "调解")) == []


def test_a_re_imported_law_is_found_by_its_new_text(client, library):
    law_import(text=law_text("社区公约", ["居民应当爱护公共绿地。"]), library=library)
    law_import(text=law_text("社区公约", ["居民应当文明养犬。"]), library=library)

    assert titles(search(client, "绿地")) == []
    assert titles(search(client, "文明养犬")) == ["社区公约 第一条"]


def test_an_article_saved_on_its_own_is_found_by_its_new_text(client, library):
    law = law_import(
        text=law_text("社区公约", ["居民应当爱护公共绿地。"]), library=library
    )
    article = LawArticle.objects.get(law=law)
    article.text = "居民应当垃圾分类。"
    article.save()

    assert titles(search(client, "垃圾分类")) == ["社区公约 第一条"]


def test_the_rebuild_command_indexes_what_is_live(client_for, catalog, library):
    law_import(text=shipped(MEDIATION_LAW), library=library)
    course = make_course(catalog, "调解技巧")
    make_lesson(course, "倾听", "调解时先倾听")
    SearchEntry.objects.all().delete()

    call_command("rebuild_search_index", stdout=None)

    assert SearchEntry.objects.count() == 35 + 2
    client = client_for("worker")
    assert titles(search(client, "调解"))[:2] == ["调解技巧", "人民调解法 第一条"]
    assert titles(search(client, "先倾听")) == ["倾听"]


# --- The query ----------------------------------------------------------------


def test_every_word_of_a_query_is_required_even_with_full_width_spaces(client, library):
    law_import(text=shipped(MEDIATION_LAW), library=library)

    both = titles(search(client, "调解协议\u3000司法确认"))

    expected = [
        f"人民调解法 {article.label}"
        for article in LawArticle.objects.order_by("sort_order")
        if "调解协议" in article.text and "司法确认" in article.text
    ]
    assert "人民调解法 第三十三条" in expected
    assert both == expected
    assert len(titles(search(client, "调解协议"))) > len(expected)


def test_an_empty_query_shows_tips_and_searches_nothing(client, library):
    law_import(text=shipped(MEDIATION_LAW), library=library)

    with CaptureQueriesContext(connection) as queries:
        html = search(client, "  \u3000 ")

    assert shown("How to search") in html
    assert titles(html) == []
    assert not any("cms_searchentry" in q["sql"] for q in queries)


def test_a_query_with_no_match_says_so(client, library):
    law_import(text=shipped(MEDIATION_LAW), library=library)

    html = search(client, "火星基地")

    assert titles(html) == []
    assert "火星基地" in html
    assert shown("Check for typing mistakes.") in html


def test_a_long_query_is_cut_to_50_characters():
    query = search_query_parse("调" * 48 + "\u3000解" + "x" * 60)

    assert query.text == "调" * 48 + " 解"
    assert query.words == ["调" * 48, "解"]
    assert query.shortened


def test_a_long_query_is_searched_by_its_first_50_characters(client, library):
    law_import(text=shipped(MEDIATION_LAW), library=library)

    html = search(client, "调解 " + "很" * 100)

    assert 'value="调解 ' + "很" * 47 + '"' in html
    assert shown("Only the first 50 characters of your search were used.") in html


def test_a_percent_sign_or_underscore_is_matched_literally(client_for, catalog):
    make_course(catalog, "矛盾排查", summary="排查覆盖率达到100%的社区")
    make_course(catalog, "台账填写", summary="文件名写作 台账_2024 格式")
    make_course(catalog, "公文写作", summary="100 份公文")
    client = client_for("worker")

    assert titles(search(client, "%")) == ["矛盾排查"]
    assert titles(search(client, "100%")) == ["矛盾排查"]
    assert titles(search(client, "_")) == ["台账填写"]
    assert titles(search(client, "台账_")) == ["台账填写"]


def test_control_characters_in_the_query_do_not_break_the_search(client, library):
    law_import(text=shipped(MEDIATION_LAW), library=library)

    assert "人民调解法 第七条" in titles(search(client, "调解\x00委员会"))


def test_content_and_query_are_escaped(client_for, catalog):
    make_course(
        catalog,
        "<script>alert(1)</script>防范",
        summary="<img src=x onerror=alert(2)> 防范诈骗",
    )

    html = search(client_for("worker"), "<script>")

    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "<mark>&lt;script&gt;</mark>alert(1)&lt;/script&gt;防范" in html
    html = search(client_for("worker"), "防范")
    assert "&lt;img src=x onerror=alert(2)&gt; <mark>防范</mark>诈骗" in html


def test_a_snippet_is_about_80_characters_around_the_first_match(client_for, catalog):
    before = "社区工作者要熟悉居民情况。" * 6
    after = "做好记录并及时回访。" * 6
    course = make_course(catalog, "走访")
    make_lesson(course, "入户走访", before + "入户走访时要出示工作证件。" + after)

    snippet = results(search(client_for("worker"), "工作证件"))[0]["snippet"]
    text = re.sub(r"</?mark>", "", snippet)

    assert text.startswith("…") and text.endswith("…")
    assert 78 <= len(text.strip("…")) <= 80
    assert "时要出示<mark>工作证件</mark>。做好记录" in snippet


# --- Pages and queries ----------------------------------------------------------


def test_results_are_paginated_20_to_a_page_with_a_count(client, library):
    law_import(text=shipped(MEDIATION_LAW), library=library)
    total = 35  # every article: the law's short title holds 调解

    first = search(client, "调解")
    second = search(client, "调解", page=2)

    with translation.override(settings.LANGUAGE_CODE):
        count = ngettext(
            "%(counter)s result for “%(query)s”",
            "%(counter)s results for “%(query)s”",
            total,
        ) % {"counter": total, "query": "调解"}
    assert escape(count) in first
    assert len(titles(first)) == 20
    assert len(titles(second)) == total - 20
    assert not set(titles(first)) & set(titles(second))
    assert "page=2" in first


def queries_for(client, url: str) -> int:
    client.get(url)  # warm the site-root cache, as a running site has it
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def add_matches(count, *, catalog, cases, library):
    """`count` results for 议事会, spread over the four kinds."""
    holder = make_course(catalog, "容器课程")
    kinds = itertools.cycle(["course", "lesson", "article", "case"])
    articles = []
    for n, kind in zip(range(count), kinds, strict=False):
        if kind == "course":
            make_course(catalog, f"课程{n}", summary=f"楼栋议事会第{n}次")
        elif kind == "lesson":
            make_lesson(holder, f"课时{n}", f"召开楼栋议事会第{n}次")
        elif kind == "case":
            make_case(cases, f"案例{n}", summary=f"议事会调处第{n}件")
        else:
            articles.append(f"议事会每月召开{n}次。")
    law_import(text=law_text(f"议事规则{count}", articles), library=library)


def test_the_results_page_costs_the_same_queries_for_5_and_50_matches(
    client_for, catalog, cases, library
):
    client = client_for("worker")
    add_matches(5, catalog=catalog, cases=cases, library=library)
    with_five = queries_for(client, "/search/?q=议事会")
    assert len(titles(search(client, "议事会"))) == 5

    add_matches(45, catalog=catalog, cases=cases, library=library)
    assert len(titles(search(client, "议事会"))) == 20
    assert len(titles(search(client, "议事会", page=3))) == 10
    pages = [queries_for(client, f"/search/?q=议事会&page={n}") for n in (1, 2, 3)]

    assert pages == [with_five] * 3


# --- PostgreSQL -------------------------------------------------------------------


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="trigram indexes are PostgreSQL only"
)
def test_postgresql_can_answer_a_long_word_from_the_trigram_index(library):
    law_import(text=shipped(MEDIATION_LAW), library=library)
    sql, params = SearchEntry.objects.filter(
        text__icontains="调解委员会"
    ).query.sql_with_params()

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "cms_searchentry_text_trgm" in plan
