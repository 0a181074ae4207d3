"""The BTI routine as data: its steps, their order and their preconditions (SPEC §3).

This module is the one place that knows the routine. The wizard, the plan's checklist and the
server-side enforcement all read from it. It is pure: it reads a ``PlanFacts`` snapshot (built
from the database by ``webapp.facts.facts_for``) and never touches the database itself, so its
rules can be tested on plans that exist only in memory.

Each ``Step`` carries the routine's own numbering, a title, the routine's guidance for the step
(shown on the step's page so the routine document and the tool cannot drift apart), when it is
done, and its ``requires``: a list of ``Requirement``s, each a predicate with the sentence that
tells the user why the step is blocked and what unblocks it.
"""

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

# Phases follow the headings of the seed routine 000.
CREATE = "create"  # SPEC §3.1, BTI level 1 step 1
FILL = "fill"  # SPEC §3.2, BTI level 1 step 2
EVALUATE = "evaluate"  # SPEC §3.3
INVITE = "invite"  # SPEC §3.4
STARTUP = "startup"  # SPEC §3.5, levels 2 and 3
HANDOVER = "handover"  # SPEC §3.6
CLOSE = "close"  # SPEC §3.7

PHASES = (CREATE, FILL, EVALUATE, INVITE, STARTUP, HANDOVER, CLOSE)

PHASE_TITLES = {
    CREATE: _l("Create the log and obtain consent"),
    FILL: _l("Fill in the log"),
    EVALUATE: _l("Evaluation meeting"),
    INVITE: _l("Invite new participants"),
    STARTUP: _l("Start-up meeting, levels 2 and 3"),
    HANDOVER: _l("Change of stafetthaldar and transitions"),
    CLOSE: _l("Closing, withdrawal and archiving"),
}


# The age from which the youth consents and logs in: 15 in the seed routines; a municipality may
# choose 16, as in health law (SPEC §3.1.5, ``Municipality.youth_consent_age``).
CONSENT_AGE = 15


@dataclass(frozen=True)
class PlanFacts:
    """What the routine needs to know about one plan; ``None`` for a plan not yet created."""

    exists: bool = False
    status: str = "draft"
    bti_level: int = 1
    family_informed: bool = False
    owner_age: int | None = None
    owner_is_pregnant: bool = False
    consent_age: int = CONSENT_AGE  # the municipality's youth_consent_age
    owner_logs_in: bool = False
    owner_has_contact: bool = False
    owner_added: bool = False  # the plan owner is a participant (invited or active)
    consenters: int = 0  # guardians (or the youth from the consent age) added
    consenters_active: int = 0
    consent_sent: bool = False
    consent_ever_sent: bool = False  # some version has gone out for signing, whatever became of it
    consent_valid: bool = False
    consent_withdrawn: bool = False
    consent_names_services: bool = False  # the valid consent admits at least one service
    overview_written: bool = False
    minutes: int = 0
    goals: int = 0
    activities: int = 0
    evaluation_planned: bool = False
    # The latest evaluation meeting: its start time has passed, and minutes of it exist.
    evaluation_held: bool = False
    evaluation_minutes: bool = False
    outcome: str | None = None
    service_providers_active: int = 0
    startup_minutes: bool = False
    archived: bool = False
    transfer_waiting: bool = False  # a transfer to a new unit waits for the receiving leader


@dataclass(frozen=True)
class Requirement:
    """A precondition: ``check(facts)`` must hold; ``unblock`` says why not and what to do."""

    id: str
    check: object
    unblock: object


@dataclass(frozen=True)
class Step:
    id: str
    number: str  # the routine's own numbering, e.g. "1.5"
    # ``done`` reuses a requirement's ``check`` where the step is done when a later step's
    # requirement is met (send-consent is done when CONSENT_SENT holds).
    phase: str
    title: object
    guidance: object
    done: object = None  # predicate over PlanFacts, or None for steps that are never "done"
    requires: tuple = field(default_factory=tuple)
    levels: tuple = (1, 2, 3)


# --- Requirements --------------------------------------------------------------------------

PLAN_EXISTS = Requirement(
    "plan_exists",
    lambda f: f.exists,
    _l("Create the plan first: fill in the plan owner's identity number and name."),
)
FAMILY_INFORMED = Requirement(
    "family_informed",
    lambda f: f.family_informed,
    _l("Inform the family about the stafettlogg and ask for consent before you create it."),
)
OWNER_IDENTIFIED = Requirement(
    "owner_identified",
    lambda f: f.exists or f.owner_age is not None,
    _l("Fill in the plan owner's identity number and name."),
)


