"""The report's figures as the reader may see them: tables of cells, each drawn as a chart, shown
as a table and written to CSV from the same cells, so the three never disagree.

Outside a unit's own report (a service group's, a municipality's) a count from 1 to 4 is shown
as "< 5" (``SMALL``), in the table, the chart and the CSV alike, and an average over fewer than
5 plans is not shown: no child can be singled out by a small number (SPEC §3.9, §5). Where the
hidden count is one of several parts of a total the report shows (the levels of the active
plans, the units of a group), it could be worked out by subtraction; so one more part is
withheld (``WITHHELD``), or the total if no other part has any plans.
"""

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from webapp.labels import status_label
from webapp.models import Plan
from webapp.reports.figures import LEVELS, STATUSES

SMALL = "< 5"
WITHHELD = "*"  # a count withheld so that a "< 5" cannot be worked out from the others
THRESHOLD = 5


@dataclass
class Cell:
    """One figure: ``value`` drawn in the chart (None: nothing to draw), ``text`` shown."""

    value: float | None
    text: str
    hidden: bool = False  # a small count shown as "< 5", or a count withheld
    withheld: bool = False  # not small, withheld so the small one cannot be worked out


def protect(parts, total):
    """Parts of a shown ``total`` (lists of ``Cell``, changed in place): if exactly one part is
    hidden, it would be the total minus the others, so withhold the smallest other part that
    has plans, or, if none has, the total. Returns True when something was withheld."""
    hidden = [cell for cell in parts if cell.hidden]
    if len(hidden) != 1 or total.hidden:
        return False
    others = [cell for cell in parts if not cell.hidden and cell.value]
    target = min(others, key=lambda cell: cell.value) if others else total
    target.value, target.text, target.hidden, target.withheld = None, WITHHELD, True, True
    return True


@dataclass
class Table:
    key: str  # the section's id in the page and its name in the CSV
    title: str
    description: str
    columns: list  # headers of the figure columns; the first is the one charted
    rows: list  # (label, [Cell, ...])
    row_header: str


def count_cell(n, exact):
    """A count, or "< 5" for 1 to 4 where small counts are hidden."""
    if not exact and 0 < n < THRESHOLD:
        return Cell(None, SMALL, hidden=True)
    return Cell(n, str(n))


def days_cell(average, plans, exact):
    """An average number of days, rounded; "–" with no plans, or with fewer than 5 plans where
    small counts are hidden (the average of one plan is that plan's figure)."""
    if average is None or (not exact and plans < THRESHOLD):
        return Cell(None, "–")
    return Cell(round(average), str(round(average)))


def level_label(level):
    return _("BTI level %(level)s", level=level)


def build(figures, exact, unit_names=None):
    """The report's tables from ``figures`` (``webapp.reports.figures.Figures``). ``exact``: the
    unit's own report; ``unit_names``: ``[(unit_id, name)]`` for a table per unit (the service
    group's report), or None."""
    total = figures.total
    year = figures.year
    active = count_cell(total.active, exact)
    tables = [
        Table("status", _("Plans by status"),
              _("The number of stafettloggar in each status today."),
              [_("Plans")], [(status_label(s), [active if s == Plan.ACTIVE
                                                else count_cell(total.by_status[s], exact)])
                             for s in STATUSES], _("Status")),
        Table("level", _("Active plans by BTI level"),
              _("The number of active stafettloggar on each BTI level today."),
              [_("Plans")], [(level_label(level), [count_cell(total.by_level[level], exact)])
                             for level in LEVELS], _("BTI level")),
        Table("year", _("New and closed in %(year)s", year=year),
              _("Stafettloggar created, and stafettloggar closed, in %(year)s.", year=year),
              [_("Plans")], [(_("New"), [count_cell(total.new, exact)]),
                             (_("Closed"), [count_cell(total.closed, exact)])], _("Change")),
        Table("follow-up", _("Overdue evaluations and quiet logs"),
              _("Active stafettloggar whose evaluation date has passed with no outcome, and "
                "active stafettloggar with no entry on their timeline for %(weeks)s weeks.",
                weeks=figures.quiet_weeks),
              [_("Plans")], [(_("Overdue evaluations"), [count_cell(total.overdue, exact)]),
                             (_("Quiet logs"), [count_cell(total.quiet, exact)])],
              _("Follow-up")),
        Table("level-days", _("Average days on each BTI level in %(year)s", year=year),
              _("For each BTI level: the days a stafettlogg spent on the level in %(year)s, on "
                "average over the stafettloggar that were on it, from the level changes on "
                "their timelines.", year=year),
              [_("Average days"), _("Plans")],
              [(level_label(level), [days_cell(*figures.level_days[level], exact),
                                     count_cell(figures.level_days[level][1], exact)])
               for level in LEVELS], _("BTI level")),
    ]
    if unit_names is not None:
        tables.append(Table(
            "units", _("Active plans per unit"),
            _("Active stafettloggar, overdue evaluations and quiet logs in each unit."),
            [_("Active plans"), _("Overdue evaluations"), _("Quiet logs")],
            [(name, [count_cell(figures.per_unit[uid].active, exact),
                     count_cell(figures.per_unit[uid].overdue, exact),
                     count_cell(figures.per_unit[uid].quiet, exact)])
             for uid, name in unit_names], _("Unit")))
    if not exact:
        _protect_totals(tables, active)
    return tables


def _protect_totals(tables, active):
    """Withhold what would let a "< 5" be worked out: the levels add up to the active plans;
    in a group's report, each column of the unit table adds up to its total."""
    by_key = {table.key: table for table in tables}
    protect([cells[0] for _label, cells in by_key["level"].rows], active)
    units = by_key.get("units")
    if units is None:
        return
    follow_up = [cells[0] for _label, cells in by_key["follow-up"].rows]
    for column, total in enumerate((active, *follow_up)):
        protect([cells[column] for _label, cells in units.rows], total)


def withheld_any(tables):
    return any(cell.withheld for table in tables for _label, cells in table.rows
               for cell in cells)


# The CSV's columns: one row per figure of the page's tables.
CSV_HEADINGS = (_l("Table"), _l("Row"), _l("Figure"), _l("Value"))
