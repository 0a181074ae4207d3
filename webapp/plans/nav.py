"""The plan's side menu, in the routine's order (the areas named in seed routine 000)."""

from flask import current_app
from flask_babel import lazy_gettext as _l

# (endpoint, label). An area whose blueprint is not registered is left out.
SECTIONS = (
    ("plans.show", _l("Plan overview")),
    ("messages.index", _l("Messages")),
    ("meetings.calendar", _l("Calendar")),
    ("goals.index", _l("Goals and activities")),
    ("plans.timeline", _l("Timeline")),
    ("plans.participants", _l("Participants")),
    ("consent.index", _l("Consent to the plan")),
)


def plan_sections():
    return [(ep, label) for ep, label in SECTIONS if ep in current_app.view_functions]
