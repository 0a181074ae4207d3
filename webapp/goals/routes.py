"""Goals and activities (SPEC §3.2.3): the goal is the title (short, concrete, measurable), its
deadline the evaluation date; activities under a goal with a responsible active participant and
a place (home, kindergarten or school, a service). The stafetthaldar writes them once the consent
is valid; every participant reads them. Plain-language hints are advice, never a block."""


from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from webapp import guards, policy, routine
from webapp.audit import add_event
from webapp.concurrency import save_or_conflict
from webapp.db import immediate
from webapp.goals.forms import PLACES, ActivityForm, GoalForm
from webapp.guards import enforces
from webapp.models import Activity, Goal, Participant, Person, oslo_today
from webapp.plainlang import goal_hints

bp = Blueprint("goals", __name__, url_prefix="/plans/<int:plan_id>/goals")


@bp.context_processor
def _labels():
    return {"place_label": {choice.value: choice.label for choice in PLACES}}


def responsible_choices(plan):
    """``[(participant_id, "name (role)")]`` of the plan's active participants, after an empty
    first choice."""
    from webapp.labels import role_label

    # An empty first choice: nobody is preselected, and an activity whose responsible is no
    # longer active is not silently handed to whoever comes first in the list.
    return [SelectChoice("", _("Choose…"))] + [
        SelectChoice(p.id, f"{p.person.name} ({role_label(p.role)})")
        for p in Participant.active_in(plan)]


@bp.route("")
@guards.requires_plan(policy.PLAN_READ)
def index(plan):
    """Goals with their activities and who is responsible. Every participant with content
    access (policy.PLAN_READ); the stafetthaldar also adds and changes them."""
    return render_template(
        "goals/index.html", plan=plan, goals=Goal.with_activities(plan),
        may_edit=guards.may("goals.new_goal", plan),
        step=routine.STEPS_BY_ID["goals"], goal_hints=goal_hints,
    )


def _goal_page(plan, form, goal=None, conflict=None):
    status = 409 if conflict else 422 if form.errors else 200
    hints = goal_hints(form.title.data, form.deadline.data) if form.title.data else []
    return render_template(
        "goals/goal_form.html", plan=plan, form=form, goal=goal, conflict=conflict,
        hints=hints, step=routine.STEPS_BY_ID["goals"],
    ), status


@bp.route("/new", methods=["GET", "POST"])
@guards.requires_plan(policy.PLAN_MANAGE)
@enforces("write_goal")
def new_goal(plan):
    """Add a goal; the deadline defaults to the evaluation date. The stafetthaldar
    (policy.PLAN_MANAGE), once the consent is valid."""
    proposed = plan.next_evaluation
    if proposed is not None and proposed < oslo_today():
        proposed = None  # a passed evaluation date would be refused (GoalForm)
    form = GoalForm(data={"deadline": proposed, "version": 1})
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
@guards.requires_plan(policy.PLAN_MANAGE)
@enforces("write_goal")
def edit_goal(plan, goal_id):
    """Change a goal. The stafetthaldar (policy.PLAN_MANAGE). A save from an out-of-date
    version is refused with both texts shown (409)."""
    goal = guards.plan_child_or_404(Goal, plan, goal_id)
    form = GoalForm(obj=goal)
    form.saved_deadline = goal.deadline
    if form.validate_on_submit():
        conflict = save_or_conflict(Goal, goal, Goal.version, form, plan=plan,
                                    editor=current_user, title=form.title.data,
                                    deadline=form.deadline.data,
                                    description=form.description.data or "")
        if conflict is None:
            add_event(plan, "goal_changed", current_user.id)
            flash(_("The goal is saved."))
            return redirect(url_for("goals.index", plan_id=plan.id) + f"#goal-{goal.id}")
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
@guards.requires_plan(policy.PLAN_MANAGE)
@enforces("write_activity")
def new_activity(plan, goal_id):
    """Add an activity under a goal, with a responsible active participant and a place.
    The stafetthaldar (policy.PLAN_MANAGE), once the consent is valid."""
    goal = guards.plan_child_or_404(Goal, plan, goal_id)
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
@guards.requires_plan(policy.PLAN_MANAGE)
@enforces("write_activity")
def edit_activity(plan, goal_id, activity_id):
    """Change an activity. The stafetthaldar (policy.PLAN_MANAGE); conflicts as for goals."""
    goal = guards.plan_child_or_404(Goal, plan, goal_id)
    activity = guards.plan_child_or_404(Activity, goal, activity_id)
    form = ActivityForm(obj=activity)
    form.responsible.choices = responsible_choices(plan)
    if not form.is_submitted():
        form.responsible.data = activity.responsible_id  # the form reads a model, not its id
    if form.validate_on_submit():
        conflict = save_or_conflict(Activity, activity, Activity.version, form, plan=plan,
                                    editor=current_user,
                                    title=form.title.data, when=form.when.data or "",
                                    responsible=form.responsible.data, place=form.place.data,
                                    description=form.description.data or "")
        if conflict is None:
            add_event(plan, "activity_changed", current_user.id)
            flash(_("The activity is saved."))
            return redirect(url_for("goals.index", plan_id=plan.id) + f"#goal-{goal.id}")
        return _activity_page(plan, goal, form, activity, conflict)
    return _activity_page(plan, goal, form, activity)
