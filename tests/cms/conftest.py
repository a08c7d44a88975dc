"""Law texts and a law library on top of the home page from cms migration 0002."""

from pathlib import Path

import pytest

from cms.models import HomePage, LawLibraryPage

SHIPPED = Path(__file__).resolve().parents[2] / "cms" / "data" / "laws"
DATA = Path(__file__).resolve().parent / "data"

MEDIATION_LAW = "people-mediation-law-2010.md"
RESIDENTS_LAW = "urban-residents-committee-law-2018.md"
VILLAGERS_LAW = "villagers-committee-law-2018.md"
MEDIATION_REGULATIONS = "people-mediation-committee-regulations-1989.md"
PERSONAL_INFORMATION_LAW = "personal-information-protection-law-2021.md"


def shipped(name: str) -> str:
    return (SHIPPED / name).read_text(encoding="utf-8")


def extra(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")


@pytest.fixture
def home(db):
    return HomePage.objects.get()


@pytest.fixture
def library(home):
    page = LawLibraryPage(title="法律法规库", slug="laws")
    home.add_child(instance=page)
    page.save_revision().publish()
    return page
