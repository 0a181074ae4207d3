"""The figures of a report (SPEC §3.9): counts over the plans of a set of units, computed by
the database in grouped SQL, two queries whatever the number of plans.

Nothing here reads a plan's content or a person's name: only status, BTI level, dates and the
times of timeline events. What a reader may see of the figures (small counts hidden outside the
unit's own report) is decided in ``webapp.reports.tables``.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from peewee import Case, fn

from webapp.db import database, is_sqlite
from webapp.models import Plan, oslo_today, utcnow

OSLO = ZoneInfo("Europe/Oslo")
LEVELS = (1, 2, 3)
# The statuses a report counts, in the routine's order (a deleted plan is kept for statistics).
STATUSES = Plan.STATUSES


@dataclass
class UnitFigures:
    """The counts of one unit (or, summed, of all the units of a report)."""

    by_status: dict = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))
    by_level: dict = field(default_factory=lambda: dict.fromkeys(LEVELS, 0))  # active plans
    new: int = 0  # created in the year
    closed: int = 0  # closed in the year (also if archived or deleted since)
    overdue: int = 0  # active, the evaluation date passed with no outcome
    quiet: int = 0  # active, no timeline entry for ``quiet_weeks`` weeks

    @property
    def active(self):
        return self.by_status[Plan.ACTIVE]

    def add(self, other):
        for status in STATUSES:
            self.by_status[status] += other.by_status[status]
        for level in LEVELS:
            self.by_level[level] += other.by_level[level]
        self.new += other.new
        self.closed += other.closed
        self.overdue += other.overdue
        self.quiet += other.quiet


@dataclass
class Figures:
    year: int
    quiet_weeks: int
    total: UnitFigures
    per_unit: dict  # unit_id -> UnitFigures
    level_days: dict  # level -> (average days, number of plans)


def year_bounds(year):
    """The first moment of ``year`` and of the next, Oslo time, as naive UTC (as stored)."""

    def start(y):
        return datetime(y, 1, 1, tzinfo=OSLO).astimezone(UTC).replace(tzinfo=None)

    return start(year), start(year + 1)


def figures_for(unit_ids, year, quiet_weeks, now=None):
    """The figures of the plans in ``unit_ids`` for ``year``: two queries."""
    now = now or utcnow()
    begin, end = year_bounds(year)
    cutoff = now - timedelta(weeks=quiet_weeks)
    per_unit = counts_by_unit(unit_ids, begin, end, oslo_today(), cutoff)
    total = UnitFigures()
    for figures in per_unit.values():
        total.add(figures)
    return Figures(year=year, quiet_weeks=quiet_weeks, total=total, per_unit=per_unit,
                   level_days=days_on_levels(unit_ids, begin, min(end, now), now))


def _flag(condition):
    return fn.SUM(Case(None, [(condition, 1)], 0))


def counts_by_unit(unit_ids, begin, end, today, cutoff):
    """``{unit_id: UnitFigures}``: one grouped query over the plans of the units."""
    active = Plan.status == Plan.ACTIVE
    rows = (
        Plan.select(
            Plan.unit, Plan.status, Plan.bti_level, fn.COUNT(Plan.id),
            _flag((Plan.created_at >= begin) & (Plan.created_at < end)),
            _flag((Plan.closed_at >= begin) & (Plan.closed_at < end)),
            _flag(active & (Plan.next_evaluation < today)),
            _flag(active & Plan.no_entry_since(cutoff)),
        )
        .where(Plan.unit.in_(list(unit_ids)))
        .group_by(Plan.unit, Plan.status, Plan.bti_level)
        .tuples()
    )
    per_unit = {unit_id: UnitFigures() for unit_id in unit_ids}
    for unit_id, status, level, count, new, closed, overdue, quiet in rows:
        figures = per_unit[unit_id]
        figures.by_status[status] = figures.by_status.get(status, 0) + count
        if status == Plan.ACTIVE and level in figures.by_level:
            figures.by_level[level] += count
        figures.new += int(new or 0)
        figures.closed += int(closed or 0)
        figures.overdue += int(overdue or 0)
        figures.quiet += int(quiet or 0)
    return per_unit


def _days(later, earlier):
    """Days between two timestamps, as a number (SQLite and PostgreSQL differ: TECH.md)."""
    if is_sqlite():
        return f"(julianday({later}) - julianday({earlier}))"
    return f"(EXTRACT(EPOCH FROM ({later} - {earlier})) / 86400.0)"


def _stamp(value):
    # SQLite stores timestamps as text in this form; PostgreSQL takes the datetime itself.
    return value.strftime("%Y-%m-%d %H:%M:%S.%f") if is_sqlite() else value


def days_on_levels(unit_ids, begin, end, now):
    """``{level: (average days, plans)}``: how long, on average, a plan that was on a BTI level
    during [``begin``, ``end``) spent on it within that period (one query).

    The level's history is in the plan's stays (``LevelStay``, written with each change by
    ``webapp.levels``; migration 017 made those of older plans from their timelines): a stay
    ends when the next starts; the current one when the plan was closed or archived, or now.
    Deleted plans are not counted. The stays are clipped to the period, summed per plan and
    level, and averaged over the plans that spent any time on the level in the period. The
    query reads only the stays of the scope's plans that overlap the period, from the index
    ``level_stay (plan_id, started_at, ended_at, level)`` alone."""
    param = database.param
    units = ", ".join(param for _ in unit_ids)
    days = _days("stay_end", "stay_start")
    ended = f"COALESCE(s.ended_at, p.closed_at, p.archived_at, {param})"
    # Only placeholders and fixed fragments are put into the text; every value is a parameter.
    sql = f"""
        SELECT level, SUM({days}) AS days, COUNT(DISTINCT plan_id) AS plans
        FROM (
            SELECT s.plan_id, s.level,
                   CASE WHEN s.started_at < {param} THEN {param} ELSE s.started_at END
                       AS stay_start,
                   CASE WHEN {ended} > {param} THEN {param} ELSE {ended} END AS stay_end
            FROM "plan" p JOIN level_stay s ON s.plan_id = p.id
            WHERE p.unit_id IN ({units}) AND p.status <> {param} AND p.created_at < {param}
              AND (p.closed_at IS NULL OR p.closed_at > {param})
              AND (p.archived_at IS NULL OR p.archived_at > {param})
              AND s.started_at < {param} AND (s.ended_at IS NULL OR s.ended_at > {param})
        ) clipped
        WHERE stay_end > stay_start
        GROUP BY level
    """  # noqa: S608
    begin, end, now = _stamp(begin), _stamp(end), _stamp(now)
    params = [begin, begin, now, end, end, now, *unit_ids, Plan.DELETED, end, begin, begin,
              end, begin]
    found = {level: (None, 0) for level in LEVELS}
    for level, total_days, plans in database.execute_sql(sql, params).fetchall():
        if level in found and plans:
            found[level] = (float(total_days) / plans, int(plans))
    return found