def owner_consents(f):
    """The plan owner consents (and so logs in) from the consent age, or as a pregnant person;
    below it the guardians consent (SPEC §3.1.4)."""
    return f.owner_is_pregnant or (f.owner_age is not None and f.owner_age >= f.consent_age)


OWNER_LOGIN_BY_AGE = Requirement(
    "owner_login_by_age",
    lambda f: f.owner_age is None or f.owner_logs_in == owner_consents(f),
    _l(
        "The plan owner logs in from the consent age (15 in the routine), or as a pregnant "
        "person; children under that age do not log in. Change the answer to “Will the plan "
        "owner log in?”."
    ),
)
OWNER_CONTACT = Requirement(
    "owner_contact",
    lambda f: not f.owner_logs_in or f.owner_has_contact,
    _l("A plan owner who logs in needs a mobile number or an e-mail address."),
)
OWNER_CONSENTS = Requirement(
    "owner_consents",
    owner_consents,
    _l(
        "The plan owner takes part and consents from the consent age (15 in the routine) or as "
        "a pregnant person; for a younger child the guardians consent."
    ),
)
OWNER_NOT_ADDED = Requirement(
    "owner_not_added",
    lambda f: not f.owner_added,
    _l(
        "The plan already has its plan owner as a participant. To correct the contact "
        "details, remove the plan owner before consent is sent and add them again."
    ),
)
CONSENT_NOT_YET_SENT = Requirement(
    "consent_not_yet_sent",
    lambda f: not f.consent_ever_sent,
    _l(
        "A participant can be removed only before the consent is first sent for signing; "
        "after that the consent and its signatures name them."
    ),
)
CONSENTERS_ADDED = Requirement(
    "consenters_added",
    lambda f: f.consenters > 0,
    _l("Add the guardians (or the youth from the consent age) who must consent to the plan."),
)
CONSENTERS_ACTIVE = Requirement(
    "consenters_active",
    lambda f: f.consenters > 0 and f.consenters_active == f.consenters,
    _l(
        "Everyone who must consent has to log in once before the consent can be sent. "
        "Ask them to follow the instructions in the e-mail or text message."
    ),
)
CONSENT_SENT = Requirement(
    "consent_sent",
    lambda f: f.consent_sent or f.consent_valid,
    _l("Create the consent and send it for signing."),
)
CONSENT_VALID = Requirement(
    "consent_valid",
    lambda f: f.consent_valid,
    _l(
        "Consent must be signed by everyone who is asked to sign before you can fill in the "
        "plan. The checklist shows who has not signed yet."
    ),
)
CONSENT_TO_WITHDRAW = Requirement(
    "consent_to_withdraw",
    lambda f: f.consent_valid,
    _l("There is no valid consent to withdraw."),
)
CONSENT_VALID_TO_INVITE = Requirement(
    "consent_valid_to_invite",
    lambda f: f.consent_valid,
    _l(
        "Services can be invited only when the consent is valid: everyone who is asked to sign "
        "has signed it. The checklist shows who has not signed yet."
    ),
)
SERVICES_CONSENTED = Requirement(
    "services_consented",
    lambda f: f.consent_names_services,
    _l(
        "The consent must be updated to name the service before new participants can be "
        "invited. Update the consent and have it signed again."
    ),
)
EVALUATION_PLANNED = Requirement(
    "evaluation_planned",
    lambda f: f.evaluation_planned,
    _l("Plan the evaluation meeting first: set a date and invite the participants."),
)
EVALUATION_MINUTES = Requirement(
    "evaluation_minutes",
    lambda f: f.evaluation_held and f.evaluation_minutes,
    _l("Write the minutes of the evaluation meeting before you record its outcome."),
)
LEVEL_2_OR_3 = Requirement(
    "level_2_or_3",
    lambda f: f.bti_level >= 2,
    _l(
        "A start-up meeting on level 2 or 3 comes after an evaluation that calls in other "
        "services."
    ),
)
SERVICES_ACTIVE = Requirement(
    "services_active",
    lambda f: f.service_providers_active > 0,
    _l("Invite the new services; they must log in once before the start-up meeting."),
)
SOMEONE_TO_HAND_TO = Requirement(
    "someone_to_hand_to",
    lambda f: f.service_providers_active > 0,
    _l(
        "The baton goes to another employee in the plan. Invite an employee of a service the "
        "consent names first; they can take over once they have logged in."
    ),
)
NO_TRANSFER_WAITING = Requirement(
    "no_transfer_waiting",
    lambda f: not f.transfer_waiting,
    _l(
        "A transfer of this log to a new unit is already waiting for an answer from the "
        "receiving leader."
    ),
)
NOT_ARCHIVED = Requirement(
    "not_archived",
    lambda f: not f.archived,
    _l("The plan is archived and can no longer be changed."),
)
NOT_CLOSED = Requirement(
    "not_closed",
    lambda f: f.status != "closed",
    _l("The log is closed: nothing new can be written in it."),
)
NOT_PASSIVE = Requirement(
    "not_passive",
    lambda f: f.status != "passive",
    _l(
        "The log is passive because the consent was withdrawn or the work has ended: nothing "
        "new can be written in it. It is opened again when a new consent is signed."
    ),
)
CLOSED_OR_PASSIVE = Requirement(
    "closed_or_passive",
    lambda f: f.status in ("passive", "closed"),
    _l("Close the log or set it passive before you archive it."),
)
NOT_CLOSED_YET = Requirement(
    "not_closed_yet",
    lambda f: f.status not in ("closed", "archived"),
    _l("The log is already closed. Open it again first if the work shall go on."),
)
CLOSED_TO_REOPEN = Requirement(
    "closed_to_reopen",
    lambda f: f.status in ("passive", "closed"),
    _l("Only a passive or closed log can be opened again."),
)
CONSENT_VALID_TO_REOPEN = Requirement(
    "consent_valid_to_reopen",
    lambda f: f.consent_valid,
    _l(
        "The log can be opened again only when a consent holds. The consent was withdrawn: "
        "ask the guardians, or the youth from 15, to sign a new consent."
    ),
)
ARCHIVED = Requirement(
    "archived",
    lambda f: f.archived,
    _l("A plan can be deleted only after it has been archived."),
)

