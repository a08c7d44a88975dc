"""Every lesson block renders with its own template and shows its content."""

from pathlib import Path

import pytest
from wagtail.embeds.embeds import get_embed_hash
from wagtail.embeds.models import Embed

from cms.models import CaseLibraryPage, CasePage, HomePage
from cms.services import law_import
from courses.blocks import LawCitationBlock, LessonStreamBlock
from courses.services.learning import enrolment_create
from tests.factories.courses import (
    CoursePageFactory,
    LessonPageFactory,
    document,
    image,
)

pytestmark = pytest.mark.django_db

LAWS = Path(__file__).resolve().parents[2] / "cms" / "data" / "laws"
EMBED_URL = "https://video.example.cn/v/42"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def client_for(client_for):
    """The personas' clients, reading the English msgids (translations come later)."""

    def make(persona):
        client = client_for(persona)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        return client

    return make


@pytest.fixture
def law():
    text = (LAWS / "people-mediation-law-2010.md").read_text(encoding="utf-8")
    return law_import(text=text)


@pytest.fixture
def case():
    home = HomePage.objects.get()
    library = CaseLibraryPage(title="案例库", slug="cases")
    home.add_child(instance=library)
    case = CasePage(
        title="楼上漏水引发的邻里纠纷",
        slug="leak",
        kind=CasePage.Kind.NEIGHBOUR,
        summary="调解员上门查看，促成双方分担维修费用。",
        background="<p>楼上卫生间漏水。</p>",
        process="<p>调解员分别听取意见。</p>",
        outcome="<p>达成调解协议。</p>",
    )
    library.add_child(instance=case)
    return case


@pytest.fixture
def embed():
    """A cached embed, so that rendering never reaches for the network."""
    return Embed.objects.create(
        url=EMBED_URL,
        max_width=None,
        hash=get_embed_hash(EMBED_URL),
        type="video",
        html='<iframe title="调解示范" src="https://video.example.cn/e/42"></iframe>',
        provider_name="示例视频",
    )


@pytest.fixture
def every_block(law, case, embed):
    poster = image(title="海报", size=(320, 180))
    return [
        ("heading", "调解的基本原则"),
        ("rich_text", "<p>人民调解坚持<b>自愿平等</b>。</p>"),
        ("image", {"image": image(title="调解室"), "caption": "社区调解室一角"}),
        (
            "video",
            {
                "video": document(title="示范", content=b"\x00" * 64, name="demo.mp4"),
                "poster": poster,
                "caption": "调解示范视频",
            },
        ),
        ("video", {"embed": EMBED_URL, "caption": "外部视频"}),
        (
            "audio",
            {
                "audio": document(title="访谈", content=b"\x00" * 64, name="talk.mp3"),
                "caption": "调解员访谈录音",
            },
        ),
        ("document", {"document": document(title="调解协议书范本"), "title": ""}),
        ("law_citation", {"law": law, "article": 7, "note": "调解委员会的性质"}),
        ("case_study", {"case": case, "note": "注意调解员如何开场"}),
        ("key_points", {"title": "三个要点", "points": ["自愿", "合法", "保密"]}),
        ("callout", {"kind": "warning", "text": "<p>不得强迫当事人接受调解。</p>"}),
        ("reflection", {"question": "你会怎样开场？"}),
        ("quiz", {"title": "课后小测"}),
    ]


def test_every_block_type_is_covered_here(every_block):
    assert {name for name, _value in every_block} == set(
        LessonStreamBlock.base_blocks.keys()
    )


def test_every_block_renders_its_content_on_the_lesson_page(
    client_for, worker, every_block
):
    course = CoursePageFactory(slug="c")
    lesson = LessonPageFactory(course=course, slug="all", body=every_block)
    enrolment_create(user=worker, course=course)

    response = client_for("worker").get(lesson.url)

    assert response.status_code == 200
    html = response.content.decode()
    assert '<h2 class="block-heading">调解的基本原则</h2>' in html
    assert "人民调解坚持<b>自愿平等</b>。" in html
    assert "社区调解室一角" in html and 'class="block-image"' in html
    assert "width-720" in html  # the image rendition
    assert html.count('src="/media/') >= 2  # image and poster renditions
    video_id = lesson.body[3].value["video"].pk
    assert f'<source src="/media/{video_id}/stream/" type="video/mp4">' in html
    assert "data-progress-url=" in html
    assert "调解示范视频" in html
    assert '<iframe title="调解示范"' in html and "外部视频" in html
    audio_id = lesson.body[5].value["audio"].pk
    assert f'src="/media/{audio_id}/stream/"' in html and "调解员访谈录音" in html
    assert "Download: 调解协议书范本" in html and "(PDF" in html
    assert "人民调解委员会是依法设立的调解民间纠纷的群众性组织。" in html
    assert "人民调解法 第七条" in html and "调解委员会的性质" in html
    assert "楼上漏水引发的邻里纠纷" in html and "Neighbour dispute" in html
    assert "调解员上门查看，促成双方分担维修费用。" in html
    assert "注意调解员如何开场" in html
    assert "三个要点" in html and "<li>保密</li>" in html
    assert 'class="block-callout callout-warning"' in html
    assert "不得强迫当事人接受调解。" in html
    assert "你会怎样开场？" in html and 'name="text"' in html
    assert "课后小测" in html and "The quiz for this lesson will open soon." in html


def test_a_law_citation_shows_the_article_text(law):
    block = LawCitationBlock()
    value = block.to_python({"law": law.pk, "article": 3, "note": ""})

    html = block.render(value)

    assert "人民调解法 第三条" in html
    assert "人民调解委员会调解民间纠纷，应当遵循下列原则" in html
    assert "（二）不违背法律、法规和国家政策；" in html
    assert f'href="{law.url}#article-3"' in html


def test_a_citation_of_a_missing_article_says_so(law):
    block = LawCitationBlock()
    value = block.to_python({"law": law.pk, "article": 999, "note": "本条已废止"})

    html = block.render(value)

    assert "This article could not be found in the law library." in html
    assert "本条已废止" in html


def test_blocks_whose_files_were_deleted_still_render(client_for, worker, case):
    handout = document(title="已删除的讲义")
    clip = document(title="已删除的视频", name="gone.mp4")
    course = CoursePageFactory(slug="c")
    lesson = LessonPageFactory(
        course=course,
        slug="gone",
        body=[
            ("document", {"document": handout, "title": "讲义"}),
            ("video", {"video": clip, "caption": "视频"}),
            ("case_study", {"case": case, "note": ""}),
        ],
    )
    handout.delete()
    clip.delete()
    case.delete()

    response = client_for("worker").get(lesson.url)

    html = response.content.decode()
    assert response.status_code == 200
    assert "This video is no longer available." in html
    assert "This case is no longer in the case library." in html
    assert "已删除的讲义" not in html


def test_a_reflection_block_outside_a_lesson_shows_the_question_only():
    block = LessonStreamBlock().child_blocks["reflection"]

    html = block.render(block.to_python({"question": "你会怎样开场？"}))

    assert "你会怎样开场？" in html
    assert "<form" not in html
