"""The routine engine (webapp/routine.py) on plans that exist only in memory: the preconditions
of SPEC §3.1 (create the log, obtain consent) and §3.2 (fill it in), the checklist's states, and
the enforcement the POST views rely on."""

from dataclasses import replace

import pytest
from flask_babel import LazyString

from webapp import routine
from webapp.routine import PlanFacts, StepBlocked

# Facts at each point of the routine.
NOTHING_YET = PlanFacts()
ANSWERED = PlanFacts(family_informed=True, owner_age=8)  # the wizard's answers, before "create"
CREATED = replace(ANSWERED, exists=True)
INVITED = replace(CREATED, consenters=2, consenters_active=1)
ACTIVE_CONSENTERS = replace(INVITED, consenters_active=2)
SENT = replace(ACTIVE_CONSENTERS, consent_sent=True)
VALID = replace(SENT, consent_valid=True, status="active")

# (action, facts that allow it, facts that block it, the requirement that blocks it).
BLOCKS = [
    # §3.1.1-4: the wizard's final "create" checks every answer again.
    ("create_plan", ANSWERED, replace(ANSWERED, family_informed=False), routine.FAMILY_INFORMED),
    ("create_plan", ANSWERED, replace(ANSWERED, owner_age=None), routine.OWNER_IDENTIFIED),
    ("create_plan", ANSWERED, replace(ANSWERED, owner_logs_in=True), routine.OWNER_LOGIN_BY_AGE),
    ("create_plan", replace(ANSWERED, owner_age=16, owner_logs_in=True, owner_has_contact=True),
     replace(ANSWERED, owner_age=16), routine.OWNER_LOGIN_BY_AGE),
    ("create_plan", replace(ANSWERED, owner_age=16, owner_logs_in=True, owner_has_contact=True),
     replace(ANSWERED, owner_age=16, owner_logs_in=True), routine.OWNER_CONTACT),
    ("create_plan", replace(ANSWERED, owner_age=24, owner_is_pregnant=True, owner_logs_in=True,
                            owner_has_contact=True),
     replace(ANSWERED, owner_age=24, owner_is_pregnant=True, owner_logs_in=True),
     routine.OWNER_CONTACT),
    # §3.1.5: only those who must consent, and only once the plan exists.
    ("add_consenter", CREATED, ANSWERED, routine.PLAN_EXISTS),
    ("add_owner", replace(CREATED, owner_age=15), CREATED, routine.OWNER_CONSENTS),
    ("add_owner", replace(CREATED, owner_age=17, consent_age=16),
     replace(CREATED, owner_age=15, consent_age=16), routine.OWNER_CONSENTS),
    ("add_owner", replace(CREATED, owner_age=14, owner_is_pregnant=True), ANSWERED,
     routine.PLAN_EXISTS),
    # §3.1.5: consent goes out when everyone who must consent has logged in once.
    ("send_consent", ACTIVE_CONSENTERS, ANSWERED, routine.PLAN_EXISTS),
    ("send_consent", ACTIVE_CONSENTERS, CREATED, routine.CONSENTERS_ADDED),
    ("send_consent", ACTIVE_CONSENTERS, INVITED, routine.CONSENTERS_ACTIVE),
    # §3.1.5: one plan owner per plan; a participant added by mistake goes before consent.
    ("add_owner", replace(CREATED, owner_age=16), replace(CREATED, owner_age=16,
                                                         owner_added=True),
     routine.OWNER_NOT_ADDED),
    ("remove_participant", ACTIVE_CONSENTERS, replace(SENT, consent_ever_sent=True),
     routine.CONSENT_NOT_YET_SENT),
    ("remove_participant", ACTIVE_CONSENTERS,
     replace(ACTIVE_CONSENTERS, consent_ever_sent=True, consent_withdrawn=True),
     routine.CONSENT_NOT_YET_SENT),
    # §3.4: services come in on a valid consent that names them, said in the step's own words.
    ("invite_service", replace(VALID, consent_names_services=True), SENT,
     routine.CONSENT_VALID_TO_INVITE),
    # §3.2: nothing is written before the consent is valid, nor in a passive (consent
    # withdrawn), closed or archived plan — each with its own reason.
    *[
        (action, VALID, blocked, requirement)
        for action in ("write_overview", "write_minutes", "write_goal", "write_activity",
                       "plan_meeting", "write_message")
        for blocked, requirement in (
            (CREATED, routine.CONSENT_VALID),
            (SENT, routine.CONSENT_VALID),
            (replace(SENT, consent_withdrawn=True, status="passive"), routine.NOT_PASSIVE),
            (replace(VALID, status="passive"), routine.NOT_PASSIVE),
            (replace(VALID, status="closed"), routine.NOT_CLOSED),
            (replace(VALID, archived=True), routine.NOT_ARCHIVED),
        )
    ],
]


def _case_id(case):
    action, _good, _bad, requirement = case
    return f"{action}-{requirement.id}"