# Writing anything new in the log needs an open plan on a valid consent (SPEC §3.2.0, §3.7); the
# first of these not met is the reason given, so a closed or passive plan is not told to wait
# for a consent it already had.
WRITABLE = (NOT_ARCHIVED, NOT_CLOSED, NOT_PASSIVE, CONSENT_VALID)

# --- The steps, in the routine's order -----------------------------------------------------

STEPS = (
    # SPEC §3.1 — Create the log and obtain consent (BTI level 1, step 1)
    Step(
        "account", "1.0", CREATE,
        _l("An account and a stafetthaldar"),
        _l(
            "You need an account to create a stafettlogg; if you do not have one, ask your "
            "leader. Where the municipality's routine says so, the employee who discovers the "
            "need tells the leader, and the leader appoints the stafetthaldar (the family may "
            "wish for one) before the log is created together with the guardians."
        ),
        done=PLAN_EXISTS.check,
    ),
    Step(
        "inform-family", "1.1", CREATE,
        _l("Inform the family and ask for consent"),
        _l(
            "Inform about the stafettlogg and ask the pregnant person, the guardians or the "
            "youth from 15 for consent to create a stafettlogg. Tell them that consent is "
            "given electronically. You can print the information letter."
        ),
        done=FAMILY_INFORMED.check,
    ),
    Step(
        "create-plan", "1.2", CREATE,
        _l("Create a new stafettlogg"),
        _l(
            "Create a new plan of the type stafettlogg. A stafettlogg has no short name "
            "and no template."
        ),
        done=PLAN_EXISTS.check,
        # The final "create" re-checks every answer of the wizard (SPEC §3.1.1-4).
        requires=(FAMILY_INFORMED, OWNER_IDENTIFIED, OWNER_LOGIN_BY_AGE, OWNER_CONTACT),
    ),
    Step(
        "plan-owner", "1.3", CREATE,
        _l("The plan owner's identity number and name"),
        _l(
            "Write the national identity number and the name of the person the stafettlogg "
            "is for. A pregnant person can be the plan owner."
        ),
        done=PLAN_EXISTS.check,
        requires=(FAMILY_INFORMED,),
    ),
    Step(
        "owner-login", "1.4", CREATE,
        _l("Will the plan owner log in?"),
        _l(
            "No for children and youth under 15. Yes from 15: then you must also give the "
            "plan owner's mobile number or e-mail address."
        ),
        done=lambda f: f.exists and (not f.owner_logs_in or f.owner_has_contact),
        requires=(FAMILY_INFORMED, OWNER_IDENTIFIED),
    ),
    Step(
        "add-consenters", "1.5", CREATE,
        _l("Add the participants who must consent"),
        _l(
            "Before consent is obtained you can only add those who must consent to the plan "
            "(guardians, or the youth from 15). Give their e-mail or mobile number and ask "
            "them to log in by following the instructions in the e-mail or text message. "
            "Their role then becomes active and you can send the consent."
        ),
        done=CONSENTERS_ACTIVE.check,
        requires=(PLAN_EXISTS,),
    ),
    Step(
        "send-consent", "1.5", CREATE,
        _l("Create the consent and send it for signing"),
        _l(
            "Choose who shall sign. Where the parents share parental responsibility, both "
            "sign. Use the template “Consent to create a stafettlogg” and adjust the text to "
            "whether the plan owner or the guardians sign. Name the other participants and "
            "services, then send the consent for signing."
        ),
        done=CONSENT_SENT.check,
        requires=(PLAN_EXISTS, CONSENTERS_ADDED, CONSENTERS_ACTIVE),
    ),
    Step(
        "consent-signed", "1.5", CREATE,
        _l("Consent signed"),
        _l("When the consent is signed you can start filling in the plan."),
        done=CONSENT_VALID.check,
        requires=(PLAN_EXISTS, CONSENT_SENT),
    ),
    # SPEC §3.2 — Fill in the log (BTI level 1, step 2)
    Step(
        "overview", "2.1", FILL,
        _l("Plan overview"),
        _l(
            "Agree on a short description of the child or youth: age, kindergarten or "
            "school, interests and challenge. For example: “Per is 4 years old and goes to "
            "Snøtoppen kindergarten. He loves dinosaurs and likes to play outside. He has "
            "challenges with language, which affects how he thrives in the kindergarten.”"
        ),
        done=lambda f: f.overview_written,
        requires=WRITABLE,
    ),
    Step(
        "minutes", "2.2", FILL,
        _l("Minutes of the meeting"),
        _l(
            "Choose the minutes template that fits the BTI level and refer to the BTI level "
            "in the title. Agree on a shared understanding of the challenge and the main "
            "goal. Record the child's own view, adapted to situation, age and maturity."
        ),
        done=lambda f: f.minutes > 0,
        requires=WRITABLE,
    ),
    Step(
        "goals", "2.3", FILL,
        _l("Goals and activities"),
        _l(
            "The title is the goal itself: short, concrete and measurable. The deadline is "
            "the date of the evaluation meeting. A goal can have several activities; plan "
            "activities both at home and in the kindergarten or school."
        ),
        done=lambda f: f.goals > 0 and f.activities > 0,
        requires=WRITABLE,
    ),
    Step(
        "evaluation-meeting", "2.4", FILL,
        _l("Plan the evaluation meeting"),
        _l(
            "Agree on the evaluation meeting, send the invitation through messages and put "
            "it in the calendar. A calendar file for employees says only “Stafettlogg”: "
            "avoid personal data there."
        ),
        done=EVALUATION_PLANNED.check,
        requires=WRITABLE,
    ),
    # SPEC §3.3 — Evaluation meeting, levels 1-3
    Step(
        "evaluation-minutes", "3.1", EVALUATE,
        _l("Minutes of the evaluation meeting"),
        _l(
            "Start from the minutes of the last meeting and the goals and activities. Write "
            "the evaluation minutes from the template, with the BTI level in the title and "
            "the child's own view."
        ),
        # Done when the meeting has taken place and has minutes (minutes started ahead of a
        # meeting two months away are not an evaluation), or once its outcome is recorded.
        done=lambda f: (f.evaluation_held and f.evaluation_minutes) or f.outcome is not None,
        requires=(*WRITABLE, EVALUATION_PLANNED),
    ),
    Step(
        "outcome", "3.2", EVALUATE,
        _l("Outcome of the evaluation"),
        _l(
            "a) The goals are reached: close the work, set the log passive and archive it. "
            "b) Progress, continue on the same level: update activities and goals and set a "
            "new evaluation date. c) No effect, other services are needed: invite them, "
            "update the consent, and hold a start-up meeting on level 2 or 3."
        ),
        done=lambda f: f.outcome is not None,
        requires=(*WRITABLE, EVALUATION_MINUTES),
    ),
    # SPEC §3.4 — Invite new participants
    Step(
        "invite-services", "4", INVITE,
        _l("Invite new participants"),
        _l(
            "Before you invite new participants, the consent must be updated to name the "
            "service or person. They get an e-mail or text message; their role becomes "
            "active when they log in, and then they can receive messages and be responsible "
            "for activities."
        ),
        done=lambda f: f.service_providers_active > 0,
        requires=(NOT_ARCHIVED, NOT_CLOSED, NOT_PASSIVE, CONSENT_VALID_TO_INVITE,
                  SERVICES_CONSENTED),
    ),
    # SPEC §3.5 — Start-up meeting, levels 2 and 3
    Step(
        "startup-meeting", "5", STARTUP,
        _l("Start-up meeting"),
        _l(
            "Tell the new participants about the challenge and what has been done, with the "
            "earlier minutes and goals. Write minutes from the level's template, update the "
            "activities at home, in the kindergarten or school and in each service, and plan "
            "the evaluation meeting."
        ),
        done=lambda f: f.startup_minutes,
        requires=(*WRITABLE, LEVEL_2_OR_3, SERVICES_ACTIVE),
        levels=(2, 3),
    ),
    # SPEC §3.6 — Change of stafetthaldar
    Step(
        "hand-over", "6", HANDOVER,
        _l("Hand the baton on"),
        _l(
            "Give the role of stafetthaldar to another participant, for example at a "
            "transition. The family's wish weighs. If no one is agreed, the unit leader is "
            "responsible."
        ),
        requires=WRITABLE,
    ),
    Step(
        "transfer-unit", "6", HANDOVER,
        _l("Transfer the log to a new unit"),
        _l(
            "At a transition, for example from kindergarten to school, the leader informs the "
            "new unit, and the new unit's leader accepts the log. The log then continues there "
            "with a stafetthaldar of the new unit."
        ),
        requires=WRITABLE,
    ),
    # SPEC §3.7 — Closing, withdrawal, archiving, deletion
    Step(
        "withdraw-consent", "7", CLOSE,
        _l("Withdrawal of consent"),
        _l(
            "The guardians, or the youth from 15, may withdraw the consent at any time "
            "without giving a reason. The log becomes passive at once and the services lose "
            "access. It can be opened again when a new consent is signed."
        ),
        requires=(CONSENT_TO_WITHDRAW,),
    ),
    Step(
        "close", "7", CLOSE,
        _l("Close the log"),
        _l(
            "Close the log when it is no longer needed, or when the child moves to an "
            "Individual plan."
        ),
        done=lambda f: f.status in ("passive", "closed", "archived"),
        requires=(PLAN_EXISTS, NOT_ARCHIVED),
    ),
    Step(
        "archive", "7", CLOSE,
        _l("Archive the plan"),
        _l(
            "Save the plan as PDF and upload it to the archive system. Do not delete the plan "
            "until it is archived."
        ),
        done=ARCHIVED.check,
        requires=(PLAN_EXISTS, NOT_ARCHIVED, CLOSED_OR_PASSIVE),
    ),
    Step(
        "delete", "7", CLOSE,
        _l("Delete the plan"),
        _l(
            "A plan can be deleted only after it has been archived. Everything in a "
            "stafettlogg is exempt from public disclosure."
        ),
        requires=(PLAN_EXISTS, ARCHIVED),
    ),
)

