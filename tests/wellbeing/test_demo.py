from io import StringIO

from django.core.management import call_command

from cms.demo.wellbeing import demo_wellbeing_seed
from people.models import OrgUnit
from wellbeing.models import Instrument, Result
from wellbeing.selectors.aggregates import periods_offered, published_cells


def test_the_demo_shows_donghu_and_hides_smaller_groups_and_runs_once(db):
    call_command("seed_demo", "--force", stdout=StringIO())
    pss10 = Instrument.objects.get(slug="pss10")
    quarter = next(p for p in periods_offered() if p.quarter is not None)
    units = {u.name: u for u in OrgUnit.objects.all()}

    cells = published_cells(instrument=pss10, year=quarter.year)[quarter.key]

    assert cells[units["东湖街道"].path].participants == 6
    assert units["西山街道"].path not in cells
    assert units["朝阳社区"].path not in cells
    assert Result.objects.filter(user__username="demo_worker").count() == 3
    assert not Result.objects.filter(user__username="demo_worker2").exists()
    before = list(Result.objects.order_by("pk").values_list("pk", "payload"))
    assert demo_wellbeing_seed() == 0
    assert list(Result.objects.order_by("pk").values_list("pk", "payload")) == before
