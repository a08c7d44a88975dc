"""Moodle XML import: as Moodle reads it, safely, all or nothing."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation

from assessments.importers import guess_format, import_questions
from assessments.models import Question, QuestionBank


@pytest.fixture(autouse=True)
def _english():
    """Messages are checked in English, the msgids."""
    with translation.override("en"):
        yield


DATA = Path(__file__).parent / "data"


def questions(bank_name="民法典题库"):
    return {
        q.name: q
        for q in Question.objects.filter(bank__name=bank_name).select_related(
            "current_version", "category"
        )
    }


@pytest.fixture
def sample(db):
    report = import_questions(
        data=(DATA / "moodle_sample.xml").read_bytes(), bank_name="民法典题库"
    )
    return report


def test_it_guesses_moodle_xml_from_the_content():
    assert guess_format((DATA / "moodle_sample.xml").read_bytes()) == "moodlexml"


def test_it_imports_the_supported_types_and_reports_the_others(sample):
    assert sample.ok, [str(e) for e in sample.errors]
    assert sample.imported == 5
    assert [(s.name, s.type) for s in sample.skipped] == [
        ("法律与施行年份配对", "matching"),
        ("居委会任期", "numerical"),
        ("完形填空", "multianswer"),
    ]


def test_a_single_choice_keeps_text_key_feedback_points_tags_and_category(sample):
    question = questions()["民法典施行日期"]
    version = question.current_version

    assert question.type == Question.Type.SINGLE
    assert version.stem == "<p>《中华人民共和国民法典》自何时起施行？</p>"
    assert [c["text"] for c in version.choices] == [
        "2020年5月28日",
        "2021年1月1日",
        "2021年7月1日",
    ]
    assert version.answer == ["B"]
    assert version.choices[0]["feedback"] == "这是通过日期。"
    assert version.explanation == "<p>民法典自2021年1月1日起施行。</p>"
    assert version.points == Decimal("2.00")
    assert question.category.name == "民法典/合同编"
    assert sorted(question.tags.names()) == ["民法典", "法律法规运用"]


def test_multiple_choice_keeps_moodle_fractions_including_penalties(sample):
    version = questions()["合同的订立方式"].current_version

    assert questions()["合同的订立方式"].type == Question.Type.MULTIPLE
    assert [c["fraction"] for c in version.choices] == [0.5, 0.5, -1.0]
    assert version.answer == ["A", "B"]


def test_true_false_short_answer_and_essay(sample):
    found = questions()
    truefalse = found["调解协议的效力"].current_version
    short = found["调解不收费"].current_version
    essay = found["邻里纠纷化解"].current_version

    assert truefalse.answer == ["T"]
    assert {c["key"]: c["feedback"] for c in truefalse.choices} == {
        "T": "正确。",
        "F": "见人民调解法第三十一条。",
    }
    assert found["调解协议的效力"].category.name == "人民调解"
    # Only the answers at 100% are accepted.
    assert short.answer == ["费用", "任何费用"]
    assert short.stem == "<p>人民调解委员会调解民间纠纷，不收取什么？</p>"
    assert essay.rubric == "<p>要点：倾听、依法、回访。</p>"
    assert essay.points == Decimal("10.00")


def test_scripts_in_imported_html_are_removed(sample):
    stem = questions()["邻里纠纷化解"].current_version.stem

    assert "script" not in stem
    assert "alert" not in stem


def test_a_billion_laughs_file_is_refused_with_a_clear_error(db):
    report = import_questions(data=(DATA / "bomb.xml").read_bytes(), bank_name="炸弹")

    assert report.imported == 0
    assert "declares entities" in str(report.errors[0])
    assert not QuestionBank.objects.filter(name="炸弹").exists()


def test_external_entities_are_refused(db):
    report = import_questions(
        data=(DATA / "external.xml").read_bytes(), bank_name="外部实体"
    )

    assert report.imported == 0
    assert "declares entities" in str(report.errors[0])


def test_malformed_xml_imports_nothing(db):
    data = (DATA / "moodle_sample.xml").read_bytes()[:900]

    report = import_questions(data=data, bank_name="残缺", format="moodlexml")

    assert report.imported == 0
    assert "not well-formed XML" in str(report.errors[0])
    assert not Question.objects.exists()


def test_one_bad_question_imports_nothing_and_names_it(db):
    data = (DATA / "moodle_sample.xml").read_text(encoding="utf-8")
    # The single choice loses its right answer.
    data = data.replace('fraction="100" format="html">', 'fraction="0" format="html">')

    report = import_questions(data=data.encode(), bank_name="民法典题库")

    assert report.imported == 0
    assert [e.where for e in report.errors] == ["Question 1 (民法典施行日期)"]
    assert "exactly one right choice" in report.errors[0].message
    assert not Question.objects.exists()


def test_more_than_eight_choices_is_an_error(db):
    answers = "".join(
        f'<answer fraction="{100 if i == 0 else 0}"><text>选项{i}</text></answer>'
        for i in range(9)
    )
    data = (
        '<quiz><question type="multichoice"><name><text>九个选项</text></name>'
        f"<questiontext><text>题干</text></questiontext>{answers}</question></quiz>"
    )

    report = import_questions(data=data.encode(), bank_name="九选")

    assert report.imported == 0
    assert "at most 8 choices" in report.errors[0].message


PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGA"
    "hKmMIQAAAABJRU5ErkJggg=="
)


def test_embedded_images_become_part_of_the_stem(db):
    data = (
        '<quiz><question type="essay"><name><text>看图</text></name>'
        '<questiontext format="html"><text><![CDATA[<p>看图：'
        '<img src="@@PLUGINFILE@@/%E5%9B%BE.png" alt="图"></p>]]></text>'
        f'<file name="图.png" path="/" encoding="base64">{PNG}</file>'
        "</questiontext></question></quiz>"
    )

    report = import_questions(data=data.encode(), bank_name="图片")

    assert report.imported == 1
    stem = Question.objects.get().current_version.stem
    assert f'src="data:image/png;base64,{PNG}"' in stem


def test_old_exports_with_a_bare_category_path_are_read(db):
    data = (
        '<quiz><question type="category"><category>$course$/民法典</category>'
        '</question><question type="truefalse"><name><text>旧</text></name>'
        "<questiontext><text>旧格式</text></questiontext>"
        '<answer fraction="0"><text>true</text></answer>'
        '<answer fraction="100"><text>false</text></answer>'
        "</question></quiz>"
    )

    import_questions(data=data.encode(), bank_name="旧")

    question = Question.objects.get()
    assert question.category.name == "民法典"
    assert question.current_version.answer == ["F"]
