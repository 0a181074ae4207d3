"""The plan's side menu, in the routine's order (the areas named in seed routine 000)."""

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_login import current_user

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
