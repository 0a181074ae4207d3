"""The timeline (SPEC §3.8): every event of the plan in order, filterable by kind, readable by
every participant with content access."""

from flask import Blueprint, make_response, render_template, request
from peewee import JOIN

from webapp import guards, policy
from webapp.extensions import htmx
from webapp.models import Person, TimelineEvent
from webapp.numbers import page_number
from webapp.timeline.labels import DETAILS, GROUPS, KINDS

PER_PAGE = 100
LAST_PAGE = 10**6  # far beyond any plan's events; a number past it is this page (empty)

bp = Blueprint("timeline", __name__, url_prefix="/plans/<int:plan_id>/timeline")


@bp.route("")
@guards.requires_plan(policy.PLAN_READ)
def index(plan):
    """The plan's events, oldest first, ``PER_PAGE`` a page (``?page=``); ``?group=`` filters
    by kind. Every participant with content access (policy.PLAN_READ). One query whatever the
    number of events (a row more than the page tells whether there is a next page)."""
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
    page = page_number(LAST_PAGE)
    events = list(query.limit(PER_PAGE + 1).offset((page - 1) * PER_PAGE).objects())
    more = len(events) > PER_PAGE
    fragment = bool(htmx) and not htmx.history_restore_request
    template = "timeline/_events.html" if fragment else "timeline/index.html"
    response = make_response(render_template(
        template, plan=plan, events=events[:PER_PAGE], group=group, groups=GROUPS,
        kinds=KINDS, details=DETAILS, page=page, more=more))
    response.vary.add("HX-Request")
    return response
