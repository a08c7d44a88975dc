"""The default competency framework: seeded by migrate and flush, once, cheaply."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.models import Competency, CompetencyFramework
from assessments.services.competencies import (
    DEFAULT_COMPETENCIES,
    DEFAULT_FRAMEWORK_NAME,
    framework_ensure_default,
)

pytestmark = pytest.mark.django_db

EXPECTED_NAMES = [
    "法律法规运用",
    "政策理解与宣传",
    "信息化办公",
    "公文写作",
    "沟通协调",
    "矛盾纠纷调解",
    "应急处置",
    "心理调适",
]


def test_migrate_leaves_the_default_framework_with_its_eight_competencies():
    framework = CompetencyFramework.objects.get(is_default=True)

    assert framework.name == DEFAULT_FRAMEWORK_NAME
    assert framework.level_names == ["了解", "理解", "应用", "精通"]
    assert list(framework.competencies.values_list("name", flat=True)) == (
        EXPECTED_NAMES
    )


def test_each_default_competency_says_what_its_four_levels_mean():
    for competency in Competency.objects.filter(framework__is_default=True):
        assert competency.code
        assert competency.description
        assert len(competency.level_descriptions) == 4
        assert all(competency.level_descriptions)


def test_running_it_again_creates_nothing_and_costs_one_query():
    framework = CompetencyFramework.objects.get(is_default=True)

    with CaptureQueriesContext(connection) as queries:
        again = framework_ensure_default()

    assert len(queries) == 1
    assert again == framework
    assert CompetencyFramework.objects.count() == 1
    assert Competency.objects.count() == len(DEFAULT_COMPETENCIES)


def test_it_recreates_the_framework_after_it_was_removed():
    CompetencyFramework.objects.all().delete()

    framework = framework_ensure_default()

    assert framework.is_default
    assert framework.competencies.count() == len(DEFAULT_COMPETENCIES)


def test_it_completes_a_framework_of_that_name_without_duplicating_it():
    CompetencyFramework.objects.all().delete()
    partial = CompetencyFramework.objects.create(name=DEFAULT_FRAMEWORK_NAME)
    Competency.objects.create(framework=partial, code="FL", name="法律法规运用")

    framework = framework_ensure_default()

    assert framework.pk == partial.pk
    assert framework.is_default
    assert framework.competencies.count() == len(DEFAULT_COMPETENCIES)


@pytest.mark.django_db(transaction=True)
def test_the_framework_is_there_again_after_a_flush():
    # A transactional test flushes the tables afterwards; post_migrate puts the
    # default framework back, so this test and the next ones still see it.
    assert CompetencyFramework.objects.filter(is_default=True).count() == 1
