"""The leader's pages (SPEC §2, §3.9): the plans of the units one oversees as metadata, the
review worklist (routine 000 "Årleg gjennomgang", routine 004 "minimum to gangar pr. år"), a
new stafetthaldar at absence (routine 000 "Kontinuitet ved fråvær"), and asking for overdue
evaluations (routine 004 "Tenesteleiar etterspør evalueringar").

Who: a unit administrator for their unit, a group administrator for the group's units, the
municipality's administrator for all its units (``policy.administered_unit_ids``). What they
see is metadata only — never overview, goals, minutes or messages — so reading it is not an
audited read of content.
"""

from functools import wraps

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from webapp import guards, policy
from webapp.db import immediate
from webapp.fields import ConfirmForm
from webapp.leader import service
from webapp.leader.forms import AppointForm, ReviewDoneForm
from webapp.leader.reminders import send_reminders_command
from webapp.models import Unit
from webapp.numbers import page_number
from webapp.participants import service as participants
from webapp.participants.forms import access_choices, check_access

# ``cli_group=None``: its command is ``flask send-reminders`` (webapp/leader/reminders.py).
bp = Blueprint("leader", __name__, url_prefix="/leader", cli_group=None)
bp.cli.add_command(send_reminders_command)


def _overseers_only(view):
    """The finer rule (``policy.may_oversee``): a leader of the plan's unit (or group, or
    municipality). A participant who may see the plan's metadata but does not lead its unit
    gets 403."""

    @wraps(view)
    def wrapped(plan, *args, **kwargs):
        if not policy.may_oversee(current_user, plan):
            abort(403)
        return view(plan, *args, **kwargs)

    return wrapped


def _unit_ids():
    return policy.administered_unit_ids(current_user)


