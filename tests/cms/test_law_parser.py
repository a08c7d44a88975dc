import re
from datetime import date

import pytest
from django.utils import translation

from cms.laws import (
    LawFormatError,
    article_label,
    article_number,
    chinese_to_int,
    decode_law,
    int_to_chinese,
    parse_law,
    short_title_for,
)

from .conftest import (
    MEDIATION_LAW,
    MEDIATION_REGULATIONS,
    PERSONAL_INFORMATION_LAW,
    RESIDENTS_LAW,
    SHIPPED,
    VILLAGERS_LAW,
    extra,
    shipped,
)

# Counted in the sources by hand: lines that start with 第…条 and a space.
ARTICLE_COUNTS = {
    MEDIATION_LAW: 35,
    RESIDENTS_LAW: 23,
    VILLAGERS_LAW: 41,
    MEDIATION_REGULATIONS: 17,
    PERSONAL_INFORMATION_LAW: 74,
}


def lines_starting_an_article(text: str) -> int:
    return len(re.findall(r"(?m)^第[零一二三四五六七八九十百千]+条[ \u3000]", text))


def test_the_five_laws_are_shipped_with_the_project():
    assert sorted(p.name for p in SHIPPED.glob("*.md")) == sorted(
        [*ARTICLE_COUNTS, "SOURCE.md"]
    )
    assert "LawRefBook/Laws" in (SHIPPED / "SOURCE.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ARTICLE_COUNTS)
def test_it_finds_every_article_of_each_shipped_law(name):
    text = shipped(name)
    law = parse_law(text)
    assert len(law.articles) == ARTICLE_COUNTS[name] == lines_starting_an_article(text)
    assert [a.number for a in law.articles] == list(range(1, len(law.articles) + 1))
    assert [a.label for a in law.articles] == [
        article_label(a.number) for a in law.articles
    ]
    assert all(a.text and not a.text.startswith("第") for a in law.articles)
    assert law.warnings == []


def test_article_seven_of_the_people_mediation_law_is_exactly_its_text():
    law = parse_law(shipped(MEDIATION_LAW))
    seventh = law.articles[6]
    assert (seventh.number, seventh.label) == (7, "第七条")
    assert seventh.text == "人民调解委员会是依法设立的调解民间纠纷的群众性组织。"
    assert seventh.chapter == "第二章 人民调解委员会"


def test_article_nine_of_the_residents_committee_law_is_about_the_residents_meeting():
    law = parse_law(shipped(RESIDENTS_LAW))
    assert law.articles[8].label == "第九条"
    assert "居民会议" in law.articles[8].text
    assert law.articles[8].chapter == ""


def test_an_article_keeps_all_its_item_paragraphs_in_order():
    law = parse_law(shipped(MEDIATION_LAW))
    article = law.articles[28]
    assert article.label == "第二十九条"
    assert article.text.split("\n") == [
        "调解协议书可以载明下列事项:",
        "（一）当事人的基本情况；",
        "（二）纠纷的主要事实、争议事项以及各方当事人的责任；",
        "（三）当事人达成调解协议的内容，履行的方式、期限。",
        "调解协议书自各方当事人签名、盖章或者按指印，人民调解员签名并加盖人民调解委员会印章"
        "之日起生效。调解协议书由当事人各执一份，人民调解委员会留存一份。",
    ]


def test_it_reads_title_history_and_dates_from_the_header():
    law = parse_law(shipped(VILLAGERS_LAW))
    assert law.title == "中华人民共和国村民委员会组织法"
    assert law.short_title == "村民委员会组织法"
    assert law.history.split("\n")[0] == (
        "1998年11月4日 第九届全国人民代表大会常务委员会第五次会议通过"
    )
    assert len(law.history.split("\n")) == 3
    assert law.adopted_on == date(1998, 11, 4)
    # 本法自公布之日起施行: no date written out.
    assert law.effective_on is None

    mediation = parse_law(shipped(MEDIATION_LAW))
    assert mediation.adopted_on == date(2010, 8, 28)
    assert mediation.effective_on == date(2011, 1, 1)


def test_it_strips_the_full_width_space_that_ends_a_history_line():
    law = parse_law(shipped(MEDIATION_REGULATIONS))
    assert (
        law.history.split("\n")[1] == "1989年6月17日 中华人民共和国国务院令第37号发布"
    )
    assert law.short_title == "人民调解委员会组织条例"


def test_it_keeps_sections_in_the_chapter_label():
    law = parse_law(shipped(PERSONAL_INFORMATION_LAW))
    assert law.articles[12].chapter == "第二章 个人信息处理规则 / 第一节 一般规定"
    assert law.articles[37].chapter == "第三章 个人信息跨境提供的规则"


def test_it_imports_a_law_without_chapters_with_either_kind_of_space():
    law = parse_law(extra("no-chapters.md"))
    assert [a.label for a in law.articles] == ["第一条", "第二条", "第三条"]
    assert {a.chapter for a in law.articles} == {""}
    assert law.articles[1].text == (
        "本办法所称网格，是指在社区范围内按照一定标准划分的基本管理单元。\n"
        "网格员由社区居民委员会统一管理。"
    )
    assert law.effective_on == date(2023, 5, 1)
    assert law.short_title == "某市社区网格化服务管理办法"


def test_it_reads_article_numbers_in_the_hundreds_and_thousands():
    law = parse_law(extra("big-numbers.md"))
    assert [(a.number, a.label) for a in law.articles] == [
        (99, "第九十九条"),
        (100, "第一百条"),
        (101, "第一百零一条"),
        (110, "第一百一十条"),
        (1000, "第一千条"),
    ]
    assert law.articles[2].chapter == "第九章 附则 / 第一节 一般规定"
    assert law.articles[3].chapter == "第九章 附则 / 第二节 施行"


def test_it_warns_about_gaps_in_the_numbering_but_imports():
    law = parse_law(extra("big-numbers.md"))
    assert len(law.warnings) == 3
    assert "第一百一十条" in law.warnings[1]
    assert "第一百零一条" in law.warnings[1]


def test_it_keeps_items_and_a_closing_paragraph_with_their_article():
    law = parse_law(extra("items.md"))
    first, second, third = law.articles
    assert first.text.split("\n") == [
        "居民应当遵守下列公约：",
        "（一）爱护公共环境，不乱扔垃圾；",
        "（二）邻里之间互帮互助；",
        "（三）文明养犬，及时清理。",
        "违反本公约的，由居民委员会劝导。",
    ]
    # A label alone on its line: the text starts on the next one.
    assert second.text.split("\n")[0] == "居民小组长协助居民委员会宣传本公约："
    assert len(second.text.split("\n")) == 3
    assert third.chapter == "第二章 附则"


def test_it_accepts_windows_line_endings_and_a_byte_order_mark():
    text = "\ufeff" + extra("no-chapters.md").replace("\n", "\r\n")
    law = parse_law(text)
    assert law.title == "某市社区网格化服务管理办法"
    assert len(law.articles) == 3
    assert "\r" not in law.articles[1].text


@pytest.mark.parametrize(
    ("numeral", "number"),
    [
        ("一", 1),
        ("十", 10),
        ("十二", 12),
        ("二十", 20),
        ("三十五", 35),
        ("一百", 100),
        ("一百零一", 101),
        ("一百一十", 110),
        ("九百九十九", 999),
        ("一千", 1000),
        ("一千零一", 1001),
        ("一千零一十", 1010),
        ("一千二百六十", 1260),
    ],
)
def test_it_converts_chinese_numerals(numeral, number):
    assert chinese_to_int(numeral) == number


@pytest.mark.parametrize("numeral", ["", "零", "百", "十十", "一零", "二十零", "三五"])
def test_it_rejects_numerals_that_are_not_well_formed(numeral):
    with pytest.raises(ValueError):
        chinese_to_int(numeral)


def test_numerals_round_trip_up_to_a_thousand_and_beyond():
    for number in range(1, 2001):
        assert chinese_to_int(int_to_chinese(number)) == number


def test_it_reads_an_article_number_from_its_label():
    assert article_number("第七条") == 7
    assert article_number("第一百零一条") == 101
    assert article_number("七") == 7
    with pytest.raises(ValueError):
        article_number("第七章")


def test_a_short_title_drops_the_name_of_the_state_only():
    assert short_title_for("中华人民共和国人民调解法") == "人民调解法"
    assert short_title_for("人民调解委员会组织条例") == "人民调解委员会组织条例"
    assert short_title_for("中华人民共和国") == "中华人民共和国"


GOOD_HEADER = "# 某法\n\n2020年1月1日 通过\n\n<!-- INFO END -->\n\n"

MALFORMED = {
    "no title": ("2020年1月1日 通过\n\n<!-- INFO END -->\n\n第一条 正文。\n", 1),
    "an empty title": ("# \n\n<!-- INFO END -->\n\n第一条 正文。\n", 1),
    "an empty file": ("\n\n", 1),
    "no end of header": ("# 某法\n\n2020年1月1日 通过\n\n第一条 正文。\n", 5),
    "no end of header at all": ("# 某法\n\n2020年1月1日 通过\n", 3),
    "no articles": (GOOD_HEADER + "## 第一章 总则\n\n本章没有条文。\n", 9),
    "only headings": (GOOD_HEADER + "## 第一章 总则\n", 7),
    "a number that goes back": (
        GOOD_HEADER + "第一条 甲。\n\n第三条 乙。\n\n第二条 丙。\n",
        11,
    ),
    "a repeated number": (GOOD_HEADER + "第一条 甲。\n\n第一条 乙。\n", 9),
    "a malformed numeral": (GOOD_HEADER + "第一条 甲。\n\n第十十条 乙。\n", 9),
    "text before the first article": (GOOD_HEADER + "序言。\n\n第一条 甲。\n", 7),
    "an article without text": (GOOD_HEADER + "第一条\n\n## 第二章 附则\n", 7),
    "an inserted article": (GOOD_HEADER + "第一条 甲。\n\n第一条之一 乙。\n", 9),
    "a second title": (GOOD_HEADER + "第一条 甲。\n\n# 另一部法\n", 9),
    "a title longer than its column": ("# " + "法" * 256 + "\n", 1),
}


@pytest.mark.parametrize("case", MALFORMED)
def test_it_rejects_a_malformed_file_with_the_line_number(case):
    text, line = MALFORMED[case]
    with translation.override("en"), pytest.raises(LawFormatError) as caught:
        parse_law(text)
    assert caught.value.line == line
    assert str(caught.value).startswith(f"line {line}: ")


def test_it_rejects_a_file_that_is_not_utf8_naming_the_line():
    data = "# 某法\n\n2020年1月1日 通过\n".encode() + "第一条 甲。\n".encode("gbk")
    with pytest.raises(LawFormatError) as caught:
        decode_law(data)
    assert caught.value.line == 4
    assert "UTF-8" in str(caught.value)


def test_it_decodes_utf8_with_or_without_a_byte_order_mark():
    assert decode_law("# 某法\n".encode()) == "# 某法\n"
    assert decode_law("# 某法\n".encode("utf-8-sig")) == "# 某法\n"