STEPS_BY_ID = {step.id: step for step in STEPS}

# The step whose guidance the minutes pages show, by the meeting's kind (SPEC §3.2.2, §3.3.1,
# §3.5); minutes not yet tied to a meeting are step 2.2's.
MINUTES_STEP = {
    "startup": "minutes",
    "evaluation": "evaluation-minutes",
    "startup_level2": "startup-meeting",
    "startup_level3": "startup-meeting",
}


def minutes_step(kind):
    return STEPS_BY_ID[MINUTES_STEP.get(kind, "minutes")]

# Server-side enforcement: what a user does, and the step whose preconditions it needs.
ACTIONS = {
    "create_plan": "create-plan",
    "add_consenter": "add-consenters",
    "add_owner": "add-consenters",
    "remove_participant": "add-consenters",
    "send_consent": "send-consent",
    "write_overview": "overview",
    "write_minutes": "minutes",
    "write_goal": "goals",
    "write_activity": "goals",
    "plan_meeting": "evaluation-meeting",
    "write_message": "minutes",
    "record_outcome": "outcome",
    "invite_service": "invite-services",
    "hand_over_baton": "hand-over",
    "transfer_unit": "transfer-unit",
    "propose_transfer": "transfer-unit",
    "withdraw_consent": "withdraw-consent",
    "close_plan": "close",
    # Reopening is the close step undone: the same page, on a valid consent (SPEC §3.7).
    "reopen_plan": "close",
    "delete_plan": "delete",
    "archive_plan": "archive",
}


