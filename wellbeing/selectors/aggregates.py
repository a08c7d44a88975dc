"""Aggregates for HR: participants and their spread across bands, never a person.

Why the band is kept encrypted in each result (``Result.band_token``) rather
than counted into an unlinked table: a counter table cannot count a worker once
per period (their latest result), cannot forget a worker who withdraws, and
cannot follow the retention purge; and a counter per small unit is itself
personal data. So the counts are computed when asked, decrypting the band token
only (never the answers or the score), and only the cells that pass the rules
below leave this module.

The rules, applied to the whole org forest at once so that every viewer (and
every combination of viewers) sees one consistent pattern:

1. Periods are fixed: a calendar year or a quarter, and only periods that have
   ended and that the retention purge has not started on. There is no date
   range, so "a period minus a day" cannot be asked, and nobody can watch a
   running period grow, or a purged one shrink, by one person.
2. Each worker counts once per period: their latest result in it, in the org
   unit they belonged to then.
3. A cell (unit × period) is shown only with at least ``min_group()``
   participants (never below 5), and only if its parent unit's cell is shown.
4. Complementary suppression against differencing: for each shown unit, its
   participants minus those of its shown child units (people attached to the
   unit itself plus hidden children) must be 0 or at least the minimum;
   otherwise the smallest shown child is hidden too, until it holds. The same
   holds between a year and its quarters: the year's participants who appear
   in none of the shown quarters must be 0 or at least the minimum.

Hiding a cell can break rule 4 elsewhere, so the rules are repeated until
nothing changes (hiding only ever grows, so this ends).

Known limit (documented for the integrator): a withdrawal changes the figures
of an ended period; comparing the page before and after could tell about one
person to a viewer who knows who withdrew. Freezing each period's published
cells when it is first shown would close this, at the cost of figures that
keep a withdrawn worker in a group count.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.core.cache import cache
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from people.models import OrgUnit

from .. import crypto
from ..models import Instrument, Result
from ..privacy import min_group, retention

YEARS_BACK = 3
CACHE_SECONDS = 60 * 60


@dataclass(frozen=True)
class Period:
    key: str
    year: int
    quarter: int | None
    start: datetime
    end: datetime

    @property
    def label(self) -> str:
        if self.quarter is None:
            return _("Year %(year)s") % {"year": self.year}
        return _("%(year)s, quarter %(quarter)s") % {
            "year": self.year,
            "quarter": self.quarter,
        }


def _local(year: int, month: int) -> datetime:
    tz = timezone.get_current_timezone()
    if month > 12:
        year, month = year + 1, month - 12
    return datetime(year, month, 1, tzinfo=tz)


def period_for(year: int, quarter: int | None = None) -> Period:
    if quarter is None:
        return Period(str(year), year, None, _local(year, 1), _local(year, 13))
    first = 3 * (quarter - 1) + 1
    return Period(
        f"{year}-Q{quarter}",
        year,
        quarter,
        _local(year, first),
        _local(year, first + 3),
    )


def periods_offered(*, now: datetime | None = None) -> list[Period]:
    """Whole years and quarters that have ended and lost nothing to the purge.

    Newest first. A period that began before the retention cut-off is losing
    results day by day to the purge; comparing it from one day to the next
    would show one day's results, so it is not offered. (With the default
    365 days a calendar year is never whole: only quarters are offered.)
    """
    now = now or timezone.now()
    cutoff = now - retention()
    this_year = timezone.localtime(now).year
    found = []
    for year in range(this_year, this_year - YEARS_BACK - 1, -1):
        for period in [period_for(year, q) for q in (4, 3, 2, 1)] + [period_for(year)]:
            if period.end <= now and period.start >= cutoff:
                found.append(period)
    found.sort(key=lambda p: (p.end, p.quarter is None), reverse=True)
    return found


def period_parse(key: str | None, *, now: datetime | None = None) -> Period | None:
    """The offered period with this key; None for anything else (no ranges)."""
    for period in periods_offered(now=now):
        if period.key == key:
            return period
    return None


@dataclass
class Cell:
    participants: int
    bands: list[int]


@dataclass
class _Tally:
    members: dict[str, set] = field(default_factory=dict)
    bands: dict[str, Counter] = field(default_factory=dict)


def _tally(latest: dict[int, tuple[str, int]], paths: list[str], step: int):
    tally = _Tally()
    known = set(paths)
    for user_id, (unit_path, band) in latest.items():
        for end in range(step, len(unit_path) + 1, step):
            prefix = unit_path[:end]
            if prefix in known:
                tally.members.setdefault(prefix, set()).add(user_id)
                tally.bands.setdefault(prefix, Counter())[band] += 1
    return tally


def _suppress(
    shown: dict[str, bool],
    counts: dict[str, int],
    children: dict[str, list[str]],
    paths: list[str],
    step: int,
    minimum: int,
) -> bool:
    """Top-down and complementary suppression in one period; True if it hid more."""
    changed = False
    for path in paths:  # parents before children (path order)
        parent = path[:-step]
        if shown[path] and parent and not shown.get(parent, False):
            shown[path] = False
            changed = True
    for path in paths:
        if not shown[path]:
            continue
        while True:
            visible = [c for c in children.get(path, []) if shown[c]]
            rest = counts.get(path, 0) - sum(counts.get(c, 0) for c in visible)
            if rest == 0 or rest >= minimum or not visible:
                break
            smallest = min(visible, key=lambda c: (counts.get(c, 0), c))
            shown[smallest] = False
            changed = True
    return changed


def _fingerprint(
    instrument: Instrument, year: int, periods: list[Period], paths: list[str]
) -> str:
    """Changes when a result of the year is added or removed, or the tree changes."""
    results = Result.objects.filter(
        instrument=instrument,
        taken_at__gte=_local(year, 1),
        taken_at__lt=_local(year, 13),
    ).aggregate(n=Count("pk"), last=Max("pk"))
    parts = (
        instrument.pk,
        instrument.updated_at.timestamp(),
        year,
        "+".join(p.key for p in periods),
        min_group(),
        results["n"],
        results["last"],
        hashlib.sha256("/".join(paths).encode()).hexdigest(),
    )
    return ":".join(str(part) for part in parts)


def published_cells(
    *, instrument: Instrument, year: int, now: datetime | None = None
) -> dict[str, dict[str, Cell]]:
    """What may be shown for a year and its quarters: period key -> unit path -> cell.

    Only offered periods (see periods_offered) are counted or returned; cells
    that are not returned are "too small to show". See the module docstring.
    The pattern is cached (only published cells, which are group figures) until
    a result of the year or an org unit is added or removed.
    """
    offered = {p.key for p in periods_offered(now=now)}
    periods = [period_for(year)] + [period_for(year, q) for q in (1, 2, 3, 4)]
    periods = [p for p in periods if p.key in offered]
    if not periods:
        return {}
    paths = sorted(OrgUnit.objects.values_list("path", flat=True))
    key = "wellbeing:cells:" + _fingerprint(instrument, year, periods, paths)
    cells = cache.get(key)
    if cells is None:
        cells = _published_cells(instrument, year, periods, paths)
        cache.set(key, cells, CACHE_SECONDS)
    return cells


def _published_cells(
    instrument: Instrument, year: int, periods: list[Period], paths: list[str]
) -> dict[str, dict[str, Cell]]:
    minimum = min_group()
    step = OrgUnit.steplen
    children: dict[str, list[str]] = {}
    for path in paths:
        children.setdefault(path[:-step], []).append(path)

    year_start, year_end = _local(year, 1), _local(year, 13)
    rows = (
        Result.objects.filter(
            instrument=instrument, taken_at__gte=year_start, taken_at__lt=year_end
        )
        .order_by("taken_at", "pk")
        .values_list("user_id", "taken_at", "unit_path", "band_token")
    )
    # Each worker's latest result per period first; only those are decrypted.
    newest: dict[str, dict[int, tuple[str, str]]] = {p.key: {} for p in periods}
    for user_id, taken_at, unit_path, token in rows.iterator(chunk_size=2000):
        for period in periods:
            if period.start <= taken_at < period.end:
                newest[period.key][user_id] = (unit_path, token)
    bands: dict[str, int] = {}
    latest: dict[str, dict[int, tuple[str, int]]] = {}
    for key, by_user in newest.items():
        latest[key] = {}
        for user_id, (unit_path, token) in by_user.items():
            if token not in bands:
                bands[token] = crypto.decrypt(token)["b"]
            latest[key][user_id] = (unit_path, bands[token])

    tallies = {p.key: _tally(latest[p.key], paths, step) for p in periods}
    counts = {
        key: {path: len(members) for path, members in tally.members.items()}
        for key, tally in tallies.items()
    }
    shown = {
        key: {path: counts[key].get(path, 0) >= minimum for path in paths}
        for key in tallies
    }
    year_key = str(year)
    quarters = [p.key for p in periods if p.quarter is not None]
    changed = True
    while changed:
        changed = False
        for key in tallies:
            changed |= _suppress(
                shown[key], counts[key], children, paths, step, minimum
            )
        if year_key in tallies:
            for path in paths:
                if not shown[year_key][path]:
                    continue
                while True:
                    visible = [q for q in quarters if shown[q][path]]
                    covered = set()
                    for q in visible:
                        covered |= tallies[q].members.get(path, set())
                    rest = len(tallies[year_key].members.get(path, set()) - covered)
                    if rest == 0 or rest >= minimum or not visible:
                        break
                    smallest = min(visible, key=lambda q: (counts[q].get(path, 0), q))
                    shown[smallest][path] = False
                    changed = True

    size = len(instrument.bands)
    result: dict[str, dict[str, Cell]] = {}
    for key, tally in tallies.items():
        cells = {}
        for path in paths:
            if shown[key][path]:
                spread = tally.bands.get(path, Counter())
                cells[path] = Cell(
                    participants=counts[key][path],
                    bands=[spread.get(i, 0) for i in range(size)],
                )
        result[key] = cells
    return result


@dataclass
class AggregateRow:
    unit: OrgUnit
    cell: Cell | None
    is_child: bool

    @property
    def spread(self) -> list[tuple[int, int]]:
        """(count, percent) per band."""
        if self.cell is None:
            return []
        total = self.cell.participants
        return [(n, round(100 * n / total)) for n in self.cell.bands]


def aggregate_for_unit(
    *, instrument: Instrument, unit: OrgUnit, period: Period
) -> list[AggregateRow]:
    """The unit's row, then one row per child unit; cells only where published.

    The caller has checked that the unit is in the viewer's scope.
    """
    cells = published_cells(instrument=instrument, year=period.year).get(period.key, {})
    rows = [AggregateRow(unit=unit, cell=cells.get(unit.path), is_child=False)]
    for child in unit.get_children().order_by("name"):
        rows.append(AggregateRow(unit=child, cell=cells.get(child.path), is_child=True))
    return rows