@bp.route("/plans")
@guards.requires(policy.LEAD)
def plans():
    """The plans of the units one oversees, as metadata: plan owner, status, BTI level,
    stafetthaldar, created, last activity, next evaluation, overdue, unit. Sorted by any column
    (``?sort=&dir=``), filtered (status, level, unit, overdue, quiet, without stafetthaldar) and
    paginated with plain links; an unknown value is ignored. Leaders only (policy.LEAD)."""
    unit_ids = _unit_ids()
    filters = service.Filters.from_args(request.args, unit_ids)
    sort = request.args.get("sort", "")
    sort = sort if sort in service.SORTS else service.DEFAULT_SORT
    descending = request.args.get("dir") == "desc"
    total = service.count_plans(unit_ids, filters)
    pages = max(1, -(-total // service.PER_PAGE))
    page = page_number(pages)
    return render_template(
        "leader/plans.html",
        rows=service.plan_rows(unit_ids, filters, sort, descending, page),
        total=total, page=page, pages=pages, filters=filters, sort=sort,
        descending=descending, units=service.units_of(unit_ids),
        statuses=service.STATUS_FILTERS, quiet_weeks=_quiet_weeks(),
        quiet_since=service.quiet_cutoff(),
    )


def _quiet_weeks():
    return current_app.config["QUIET_LOG_WEEKS"]


@bp.route("/review")
@guards.requires(policy.LEAD)
def review():
    """The review worklist: logs that need a new stafetthaldar, quiet logs, passive or closed
    logs not yet archived, archived logs that may be deleted, evaluations past their deadline
    (with "ask for the evaluation"), employees who have not logged in for months; each unit's
    last review and when the next is due, with "the review is done". ``?unit=`` narrows it to
    one unit. Leaders only (policy.LEAD); a constant number of queries."""
    unit_ids = _unit_ids()
    chosen = service.Filters.from_args({"unit": request.args.get("unit", "")}, unit_ids).unit
    scope = frozenset({chosen}) if chosen else unit_ids
    counts, sections = service.worklist(scope)
    idle_count, idle = service.idle_employees(scope)
    return render_template(
        "leader/review.html",
        counts=counts, sections=sections, idle_count=idle_count, idle=idle,
        states=service.review_states(scope), units=service.units_of(unit_ids), chosen=chosen,
        quiet_weeks=_quiet_weeks(), quiet_since=service.quiet_cutoff(),
        idle_months=current_app.config["IDLE_EMPLOYEE_MONTHS"],
        per_section=service.SECTION_ROWS, form=ReviewDoneForm(), ask_form=ConfirmForm(),
    )


@bp.route("/review/done", methods=["POST"])
@guards.requires(policy.LEAD)
def mark_review_done():
    """Mark the review of one of one's units done (a record: unit, who, when); the worklist
    then says when the next is due. A unit one does not oversee is not found (404)."""
    form = ReviewDoneForm()
    raw = form.unit.data or ""
    unit_id = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 19 else None
    if not form.validate_on_submit() or unit_id not in _unit_ids():
        abort(404)
    with immediate():
        service.mark_review_done(unit_id, current_user.id)
    flash(_("The review is marked as done."))
    return redirect(url_for("leader.review", unit=request.args.get("unit") or None))


@bp.route("/plans/<int:plan_id>/ask-evaluation", methods=["POST"])
@guards.requires_plan(policy.PLAN_METADATA)
@_overseers_only
def ask_evaluation(plan):
    """Ask the stafetthaldar for an evaluation whose deadline has passed: a content-free
    reminder, at most one per plan within the notification window. The leader of the plan's
    unit (policy.may_oversee); metadata only."""
    form = ConfirmForm()
    if form.validate_on_submit():
        if not plan.evaluation_overdue:
            flash(_("The evaluation of this log is not past its deadline."))
        else:
            with immediate():
                asked = service.ask_for_evaluation(plan)
            if asked is None:
                flash(_("The log has no stafetthaldar to ask. Appoint a new one first."))
            elif asked:
                flash(_("The stafetthaldar has been asked for the evaluation."))
            else:
                flash(_("The stafetthaldar was asked a short while ago. Try again later."))
    return redirect(url_for("leader.review", _anchor="overdue"))


@bp.route("/plans/<int:plan_id>/appoint", methods=["GET", "POST"])
@guards.requires_plan(policy.PLAN_METADATA)
@_overseers_only
def appoint(plan):
    """Appoint a new stafetthaldar (routine 000 "Kontinuitet ved fråvær"): when the present
    one is deactivated, absent, or there is none. The leader of the plan's unit
    (policy.may_oversee) chooses an active employee in the plan, or an employee of the unit
    when the valid consent admits the unit's service; records the family's wish; the family is
    told by a content-free notification. Metadata only; a plain form POST."""
    holder = participants.stafetthaldar_of(plan)
    present = holder is not None and holder.person.active
    candidates = service.candidates(plan, holder)
    form = AppointForm()
    form.setup(candidates)
    if present:
        access_choices(form, _holder_unit_name(holder), yourself=False)
    else:
        del form.access  # a deactivated employee has no access to keep
    if form.validate_on_submit() and (not present or check_access(
        form, participants.consent_names_unit(plan, holder.unit_id)
    )):
        try:
            with immediate():
                service.appoint(plan, holder, int(form.new_holder.data), current_user.id,
                                keeps_access=present and form.access.data == "keep",
                                wish=form.wish.data, note=form.note.data)
        except (service.NotACandidate, participants.BatonMoved):
            return render_template(
                "leader/appoint.html", plan=plan, form=form, holder=holder, present=present,
                candidates=candidates, moved=True,
            ), 409
        flash(_("The new stafetthaldar is appointed. They and the family have been told."))
        return redirect(url_for("leader.review"))
    return render_template(
        "leader/appoint.html", plan=plan, form=form, holder=holder, present=present,
        candidates=candidates, moved=False,
    ), 422 if form.errors else 200


def _holder_unit_name(holder):
    unit = Unit.get_or_none(Unit.id == holder.unit_id) if holder.unit_id else None
    return unit.name if unit else "–"