# Preconditions an action needs beyond those of its step.
ACTION_REQUIRES = {
    # One plan owner per plan (the database holds it too: participant_one_owner_per_plan).
    "add_owner": (OWNER_NOT_ADDED, OWNER_CONSENTS),
    # A participant added by mistake goes before any consent has named them (SPEC §3.1.5).
    "remove_participant": (CONSENT_NOT_YET_SENT,),
    "close_plan": (NOT_CLOSED_YET,),
    "reopen_plan": (CLOSED_TO_REOPEN, CONSENT_VALID_TO_REOPEN),
    # SPEC §3.6: the baton goes to another active employee of the plan.
    "hand_over_baton": (SOMEONE_TO_HAND_TO,),
    # One transfer waits at a time (the database holds it too: transfer_one_waiting_per_plan).
    "propose_transfer": (NO_TRANSFER_WAITING,),
}


def adding_step(facts):
    """The step whose guidance the pages for adding participants show: before consent only
    those who must consent are added (1.5); once a consent holds, new participants come under
    step 4, whatever their role."""
    return STEPS_BY_ID["invite-services" if facts.consent_valid else "add-consenters"]


class StepBlocked(Exception):
    """Raised when an action's step has an unmet precondition; ``reason`` explains it."""

    def __init__(self, step, requirement):
        self.step = step
        self.requirement = requirement
        self.reason = requirement.unblock
        super().__init__(f"{step.id}: {requirement.id}")