@pytest.mark.parametrize("case", BLOCKS, ids=[_case_id(case) for case in BLOCKS])
def test_each_precondition_blocks_with_its_explanation_and_unblocks(case):
    action, good, bad, requirement = case
    assert routine.allowed(action, good)
    assert routine.enforce(action, good) is routine.STEPS_BY_ID[routine.ACTIONS[action]]

    assert not routine.allowed(action, bad)
    with pytest.raises(StepBlocked) as blocked:
        routine.enforce(action, bad)
    assert blocked.value.requirement is requirement
    assert blocked.value.reason is requirement.unblock
    assert blocked.value.step.id == routine.ACTIONS[action]


def test_the_explanations_name_what_unblocks():
    """A spot check of the words: the user reads why and what to do."""
    with pytest.raises(StepBlocked) as blocked:
        routine.enforce("write_goal", SENT)
    assert "signed" in blocked.value.reason._args[0]
    with pytest.raises(StepBlocked) as blocked:
        routine.enforce("send_consent", INVITED)
    assert "log in once" in blocked.value.reason._args[0]


def test_the_requirements_of_3_1_hold_exactly_when_their_fact_does():
    r = routine
    assert not r.PLAN_EXISTS.check(ANSWERED) and r.PLAN_EXISTS.check(CREATED)
    assert not r.FAMILY_INFORMED.check(NOTHING_YET) and r.FAMILY_INFORMED.check(ANSWERED)
    assert not r.OWNER_IDENTIFIED.check(PlanFacts()) and r.OWNER_IDENTIFIED.check(ANSWERED)
    # Logging in follows the consent age (15 by default, the municipality's setting) or pregnancy.
    for age, pregnant, consent_age, logs_in in [
        (14, False, 15, False), (15, False, 15, True), (15, False, 16, False),
        (16, False, 16, True), (14, True, 15, True), (30, True, 15, True),
    ]:
        facts = replace(ANSWERED, owner_age=age, owner_is_pregnant=pregnant,
                        consent_age=consent_age)
        assert r.owner_consents(facts) is logs_in, (age, pregnant, consent_age)
        assert r.OWNER_LOGIN_BY_AGE.check(replace(facts, owner_logs_in=logs_in))
        assert not r.OWNER_LOGIN_BY_AGE.check(replace(facts, owner_logs_in=not logs_in))
    assert r.OWNER_CONTACT.check(ANSWERED)  # a child who does not log in needs no contact
    assert not r.OWNER_CONTACT.check(replace(ANSWERED, owner_logs_in=True))
    assert r.OWNER_CONTACT.check(replace(ANSWERED, owner_logs_in=True, owner_has_contact=True))
    assert not r.CONSENTERS_ADDED.check(CREATED) and r.CONSENTERS_ADDED.check(INVITED)
    assert not r.CONSENTERS_ACTIVE.check(CREATED)  # nobody added is not "everyone active"
    assert not r.CONSENTERS_ACTIVE.check(INVITED)
    assert r.CONSENTERS_ACTIVE.check(ACTIVE_CONSENTERS)
    assert not r.CONSENT_SENT.check(ACTIVE_CONSENTERS) and r.CONSENT_SENT.check(SENT)
    assert not r.CONSENT_VALID.check(SENT) and r.CONSENT_VALID.check(VALID)


def _states(facts):
    return {status.step.id: status.state for status in routine.checklist(facts)}


def _reasons(facts):
    return {status.step.id: status.reason for status in routine.checklist(facts)}


def test_checklist_before_anything_starts_with_the_account():
    states = _states(NOTHING_YET)
    assert states["account"] == "next"
    assert states["create-plan"] == "blocked"
    assert _reasons(NOTHING_YET)["create-plan"] is routine.FAMILY_INFORMED.unblock
    assert states["overview"] == "blocked"
    assert list(states.values()).count("next") == 1


def test_checklist_while_guardians_have_not_all_logged_in():
    states, reasons = _states(INVITED), _reasons(INVITED)
    for step in ("account", "inform-family", "create-plan", "plan-owner", "owner-login"):
        assert states[step] == "done", step
    assert states["add-consenters"] == "next"
    assert states["send-consent"] == "blocked"
    assert reasons["send-consent"] is routine.CONSENTERS_ACTIVE.unblock
    assert states["consent-signed"] == "blocked"
    assert reasons["consent-signed"] is routine.CONSENT_SENT.unblock
    for step in ("overview", "minutes", "goals", "evaluation-meeting"):
        assert states[step] == "blocked", step
        assert reasons[step] is routine.CONSENT_VALID.unblock
    assert routine.next_step(INVITED).id == "add-consenters"


def test_checklist_walks_on_as_the_consent_is_sent_and_signed():
    assert _states(ACTIVE_CONSENTERS)["send-consent"] == "next"
    sent = _states(SENT)
    assert sent["send-consent"] == "done"
    assert sent["consent-signed"] == "next"
    assert sent["overview"] == "blocked"

    valid = _states(VALID)
    assert valid["consent-signed"] == "done"
    assert valid["overview"] == "next"
    for step in ("minutes", "goals", "evaluation-meeting"):
        assert valid[step] == "open", step
    assert valid["startup-meeting"] == "later"  # level 1: no start-up meeting


