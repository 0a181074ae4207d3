"""Reports (SPEC §3.9): per unit, per service group and per municipality — plans by status and
BTI level, new and closed in a year, overdue evaluations, time on each level, quiet logs — as
SVG charts with the same figures in tables, and as CSV.

Counts only: no plan content, and no child's or employee's name. The unit's own report (its
administrator) shows exact counts; a service group's (its administrator, or the municipality's)
and a municipality's (its administrator) show 1 to 4 as "< 5" (``webapp.reports.tables``), and
the municipality's names no unit. Who may open which report: ``policy.may_see_report``.
"""

import csv
import io

from flask import Blueprint, abort, current_app, make_response, render_template, request
from flask_login import current_user

from webapp import guards, policy
from webapp.models import Membership, Municipality, ServiceGroup, Unit, oslo_today
from webapp.reports import charts, tables
from webapp.reports.figures import figures_for
from webapp.reports.forms import year_form

bp = Blueprint("reports", __name__, url_prefix="/reports")

@bp.route("")
@guards.requires(policy.REPORTS)
def index():
    """The reports the person may open: their units', their groups', their municipality's.
    Any unit, group or municipality administrator (policy.REPORTS)."""
    unit_ids, group_ids, whole = set(), set(), False
    for role, unit_id, group_id in policy.memberships(current_user):
        if role == Membership.UNIT_ADMIN and unit_id is not None:
            unit_ids.add(unit_id)
        elif role == Membership.GROUP_ADMIN and group_id is not None:
            group_ids.add(group_id)
        elif role == Membership.MUNICIPALITY_ADMIN:
            whole = True
    units = list(Unit.select(Unit.id, Unit.name).where(Unit.id.in_(list(unit_ids)))
                 .order_by(Unit.name, Unit.id)) if unit_ids else []
    condition = ServiceGroup.id.in_(list(group_ids)) if group_ids else None
    if whole:
        mine = ServiceGroup.municipality == current_user.municipality_id
        condition = mine if condition is None else condition | mine
    groups = list(ServiceGroup.select(ServiceGroup.id, ServiceGroup.name).where(condition)
                  .order_by(ServiceGroup.name, ServiceGroup.id)) if condition is not None else []
    municipality = (Municipality.get_or_none(Municipality.id == current_user.municipality_id)
                    if whole else None)
    return render_template("reports/index.html", units=units, groups=groups,
                           municipality=municipality)


def _scope_or_refuse(model, scope_id):
    """The unit, group or municipality ``scope_id``, if the person may see its report: 404 for
    one that does not exist or is in another municipality (not even its name is shown), 403
    for one of their own municipality that is not theirs to report on."""
    scope = model.get_or_none(model.id == scope_id)
    if scope is None:
        abort(404)
    municipality_id = scope.id if model is Municipality else scope.municipality_id
    if municipality_id != current_user.municipality_id:
        abort(404)
    if not policy.may_see_report(current_user, scope):
        abort(403)
    return scope


def _year():
    """The year asked for (``?year=``), or this year; a year that is not one of the form's
    choices is this year, with the form's error shown."""
    this_year = oslo_today().year
    form = year_form(request.args, this_year)
    if "year" not in request.args:
        form.year.data = this_year
        return this_year, form
    if not form.validate():
        form.year.data = this_year
        return this_year, form
    return form.year.data, form


def _quiet_weeks():
    """``QUIET_LOG_WEEKS`` (webapp/config.py), as the leader's worklist reads it."""
    return max(1, current_app.config["QUIET_LOG_WEEKS"])


def _respond(scope, kind, unit_ids, exact, csv_endpoint, unit_names=None, as_csv=False):
    """The report page (or its CSV) of ``unit_ids``: a constant number of queries."""
    year, form = _year()
    figures = figures_for(unit_ids, year, _quiet_weeks())
    report = tables.build(figures, exact=exact, unit_names=unit_names)
    if as_csv:
        return _csv(report, kind, scope, year)
    status = 400 if form.errors else 200
    return render_template(
        "reports/report.html", scope=scope, kind=kind, year=year, form=form, tables=report,
        charts={table.key: charts.bar_chart(table) for table in report}, exact=exact,
        csv_url=csv_endpoint, withheld=tables.withheld_any(report),
    ), status


