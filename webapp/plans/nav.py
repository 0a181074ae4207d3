"""The plan's side menu, in the routine's order (the areas named in seed routine 000)."""

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.routing import BuildError

from webapp import policy

# (endpoint, label). An area whose blueprint is not registered is left out, and so is one the
# person may not open (the policy decides, from the action the view declares).
SECTIONS = (
    ("overview.show", _l("Plan overview")),
    ("plans.show", _l("Where the plan stands")),
    ("messages.index", _l("Messages")),
    ("meetings.calendar", _l("Calendar")),
    ("goals.index", _l("Goals and activities")),
    ("timeline.index", _l("Timeline")),
    ("participants.index", _l("Participants")),
    ("consent.index", _l("Consent to the plan")),
)


def plan_sections(plan):
    sections = []
    for endpoint, label in SECTIONS:
        view = current_app.view_functions.get(endpoint)
        if view is None:
            continue
        if policy.can(current_user, view.policy_action, plan):
            sections.append((endpoint, label))
    return sections


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
    "outcome": ("meetings.calendar",),
    "invite-services": ("participants.add_participant", "participants.index"),
    "startup-meeting": ("meetings.new_meeting", "meetings.calendar"),
    "hand-over": ("participants.hand_over", "participants.index"),
    "withdraw-consent": ("consent.withdraw",),
    "archive": ("archive.index", "archive.show"),
}


def step_links(plan):
    """``{step_id: url}`` of the page where each step is done, for the plan's checklist."""
    links = {}
    for step_id, endpoints in STEP_ENDPOINTS.items():
        for endpoint in endpoints:
            view = current_app.view_functions.get(endpoint)
            if view is None or not policy.can(current_user, view.policy_action, plan):
                continue
            try:
                links[step_id] = url_for(endpoint, plan_id=plan.id)
            except BuildError:  # a page that needs more than the plan
                continue
            break
    return links