def test_checklist_of_a_filled_in_plan():
    filled = replace(VALID, overview_written=True, minutes=1, goals=1, activities=2,
                     evaluation_planned=True)
    states = _states(filled)
    for step in ("overview", "minutes", "goals", "evaluation-meeting"):
        assert states[step] == "done", step
    assert states["evaluation-minutes"] == "next"
    assert routine.next_step(filled).id == "evaluation-minutes"
    # A goal without an activity is not done yet.
    assert _states(replace(filled, activities=0))["goals"] == "next"


def test_archived_plan_blocks_every_writing_step():
    archived = replace(VALID, archived=True, status="archived")
    reasons = _reasons(archived)
    for step in ("overview", "minutes", "goals", "evaluation-meeting"):
        assert reasons[step] is routine.NOT_ARCHIVED.unblock, step


def test_the_routine_data_is_consistent():
    ids = [step.id for step in routine.STEPS]
    assert len(ids) == len(set(ids))
    assert {step.phase for step in routine.STEPS} == set(routine.PHASES)
    assert set(routine.PHASE_TITLES) == set(routine.PHASES)
    for action, step_id in routine.ACTIONS.items():
        assert step_id in routine.STEPS_BY_ID, action
    assert set(routine.ACTION_REQUIRES) <= set(routine.ACTIONS)
    for step in routine.STEPS:
        assert set(step.levels) <= {1, 2, 3}, step.id
        for requirement in step.requires:
            assert isinstance(requirement, routine.Requirement), step.id


def _requirements():
    return [value for value in vars(routine).values() if isinstance(value, routine.Requirement)]


def test_every_text_is_translatable():
    """Every step's title and guidance, every phase title and every explanation is a lazy
    English source string, so it is shown in nynorsk or bokmål (the translation test checks
    that both catalogues translate every msgid)."""
    texts = {f"{step.id}.title": step.title for step in routine.STEPS}
    texts |= {f"{step.id}.guidance": step.guidance for step in routine.STEPS}
    texts |= {f"phase {phase}": title for phase, title in routine.PHASE_TITLES.items()}
    texts |= {f"requirement {r.id}": r.unblock for r in _requirements()}
    assert len(_requirements()) >= 15
    not_lazy = [name for name, text in texts.items()
                if not isinstance(text, LazyString) or not text._args[0].strip()]
    assert not_lazy == []


def test_a_closed_or_passive_plan_has_no_next_step_in_filling_in():
    """Issue 8 item 7: a closed plan showed "Next step: 2.1". Its next step is archiving; a
    plan whose consent was withdrawn is opened again by a new consent."""
    filled = replace(VALID, consent_ever_sent=True)
    closed = replace(filled, status="closed")
    assert routine.next_step(closed).id == "archive"
    reasons = _reasons(closed)
    for step in ("overview", "minutes", "goals", "evaluation-meeting"):
        assert _states(closed)[step] == "blocked", step
        assert reasons[step] is routine.NOT_CLOSED.unblock, step
    withdrawn = replace(filled, status="passive", consent_valid=False, consent_sent=False,
                        consent_withdrawn=True)
    assert routine.next_step(withdrawn).id == "send-consent"
    for step in ("overview", "hand-over", "transfer-unit"):
        assert _reasons(withdrawn)[step] is routine.NOT_PASSIVE.unblock, step
    ended = replace(filled, status="passive", outcome="goals_reached")  # SPEC §3.3.2 a
    assert routine.next_step(ended).id == "archive"


def test_the_pages_for_adding_participants_follow_the_consent():
    assert routine.adding_step(INVITED).id == "add-consenters"
    assert routine.adding_step(VALID).id == "invite-services"


EVALUATED = replace(VALID, overview_written=True, minutes=1, goals=1, activities=1,
                    evaluation_planned=True)


@pytest.mark.parametrize("facts, done", [
    (EVALUATED, False),
    # Minutes started for a meeting that has not taken place: not done (issue 8 item 5).
    (replace(EVALUATED, evaluation_minutes=True), False),
    (replace(EVALUATED, evaluation_held=True), False),  # held, no minutes yet
    (replace(EVALUATED, evaluation_held=True, evaluation_minutes=True), True),
    (replace(EVALUATED, outcome="continue"), True),
])
def test_the_evaluation_minutes_are_done_when_the_meeting_was_held_and_minuted(facts, done):
    assert (_states(facts)["evaluation-minutes"] == "done") is done


def test_an_outcome_is_recorded_after_the_meeting_was_held_and_minuted():
    assert not routine.allowed("record_outcome", replace(EVALUATED, evaluation_minutes=True))
    assert routine.allowed("record_outcome", replace(EVALUATED, evaluation_minutes=True,
                                                     evaluation_held=True))


def test_each_meeting_kind_has_the_step_of_its_minutes():
    """Issue 8 item 5: the minutes pages show the routine step of the meeting's kind."""
    from webapp.minutes.templates_text import KINDS

    assert {kind: routine.minutes_step(kind).number for kind in KINDS} == {
        "startup": "2.2", "evaluation": "3.1", "startup_level2": "5", "startup_level3": "5"}
    assert routine.minutes_step(None).id == "minutes"