def _unit_names(group_id):
    return list(Unit.select(Unit.id, Unit.name).where(Unit.group == group_id)
                .order_by(Unit.name, Unit.id).tuples())


def _municipality_units(municipality_id):
    return [uid for (uid,) in Unit.select(Unit.id).where(Unit.municipality == municipality_id)
            .tuples()]


@bp.route("/units/<int:unit_id>")
@guards.requires(policy.REPORTS)
def unit_report(unit_id):
    """The unit's own report, exact counts, names of no person: its administrator only."""
    unit = _scope_or_refuse(Unit, unit_id)
    return _respond(unit, "unit", [unit.id], exact=True,
                    csv_endpoint=("reports.unit_csv", {"unit_id": unit.id}))


@bp.route("/units/<int:unit_id>/csv")
@guards.requires(policy.REPORTS)
def unit_csv(unit_id):
    """The unit's report as CSV (the same figures): its administrator only."""
    unit = _scope_or_refuse(Unit, unit_id)
    return _respond(unit, "unit", [unit.id], exact=True, csv_endpoint=None, as_csv=True)


@bp.route("/groups/<int:group_id>")
@guards.requires(policy.REPORTS)
def group_report(group_id):
    """A service group's report, per unit too, small counts as "< 5": its group administrator
    and the municipality's administrator."""
    group = _scope_or_refuse(ServiceGroup, group_id)
    names = _unit_names(group.id)
    return _respond(group, "group", [uid for uid, _name in names], exact=False,
                    csv_endpoint=("reports.group_csv", {"group_id": group.id}),
                    unit_names=names)


@bp.route("/groups/<int:group_id>/csv")
@guards.requires(policy.REPORTS)
def group_csv(group_id):
    """A service group's report as CSV: as the page."""
    group = _scope_or_refuse(ServiceGroup, group_id)
    names = _unit_names(group.id)
    return _respond(group, "group", [uid for uid, _name in names], exact=False,
                    csv_endpoint=None, unit_names=names, as_csv=True)


@bp.route("/municipalities/<int:municipality_id>")
@guards.requires(policy.REPORTS)
def municipality_report(municipality_id):
    """The municipality's report: counts only, no names, small counts as "< 5": its
    administrator only."""
    municipality = _scope_or_refuse(Municipality, municipality_id)
    return _respond(municipality, "municipality", _municipality_units(municipality.id),
                    exact=False, csv_endpoint=("reports.municipality_csv",
                                               {"municipality_id": municipality.id}))


@bp.route("/municipalities/<int:municipality_id>/csv")
@guards.requires(policy.REPORTS)
def municipality_csv(municipality_id):
    """The municipality's report as CSV: as the page."""
    municipality = _scope_or_refuse(Municipality, municipality_id)
    return _respond(municipality, "municipality", _municipality_units(municipality.id),
                    exact=False, csv_endpoint=None, as_csv=True)


# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def csv_text(value):
    """A text cell that a spreadsheet shows as text, never runs: a leading ' before a formula
    character. Numbers are written as they are."""
    text = str(value)
    if isinstance(value, int | float):
        return text
    return "'" + text if text.startswith(_FORMULA_START) else text


def _csv(report, kind, scope, year):
    """One row per figure: table, row, column, value — the cells of the page's tables."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([csv_text(str(heading)) for heading in tables.CSV_HEADINGS])
    for table in report:
        for label, cells in table.rows:
            for column, cell in zip(table.columns, cells, strict=True):
                writer.writerow([csv_text(table.title), csv_text(label), csv_text(column),
                                 cell.value if isinstance(cell.value, int) and not cell.hidden
                                 else csv_text(cell.text)])
    response = make_response(out.getvalue())
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="stafettlogg-{kind}-{scope.id}-{year}.csv"')
    return response
