"""The evaluation meeting and the start-up meeting on level 2 or 3 (SPEC §3.3, §3.5).

The evaluation page starts from the previous minutes and the current goals and activities,
leads to the evaluation minutes, and records the outcome: exactly one of a) goals reached, b)
continue on the same level with a new evaluation date, c) other services needed; each leads on
to the routine's next step. The status page tells the newcomers of a start-up meeting what has
been done so far.
"""

import peewee
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp import guards, nav, policy, routine
from webapp.db import immediate
from webapp.facts import facts_for
from webapp.goals.forms import PLACES
from webapp.guards import enforces
from webapp.meetings import service
from webapp.meetings.forms import OUTCOME_CHOICES, OutcomeForm
from webapp.meetings.routes import bp
from webapp.models import Activity, Goal, Meeting, Message, Person, Unit

# The places of activities, in the order the routine names them (SPEC §3.5).
PLACE_ORDER = Activity.PLACES
OUTCOME_LABELS = {choice.value: choice.label for choice in OUTCOME_CHOICES}


def latest_evaluation(plan):
    """The plan's latest evaluation meeting (the one the routine's steps 3.1-3.2 are about),
    with who recorded its outcome, or ``None``."""
    return (
        Meeting.select(Meeting, Person)
        .join(Person, on=(Meeting.outcome_by == Person.id), join_type=peewee.JOIN.LEFT_OUTER)
        .where((Meeting.plan == plan) & (Meeting.kind == "evaluation"))
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
        .first()
    )


def _minutes_of(plan):
    """Every minutes of the plan, newest first, with its meeting (one query)."""
    return list(
        Message.select(Message, Meeting)
        .join(Meeting, on=(Message.meeting == Meeting.id))
        .where((Message.plan == plan) & (Message.kind == Message.MINUTES))
        .order_by(Meeting.starts_at.desc(), Message.id.desc())
    )


def _evaluation_page(plan, form, status=200):
    meeting = latest_evaluation(plan)
    minutes = _minutes_of(plan)
    facts = facts_for(plan)
    blocked = routine.blocker("record_outcome", facts)
    links = {
        "new_meeting": guards.may("meetings.new_meeting", plan)
        and url_for("meetings.new_meeting", plan_id=plan.id),
        "consent": url_for("consent.edit_signers" if guards.may("consent.edit_signers", plan)
                           else "consent.index", plan_id=plan.id),
        # Closing and archiving are the archive area's pages, where they exist (SPEC §3.7).
        "archive": nav.step_links(plan)[0].get("archive"),
    }
    return render_template(
        "meetings/evaluation.html", plan=plan, meeting=meeting, form=form, links=links,
        outcome_labels=OUTCOME_LABELS,
        previous=next((m for m in minutes if meeting is None or m.meeting_id != meeting.id),
                      None),
        own_minutes=[m for m in minutes if meeting is not None and m.meeting_id == meeting.id],
        goals=Goal.with_activities(plan),
        blocked=None if blocked is None else blocked.reason,
        step=routine.STEPS_BY_ID["outcome"],
        may_write=meeting is not None and policy.may_write_minutes(current_user, plan, meeting),
    ), status


@bp.route("/plans/<int:plan_id>/evaluation")
@guards.requires_plan(policy.PLAN_MANAGE)
def evaluation(plan):
    """The evaluation meeting in one page (SPEC §3.3): the previous minutes, the goals and
    activities with who is responsible and the deadline, the evaluation minutes, and the
    outcome — the form while it can be recorded, what it was and what comes next once it is.
    The stafetthaldar (policy.PLAN_MANAGE)."""
    return _evaluation_page(plan, OutcomeForm(formdata=None))


@bp.route("/plans/<int:plan_id>/evaluation/outcome", methods=["POST"])
@guards.requires_plan(policy.PLAN_MANAGE)
@enforces("record_outcome")
def record_outcome(plan):
    """Record the outcome of the latest evaluation meeting, once (routine step 3.2: its minutes
    are written, the log is open on a valid consent). b needs a new evaluation date, today or
    later. The stafetthaldar (policy.PLAN_MANAGE); a second outcome is refused (409)."""
    form = OutcomeForm()
    if not form.validate_on_submit():
        written = "".join(form.new_evaluation.raw_data or []).strip()
        if written and form.new_evaluation.process_errors:  # not a date the form could read
            form.new_evaluation.errors[:] = [_("Write the date as day, month and year, for "
                                               "example 24.03.2027.")]
        return _evaluation_page(plan, form, 422)
    meeting = latest_evaluation(plan)
    outcome = form.outcome.data
    try:
        with immediate():
            service.record_outcome(
                plan, meeting, outcome, current_user.id,
                new_evaluation=form.new_evaluation.data if outcome == service.CONTINUE else None,
            )
    except service.OutcomeRecorded:
        return render_template(
            "plans/blocked.html", plan=plan, step=routine.STEPS_BY_ID["outcome"],
            reason=_("The outcome of this evaluation is recorded already."),
        ), 409
    flash(_("The outcome of the evaluation is recorded."))
    return redirect(url_for("meetings.evaluation", plan_id=plan.id))


def activities_by_place(goals):
    """``[(place, [(heading, [(goal, activity)])])]``: the plan's activities at home, in the
    kindergarten or school, and in each service (by the responsible person's unit), in the
    routine's order (SPEC §3.5). One query for the units, whatever the number of activities."""
    unit_ids = {a.responsible.unit_id for g in goals for a in g.activity_list
                if a.place == "service" and a.responsible.unit_id}
    units = dict(Unit.select(Unit.id, Unit.name).where(Unit.id.in_(list(unit_ids))).tuples())
    grouped = {place: {} for place in PLACE_ORDER}
    for goal in goals:
        for activity in goal.activity_list:
            place = activity.place if activity.place in grouped else "home"
            heading = units.get(activity.responsible.unit_id) if place == "service" else None
            grouped[place].setdefault(heading, []).append((goal, activity))
    return [(place, sorted(groups.items(), key=lambda item: item[0] or ""))
            for place, groups in grouped.items()]


@bp.route("/plans/<int:plan_id>/status")
@guards.requires_plan(policy.PLAN_READ)
def status(plan):
    """Status for the newcomers of a start-up meeting on level 2 or 3 (SPEC §3.5): the earlier
    minutes, the goals, and the activities at home, in the kindergarten or school and in each
    service; the start-up meeting's minutes from the level's template. Everyone who may read
    the plan (policy.PLAN_READ)."""
    goals = Goal.with_activities(plan)
    startup = (
        Meeting.select()
        .where((Meeting.plan == plan) & Meeting.kind.in_(("startup_level2", "startup_level3")))
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
        .first()
    )
    return render_template(
        "meetings/status.html", plan=plan, minutes=_minutes_of(plan), goals=goals,
        places=activities_by_place(goals), startup=startup,
        place_labels={choice.value: choice.label for choice in PLACES},
        step=routine.STEPS_BY_ID["startup-meeting"],
        may_write=startup is not None and policy.may_write_minutes(current_user, plan, startup),
        may_plan=guards.may("meetings.new_meeting", plan),
    )
