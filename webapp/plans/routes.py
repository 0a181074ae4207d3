"""The plan page: the plan's metadata and the routine's checklist (SPEC §3)."""

from flask import Blueprint, render_template

from webapp import policy, routine
from webapp.models import facts_for, stafetthaldar_names

bp = Blueprint("plans", __name__, url_prefix="/plans")


@bp.route("/<int:plan_id>")
@policy.requires_plan(policy.PLAN_METADATA)
def show(plan):
    """The plan's metadata and checklist. Participants and the unit's leaders may open it;
    the content of the log is on the pages the checklist links to."""
    facts = facts_for(plan)
    return render_template(
        "plans/show.html",
        plan=plan,
        stafetthaldar=stafetthaldar_names([plan]).get(plan.id),
        checklist=routine.checklist(facts),
        phase_titles=routine.PHASE_TITLES,
    )
