"""The timeline (SPEC §3.8): every event of the plan in order, filterable by kind, readable by
every participant with content access."""

from flask import Blueprint, make_response, render_template, request
from peewee import JOIN

from webapp import guards, policy
from webapp.extensions import htmx
from webapp.models import Person, TimelineEvent
from webapp.timeline.labels import DETAILS, GROUPS, KINDS

bp = Blueprint("timeline", __name__, url_prefix="/plans/<int:plan_id>/timeline")


@bp.route("")
@guards.requires_plan(policy.PLAN_READ)
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
    # htmx's filter gets the list only; its history restore (Back, with no history cache) swaps
    # the whole body and so needs the whole page, as does every request without htmx.
    fragment = bool(htmx) and not htmx.history_restore_request
    template = "timeline/_events.html" if fragment else "timeline/index.html"
    response = make_response(render_template(
        template, plan=plan, events=list(query.objects()), group=group, groups=GROUPS,
        kinds=KINDS, details=DETAILS))
    response.vary.add("HX-Request")
    return response