@dataclass(frozen=True)
class StepStatus:
    step: Step
    state: str  # done | next | open | blocked | later
    reason: object = None

    @property
    def blocked(self):
        return self.state == "blocked"


def unmet(step, facts):
    """The first requirement of ``step`` that ``facts`` do not meet, or ``None``."""
    for requirement in step.requires:
        if not requirement.check(facts):
            return requirement
    return None


def _unmet_for(action, facts):
    step = STEPS_BY_ID[ACTIONS[action]]
    requirement = unmet(step, facts)
    if requirement is None:
        requirement = next(
            (r for r in ACTION_REQUIRES.get(action, ()) if not r.check(facts)), None
        )
    return step, requirement


def blocker(action, facts):
    """``StepBlocked`` (the step, the unmet requirement and its reason) if ``facts`` do not
    allow ``action``, else ``None``: for a page that shows why instead of refusing."""
    step, requirement = _unmet_for(action, facts)
    return None if requirement is None else StepBlocked(step, requirement)


def enforce(action, facts):
    """Raise ``StepBlocked`` unless ``facts`` allow ``action``; returns the action's step."""
    blocked = blocker(action, facts)
    if blocked is not None:
        raise blocked
    return step_of(action)


def allowed(action, facts):
    return blocker(action, facts) is None


def step_of(action):
    """The step whose preconditions ``action`` needs (its title and guidance for the page)."""
    return STEPS_BY_ID[ACTIONS[action]]


def checklist(facts):
    """Every step with its state: done, next (the first one to do), open, blocked or later."""
    statuses = []
    next_found = False
    for step in STEPS:
        if facts.bti_level not in step.levels:
            statuses.append(StepStatus(step, "later", LEVEL_2_OR_3.unblock))
            continue
        if step.done is not None and step.done(facts):
            statuses.append(StepStatus(step, "done"))
            continue
        requirement = unmet(step, facts)
        if requirement is not None:
            statuses.append(StepStatus(step, "blocked", requirement.unblock))
        elif not next_found and step.done is not None:
            statuses.append(StepStatus(step, "next"))
            next_found = True
        else:
            statuses.append(StepStatus(step, "open"))
    return statuses


def next_step(facts):
    for status in checklist(facts):
        if status.state == "next":
            return status.step
    return None
