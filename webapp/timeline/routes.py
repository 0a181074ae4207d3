"""The timeline (SPEC §3.8): every event of the plan in order, filterable by kind, readable by
every participant with content access."""

from flask import Blueprint, render_template, request
from peewee import JOIN

from webapp import policy
from webapp.models import Person, TimelineEvent
from webapp.timeline.labels import DETAILS, GROUPS, KINDS

bp = Blueprint("timeline", __name__, url_prefix="/plans/<int:plan_id>/timeline")


@bp.route("")
@policy.requires_plan(policy.PLAN_READ)
def index(plan):
    """The plan's events, oldest first; ``?group=`` filters by kind. Every participant with
    content access (policy.PLAN_READ). One query whatever the number of events."""
    group = request.args.get("group", "")
    query = (
        TimelineEvent.select(TimelineEvent, Person.name.alias("actor_name"))
        .join(Person, JOIN.LEFT_OUTER, on=(TimelineEvent.actor == Person.id))
        .where(TimelineEvent.plan == plan)
        .order_by(TimelineEvent.at, TimelineEvent.id)
    )
    if group in GROUPS:
        query = query.where(TimelineEvent.kind.in_(
            [kind for kind, (in_group, _label) in KINDS.items() if in_group == group]))
    else:
        group = ""
    template = "timeline/_events.html" if request.headers.get("HX-Request") else (
        "timeline/index.html")
    return render_template(template, plan=plan, events=list(query.objects()), group=group,
                           groups=GROUPS, kinds=KINDS, details=DETAILS)
