import json
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from wellbeing.models import Instrument
from wellbeing.services.instruments import instrument_load, instruments_ensure

from .conftest import HIGH, LOW

FIXTURES = Path(__file__).parent / "fixtures"


def test_pss10_is_shipped_with_ten_items_scored_0_to_4(pss10):
    assert len(pss10.items) == 10
    assert [o["label"] for o in pss10.scale] == ["从不", "偶尔", "有时", "经常", "总是"]
    assert [o["value"] for o in pss10.scale] == [0, 1, 2, 3, 4]
    assert pss10.max_score == 40


def test_pss10_reverses_items_4_5_7_and_8(pss10):
    reversed_items = [n for n, item in enumerate(pss10.items, 1) if item["reverse"]]

    assert reversed_items == [4, 5, 7, 8]


def test_a_reverse_scored_item_counts_four_minus_the_answer(pss10):
    assert pss10.score([0] * 10) == 16  # the four reversed items give 4 each
    assert pss10.score([4] * 10) == 24  # the six others give 4 each
    assert pss10.score(LOW) == 0
    assert pss10.score(HIGH) == 40
    only_item_4 = [0, 0, 0, 1, 4, 0, 4, 4, 0, 0]
    assert pss10.score(only_item_4) == 3


@pytest.mark.parametrize(
    ("score", "band"), [(0, 0), (13, 0), (14, 1), (26, 1), (27, 2), (40, 2)]
)
def test_bands_cover_0_13_14_26_and_27_40(pss10, score, band):
    assert pss10.band_index(score) == band


def test_no_band_is_a_diagnosis_and_each_points_to_help(pss10):
    titles = [band["title"] for band in pss10.bands]
    texts = " ".join(band["text"] for band in pss10.bands)

    assert titles == ["较低的压力感受", "中等的压力感受", "较高的压力感受"]
    for word in ("抑郁", "焦虑症", "患有", "疾病", "异常"):
        assert word not in texts
    assert "12356" in pss10.bands[-1]["text"]
    assert "12356" in pss10.definition["help"]


def test_a_definition_whose_bands_leave_a_gap_is_refused(db):
    data = json.loads((FIXTURES / "tiny.json").read_text())
    data["bands"][1]["min"] = 2

    with pytest.raises(ValidationError):
        instrument_load(data=data)
    assert not Instrument.objects.filter(slug="tiny-check").exists()


def test_loading_the_shipped_instruments_again_changes_nothing(pss10):
    before = pss10.updated_at

    instruments_ensure()

    pss10.refresh_from_db()
    assert pss10.updated_at == before


def test_a_second_instrument_is_added_as_data_alone(client_for, worker):
    (instrument,) = instruments_ensure(directory=FIXTURES)
    client = client_for("worker")

    home = client.get("/wellbeing/").content.decode()
    consent_page = client.get("/wellbeing/tiny-check/consent/")
    client.post("/wellbeing/tiny-check/consent/", {"agree": "on", "version": 3})
    form = client.get("/wellbeing/tiny-check/take/").content.decode()
    response = client.post("/wellbeing/tiny-check/take/", {"q1": "0", "q2": "1"})
    results = client.get(response["Location"]).content.decode()

    assert "两题小测" in home
    assert "保存 365 天" in consent_page.content.decode()
    assert "最近一周您睡得好吗？" in form
    assert "留意区" in results  # item 1 reversed: 1 - 0 = 1, plus 1
    assert instrument.score([0, 1]) == 2
