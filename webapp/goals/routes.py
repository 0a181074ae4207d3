"""Goals and activities (SPEC §3.2.3): the goal is the title (short, concrete, measurable), its
deadline the evaluation date; activities under a goal with a responsible active participant and
a place (home, kindergarten or school, a service). The stafetthaldar writes them once the consent
is valid; every participant reads them. Plain-language hints are advice, never a block."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from webapp import policy, routine
from webapp.audit import add_event
from webapp.concurrency import save_if_current
from webapp.db import immediate
from webapp.goals.forms import PLACES, ActivityForm, GoalForm, fix_date_errors
from webapp.models import Activity, Goal, Participant, Person
from webapp.plainlang import goal_hints
from webapp.plans.enforce import enforces

bp = Blueprint("goals", __name__, url_prefix="/plans/<int:plan_id>/goals")


@bp.context_processor
def _labels():
    return {"place_label": {choice.value: choice.label for choice in PLACES}}


def goals_with_activities(plan):
    """The plan's goals, each with ``.activity_list`` (responsible person's name included):
    two queries whatever the number of goals."""
    goals = list(Goal.select().where(Goal.plan == plan).order_by(Goal.position, Goal.id))
    by_goal = {goal.id: goal for goal in goals}
    for goal in goals:
        goal.activity_list = []
    if goals:
        activities = (
            Activity.select(Activity, Participant, Person)
            .join(Participant, on=(Activity.responsible == Participant.id))
            .join(Person, on=(Participant.person == Person.id))
            .where(Activity.goal.in_(list(by_goal)))
            .order_by(Activity.id)
        )
        for activity in activities:
            by_goal[activity.goal_id].activity_list.append(activity)
    return goals


def _goal_or_404(plan, goal_id):
    goal = Goal.get_or_none((Goal.id == goal_id) & (Goal.plan == plan))
    if goal is None:
        abort(404)
    return goal


def _activity_or_404(goal, activity_id):
    activity = Activity.get_or_none((Activity.id == activity_id) & (Activity.goal == goal))
    if activity is None:
        abort(404)
    return activity


def responsible_choices(plan):
    """``[(participant_id, "name (role)")]`` of the plan's active participants, after an empty
    first choice."""
    from webapp.labels import role_label

    rows = (
        Participant.select(Participant.id, Participant.role, Person.name)
        .join(Person, on=(Participant.person == Person.id))
        .where((Participant.plan == plan) & (Participant.status == Participant.ACTIVE))
        .order_by(Person.name, Participant.id)
        .tuples()
    )
    # An empty first choice: nobody is preselected, and an activity whose responsible is no
    # longer active is not silently handed to whoever comes first in the list.
    return [SelectChoice("", _("Choose…"))] + [
        SelectChoice(pid, f"{name} ({role_label(role)})") for pid, role, name in rows]


@bp.route("")
@policy.requires_plan(policy.PLAN_READ)
def index(plan):
    """Goals with their activities and who is responsible. Every participant with content
    access (policy.PLAN_READ); the stafetthaldar also adds and changes them."""
    return render_template(
        "goals/index.html", plan=plan, goals=goals_with_activities(plan),
        may_edit=policy.can(current_user, policy.PLAN_MANAGE, plan),
        step=routine.STEPS_BY_ID["goals"], goal_hints=goal_hints,
    )


def _goal_page(plan, form, goal=None, conflict=None):
    fix_date_errors(form, "deadline")
    status = 409 if conflict else 422 if form.errors else 200
    hints = goal_hints(form.title.data, form.deadline.data) if form.title.data else []
    return render_template(
        "goals/goal_form.html", plan=plan, form=form, goal=goal, conflict=conflict,
        hints=hints, step=routine.STEPS_BY_ID["goals"],
    ), status


@bp.route("/new", methods=["GET", "POST"])
@policy.requires_plan(policy.PLAN_MANAGE)
@enforces("write_goal")
def new_goal(plan):
    """Add a goal; the deadline defaults to the evaluation date. The stafetthaldar
    (policy.PLAN_MANAGE), once the consent is valid."""
    form = GoalForm(data={"deadline": plan.next_evaluation, "version": 1})
    if form.validate_on_submit():
        with immediate():
            position = Goal.select().where(Goal.plan == plan).count()
            goal = Goal.create(plan=plan, title=form.title.data, deadline=form.deadline.data,
                               description=form.description.data or "", position=position,
                               created_by=current_user.id)
            add_event(plan, "goal_added", current_user.id)
        flash(_("The goal is saved."))
        for hint in goal_hints(goal.title, goal.deadline):
            flash(hint)
        return redirect(url_for("goals.index", plan_id=plan.id) + f"#goal-{goal.id}")
    return _goal_page(plan, form)


@bp.route("/<int:goal_id>/edit", methods=["GET", "POST"])
@policy.requires_plan(policy.PLAN_MANAGE)
@enforces("write_goal")
def edit_goal(plan, goal_id):
    """Change a goal. The stafetthaldar (policy.PLAN_MANAGE). A save from an out-of-date
    version is refused with both texts shown (409)."""
    goal = _goal_or_404(plan, goal_id)
    form = GoalForm(obj=goal)
    if form.validate_on_submit():
        if save_if_current(Goal, goal.id, Goal.version, int(form.version.data or 0),
                           title=form.title.data, deadline=form.deadline.data,
                           description=form.description.data or ""):
            add_event(plan, "goal_changed", current_user.id)
            flash(_("The goal is saved."))
            return redirect(url_for("goals.index", plan_id=plan.id) + f"#goal-{goal.id}")
        conflict = Goal.get_by_id(goal.id)
        form.version.data = conflict.version
        return _goal_page(plan, form, goal, conflict)
    return _goal_page(plan, form, goal)


def _activity_page(plan, goal, form, activity=None, conflict=None):
    status = 409 if conflict else 422 if form.errors else 200
    former = None  # the responsible, when no longer an active participant
    if activity is not None and activity.responsible_id is not None and (
            activity.responsible_id not in {choice.value for choice in form.responsible.choices}):
        former = Person.get_by_id(activity.responsible.person_id).name
    return render_template(
        "goals/activity_form.html", plan=plan, goal=goal, form=form, activity=activity,
        conflict=conflict, former_responsible=former,
    ), status


@bp.route("/<int:goal_id>/activities/new", methods=["GET", "POST"])
@policy.requires_plan(policy.PLAN_MANAGE)
@enforces("write_activity")
def new_activity(plan, goal_id):
    """Add an activity under a goal, with a responsible active participant and a place.
    The stafetthaldar (policy.PLAN_MANAGE), once the consent is valid."""
    goal = _goal_or_404(plan, goal_id)
    form = ActivityForm()
    form.responsible.choices = responsible_choices(plan)
    if form.validate_on_submit():
        Activity.create(goal=goal, title=form.title.data, when=form.when.data or "",
                        responsible=form.responsible.data, place=form.place.data,
                        description=form.description.data or "")
        add_event(plan, "activity_added", current_user.id)
        flash(_("The activity is saved."))
        return redirect(url_for("goals.index", plan_id=plan.id) + f"#goal-{goal.id}")
    return _activity_page(plan, goal, form)


@bp.route("/<int:goal_id>/activities/<int:activity_id>/edit", methods=["GET", "POST"])
@policy.requires_plan(policy.PLAN_MANAGE)
@enforces("write_activity")
def edit_activity(plan, goal_id, activity_id):
    """Change an activity. The stafetthaldar (policy.PLAN_MANAGE); conflicts as for goals."""
    goal = _goal_or_404(plan, goal_id)
    activity = _activity_or_404(goal, activity_id)
    form = ActivityForm(obj=activity)
    form.responsible.choices = responsible_choices(plan)
    if not form.is_submitted():
        form.responsible.data = activity.responsible_id  # the form reads a model, not its id
    if form.validate_on_submit():
        if save_if_current(Activity, activity.id, Activity.version, int(form.version.data or 0),
                           title=form.title.data, when=form.when.data or "",
                           responsible=form.responsible.data, place=form.place.data,
                           description=form.description.data or ""):
            add_event(plan, "activity_changed", current_user.id)
            flash(_("The activity is saved."))
            return redirect(url_for("goals.index", plan_id=plan.id) + f"#goal-{goal.id}")
        conflict = Activity.get_by_id(activity.id)
        form.version.data = conflict.version
        return _activity_page(plan, goal, form, activity, conflict)
    return _activity_page(plan, goal, form, activity)
