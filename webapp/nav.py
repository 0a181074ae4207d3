"""Every plan page's navigation: the side menu in the routine's order (the areas named in seed
routine 000), and where each step of the checklist is done. Shows only what the person may open
(``guards.may``)."""

from flask import url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.routing import BuildError

from webapp import guards, policy

# (endpoint, label). An area whose blueprint is not registered is left out, and so is one the
# person may not open (the policy decides, from the action the view declares).
SECTIONS = (
    ("overview.show", _l("Plan overview")),
    ("plans.show", _l("Where the plan stands")),
    ("messages.index", _l("Messages")),
    ("lysglimt.index", _l("Lysglimt")),
    ("meetings.calendar", _l("Calendar")),
    ("goals.index", _l("Goals and activities")),
    ("timeline.index", _l("Timeline")),
    ("participants.index", _l("Participants")),
    ("consent.index", _l("Consent to the plan")),
    ("accesslog.index", _l("Who has read the log")),
    ("archive.index", _l("Closing and archiving")),
)


def plan_sections(plan):
    return [
        (endpoint, label) for endpoint, label in SECTIONS
        if policy.may_open(current_user, endpoint, plan)
    ]


# Where each routine step is done, best first: the first registered page the person may open
# wins. Steps 1.1-1.4 are done in the create-plan wizard, before the plan exists.
STEP_ENDPOINTS = {
    "add-consenters": ("participants.add_participant", "participants.index"),
    "send-consent": ("consent.index",),
    "consent-signed": ("consent.index",),
    "overview": ("overview.edit", "overview.show"),
    "minutes": ("minutes.new", "meetings.calendar"),
    "goals": ("goals.index",),
    "evaluation-meeting": ("meetings.new_meeting", "meetings.calendar"),
    "evaluation-minutes": ("minutes.new", "meetings.calendar"),
    "outcome": ("meetings.evaluation", "meetings.calendar"),
    "invite-services": ("participants.add_participant", "participants.index"),
    "startup-meeting": ("meetings.new_meeting", "meetings.status", "meetings.calendar"),
    "hand-over": ("participants.hand_over", "participants.index"),
    "transfer-unit": ("transfers.propose",),
    "withdraw-consent": ("consent.withdraw",),
    "close": ("archive.close_plan", "archive.index"),
    "archive": ("archive.archive_plan", "archive.index"),
    "delete": ("archive.delete_plan", "archive.index"),
}


def step_links(plan):
    """``{step_id: url}`` of the page where each step is done, for the plan's checklist, and
    the ids of the steps the person can take there (the first page of the step is theirs to
    use): only those get "Go to the step"."""
    links, actionable = {}, set()
    for step_id, endpoints in STEP_ENDPOINTS.items():
        for position, endpoint in enumerate(endpoints):
            if not guards.may(endpoint, plan):
                continue
            try:
                links[step_id] = url_for(endpoint, plan_id=plan.id)
            except BuildError:  # a page that needs more than the plan
                continue
            if position == 0:
                actionable.add(step_id)
            break
    return links, actionable


def register(app):
    app.jinja_env.globals.update(plan_sections=plan_sections)
