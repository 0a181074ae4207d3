"""The timeline's words for every kind of event (SPEC §3.8), grouped for the filter.

``tests/test_messages.py`` fails when a kind written anywhere with ``add_event`` has no label.
"""

from flask_babel import lazy_gettext as _l

GROUPS = {
    "plan": _l("The plan"),
    "consent": _l("Consent"),
    "participants": _l("Participants"),
    "goals": _l("Goals and activities"),
    "meetings": _l("Meetings and minutes"),
    "messages": _l("Messages"),
    "lysglimt": _l("Lysglimt"),
}

# kind: (group, label)
KINDS = {
    "family_informed": ("plan", _l("The family was informed and asked for consent")),
    "plan_created": ("plan", _l("The stafettlogg was created")),
    "overview_written": ("plan", _l("The plan overview was written")),
    "level_changed": ("plan", _l("The BTI level was changed")),
    "outcome_recorded": ("plan", _l("The outcome of the evaluation was recorded")),
    "plan_passive": ("plan", _l("The log was set passive")),
    "plan_closed": ("plan", _l("The log was closed")),
    "plan_archived": ("plan", _l("The log was archived")),
    "plan_reopened": ("plan", _l("The log was opened again")),
    "plan_deleted": ("plan", _l("The log was deleted")),
    "consent_created": ("consent", _l("A consent was created")),
    "consent_sent": ("consent", _l("The consent was sent for signing")),
    "consent_signed": ("consent", _l("The consent was signed")),
    "consent_valid": ("consent", _l("The consent became valid")),
    "consent_refused": ("consent", _l("Consent was refused")),
    "consent_withdrawn": ("consent", _l("The consent was withdrawn")),
    "paper_consent_recorded": ("consent", _l("A consent on paper was recorded")),
    "participant_added": ("participants", _l("A participant was added")),
    "participant_invited": ("participants", _l("A participant was invited")),
    "participant_activated": ("participants", _l("A participant logged in for the first time")),
    "participant_removed": ("participants", _l("A participant added by mistake was removed")),
    "identity_number_registered": ("participants", _l(
        "An identity number was registered for logging in with ID-porten")),
    "stafetthaldar_appointed": ("participants", _l("The stafetthaldar was appointed")),
    "baton_handed_on": ("participants", _l("The baton was handed on to a new stafetthaldar")),
    "transfer_proposed": ("plan", _l("A transfer of the log to a new unit was proposed")),
    "transfer_accepted": ("plan", _l("The log was transferred to a new unit")),
    "transfer_declined": ("plan", _l("The receiving unit declined the transfer")),
    "transfer_withdrawn": ("plan", _l("The proposed transfer was withdrawn")),
    "goal_added": ("goals", _l("A goal was added")),
    "goal_changed": ("goals", _l("A goal was changed")),
    "activity_added": ("goals", _l("An activity was added")),
    "activity_changed": ("goals", _l("An activity was changed")),
    "meeting_planned": ("meetings", _l("A meeting was planned")),
    "minutes_written": ("meetings", _l("Minutes were started")),
    "message_sent": ("messages", _l("A message was sent")),
    "lysglimt_added": ("lysglimt", _l("A lysglimt was added")),
}

# Codes that may be in an event's ``detail``, with their words; any other detail is not shown.
DETAILS = {
    "guardian": _l("Guardian"),
    "owner": _l("Plan owner"),
    "stafetthaldar": _l("Stafetthaldar"),
    "service_provider": _l("Service provider"),
    "family_wish": _l("the family's wish"),
    "leader": _l("appointed by the leader"),
    "startup": _l("Start-up meeting"),
    "evaluation": _l("Evaluation meeting"),
    "startup_level2": _l("Start-up meeting, BTI level 2"),
    "startup_level3": _l("Start-up meeting, BTI level 3"),
    "level_1": _l("BTI level %(level)s", level=1),
    "level_2": _l("BTI level %(level)s", level=2),
    "level_3": _l("BTI level %(level)s", level=3),
    "continue": _l("b) continue on the same level"),
    "other_services": _l("c) other services are needed"),
    "online": _l("online"),
    "paper": _l("on paper"),
    "goals_reached": _l("the goals are reached"),
    "no_longer_needed": _l("no longer needed"),
    "individual_plan": _l("moved to an Individual plan"),
    "consent_withdrawn": _l("the consent was withdrawn"),
    "not_starting_here": _l("The child is not starting in our unit"),
    "other_unit": _l("Another unit is the right one"),
    "needs_meeting": _l("We need a meeting with the sending unit first"),
    "other": _l("Another reason, which I will tell the sending unit"),
}
