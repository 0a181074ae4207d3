"""The role × route matrix (issue 2): every route in ``app.url_map`` declares its access policy,
is listed here, has a kebab-case URL with typed parameters, refuses POSTs without a CSRF token,
and answers each role as the policy says — on a plan where the role is held (A) and on a plan
where it is not (B). Refused POSTs change no row; objects of plan B put into plan A's URLs or
forms are refused; a passive plan (consent withdrawn) closes the content to services.

Adding a route: add ``endpoint: action`` to ``ROUTES``; a new URL parameter needs an entry in
``PARAMS`` and an object in ``_contents()``; a view that also checks the object (so an allowed
role may still get 403) goes in ``OBJECT_CHECKS`` with the roles it lets through and the reason;
``_contents()`` must hold an object that lets them through (those roles must get 2xx/3xx).

A new route without an entry in ``ROUTES`` fails ``test_every_route_is_in_the_matrix``;
``test_a_route_without_policy_or_entry_is_reported`` shows that on a route added for the test.
"""

import os
import re
import secrets

import pytest

from tests import factories
from tests.conftest import sign_in
from webapp import guards, policy
from webapp.archive import service as archive_service
from webapp.consent import scans
from webapp.consent import service as consent_service
from webapp.models import (
    Activity,
    Consent,
    Goal,
    Meeting,
    Message,
    MessageRecipient,
    Participant,
    PlanArchive,
    Signature,
    Transfer,
    Unit,
    utcnow,
)

P = policy
# Every endpoint and the action its view declares (webapp/policy.py).
ROUTES = {
    "account.change_password": P.EMPLOYEE,
    "account.forgot_password": P.PUBLIC,
    "account.set_password": P.PUBLIC,
    "admin.deactivate": P.ADMINISTER,
    "admin.edit_group": P.ADMINISTER_MUNICIPALITY,
    "admin.edit_unit": P.ADMINISTER,
    "admin.group": P.ADMINISTER,
    "admin.home": P.ADMINISTER,
    "admin.invite": P.ADMINISTER,
    "admin.invite_again": P.ADMINISTER,
    "admin.new_group": P.ADMINISTER_MUNICIPALITY,
    "admin.new_group_admin": P.ADMINISTER_MUNICIPALITY,
    "admin.new_unit": P.ADMINISTER,
    "admin.reactivate": P.ADMINISTER,
    "admin.remove_group_admin": P.ADMINISTER_MUNICIPALITY,
    "admin.serve": P.ADMINISTER_MUNICIPALITY,
    "admin.set_role": P.ADMINISTER,
    "admin.settings": P.ADMINISTER_MUNICIPALITY,
    "admin.stop_serving": P.ADMINISTER_MUNICIPALITY,
    "admin.unit": P.ADMINISTER,
    "accesslog.index": P.PLAN_ACCESS_LOG,
    "archive.archive_plan": P.PLAN_MANAGE,
    "archive.close_plan": P.PLAN_MANAGE,
    "archive.delete_plan": P.PLAN_DISPOSE,
    "archive.download": P.PLAN_READ,
    "archive.index": P.PLAN_READ,
    "archive.reopen_plan": P.PLAN_MANAGE,
    "auth.code_login_start": P.PUBLIC,
    "auth.code_login_verify": P.PUBLIC,
    "auth.login": P.PUBLIC,
    "auth.logout": P.AUTHENTICATED,
    "consent.check": P.PLAN_MANAGE,
    "consent.edit_signers": P.PLAN_MANAGE,
    "consent.edit_text": P.PLAN_MANAGE,
    "consent.index": P.PLAN_READ,
    "consent.paper_scan": P.PLAN_READ,
    "consent.record_paper": P.PLAN_MANAGE,
    "consent.refuse": P.CONSENT_DECIDE,
    "consent.send": P.PLAN_MANAGE,
    "consent.send_code": P.CONSENT_DECIDE,
    "consent.show_version": P.PLAN_READ,
    "consent.sign": P.CONSENT_DECIDE,
    "consent.withdraw": P.CONSENT_DECIDE,
    "dev.outbox": P.DEVELOPMENT,
    "display.content": P.DISPLAY,
    "display.end_pairing": P.PLAN_MANAGE,
    "display.pair": P.PUBLIC,
    "display.projector": P.PLAN_MANAGE,
    "display.screen": P.DISPLAY,
    "display.start_pairing": P.PLAN_MANAGE,
    "goals.edit_activity": P.PLAN_MANAGE,
    "goals.edit_goal": P.PLAN_MANAGE,
    "goals.index": P.PLAN_READ,
    "idporten.callback": P.PUBLIC,
    "idporten.identity_number": P.PLAN_MANAGE,
    "idporten.sign": P.CONSENT_DECIDE,
    "idporten.start": P.PUBLIC,
    "goals.new_activity": P.PLAN_MANAGE,
    "goals.new_goal": P.PLAN_MANAGE,
    "leader.appoint": P.PLAN_METADATA,
    "leader.ask_evaluation": P.PLAN_METADATA,
    "leader.mark_review_done": P.LEAD,
    "leader.plans": P.LEAD,
    "leader.review": P.LEAD,
    "lysglimt.index": P.PLAN_READ,
    "lysglimt.new": P.PLAN_CONTRIBUTE,
    "main.favicon": P.PUBLIC,
    "main.home": P.AUTHENTICATED,
    "main.plain_language": P.AUTHENTICATED,
    "main.set_language": P.PUBLIC,
    "meetings.calendar": P.PLAN_READ,
    "meetings.evaluation": P.PLAN_MANAGE,
    "meetings.record_outcome": P.PLAN_MANAGE,
    "meetings.status": P.PLAN_READ,
    "meetings.ics": P.PLAN_READ,
    "meetings.mine": P.AUTHENTICATED,
    "meetings.new_meeting": P.PLAN_MANAGE,
    "meetings.show": P.PLAN_READ,
    "messages.index": P.PLAN_READ,
    "messages.new_message": P.PLAN_CONTRIBUTE,
    "messages.show": P.PLAN_READ,
    "minutes.blank": P.PLAN_MANAGE,
    "minutes.display": P.PLAN_READ,
    "minutes.display_content": P.PLAN_READ,
    "minutes.edit": P.PLAN_CONTRIBUTE,
    "minutes.new": P.PLAN_CONTRIBUTE,
    "minutes.save": P.PLAN_CONTRIBUTE,
    "minutes.show": P.PLAN_READ,
    "overview.edit": P.PLAN_MANAGE,
    "overview.show": P.PLAN_READ,
    "participants.add_participant": P.PLAN_MANAGE,
    "participants.hand_over": P.PLAN_MANAGE,
    "participants.index": P.PLAN_READ,
    "participants.remove_participant": P.PLAN_MANAGE,
    "plans.ask_owner_login": P.CREATE_PLAN,
    "plans.check_answers": P.CREATE_PLAN,
    "plans.choose_stafetthaldar": P.CREATE_PLAN,
    "plans.choose_unit": P.CREATE_PLAN,
    "plans.create_plan": P.CREATE_PLAN,
    "plans.discard_draft": P.CREATE_PLAN,
    "plans.enter_plan_owner": P.CREATE_PLAN,
    "plans.info_letter": P.CREATE_PLAN,
    "plans.inform_family": P.CREATE_PLAN,
    "plans.show": P.PLAN_METADATA,
    "plans.checklist": P.PLAN_METADATA,
    "plans.start_wizard": P.CREATE_PLAN,
    "reports.group_csv": P.REPORTS,
    "reports.group_report": P.REPORTS,
    "reports.index": P.REPORTS,
    "reports.municipality_csv": P.REPORTS,
    "reports.municipality_report": P.REPORTS,
    "reports.unit_csv": P.REPORTS,
    "reports.unit_report": P.REPORTS,
    "timeline.index": P.PLAN_READ,
    "transfers.answer": P.TRANSFER_ANSWER,
    "transfers.propose": P.PLAN_METADATA,
    "transfers.withdraw": P.PLAN_METADATA,
}

# Views that check the object as well as the plan: the roles the object check lets through on
# plan A's objects (``_contents`` gives each view an object that passes for them), and why the
# others the action allows still get 403. Every other view answers everyone its action allows.
OBJECT_CHECKS = {
    # The administration (webapp/admin): plan A's unit (Eple barnehage), its group and its
    # stafetthaldar (a coordinator there); the other unit's leader administers none of them.
    "admin.deactivate": ({"unit_leader", "group_admin"}, "an employee of a unit one administers"),
    "admin.edit_unit": ({"group_admin"}, "the group's or the municipality's administrator"),
    "admin.group": ({"group_admin"}, "the group's or the municipality's administrator"),
    "admin.invite": ({"unit_leader", "group_admin"}, "a unit one administers"),
    "admin.new_unit": ({"group_admin"}, "the group's or the municipality's administrator"),
    "admin.unit": ({"unit_leader", "group_admin"}, "a unit one administers"),
    "leader.appoint": ({"unit_leader", "group_admin"},
                       "a leader of the plan's unit, its group or its municipality"),
    "leader.ask_evaluation": ({"unit_leader", "group_admin"},
                              "a leader of the plan's unit, its group or its municipality"),
    "minutes.edit": ({"stafetthaldar"}, "the stafetthaldar or the meeting's minute-taker"),
    "minutes.new": ({"stafetthaldar"}, "the stafetthaldar or a minute-taker"),
    "minutes.save": ({"stafetthaldar"}, "the stafetthaldar or the meeting's minute-taker"),
    "reports.group_csv": ({"group_admin"}, "the group's administrator (or the municipality's)"),
    "reports.group_report": ({"group_admin"},
                             "the group's administrator (or the municipality's)"),
    "reports.municipality_csv": (set(), "the municipality's administrator (not a role here)"),
    "reports.municipality_report": (set(),
                                    "the municipality's administrator (not a role here)"),
    "reports.unit_csv": ({"unit_leader"}, "the unit's own administrator"),
    "reports.unit_report": ({"unit_leader"}, "the unit's own administrator"),
    "transfers.propose": ({"stafetthaldar", "unit_leader"},
                          "the stafetthaldar or the leader of the plan's unit"),
    "transfers.withdraw": ({"stafetthaldar", "unit_leader"},
                           "the stafetthaldar or the leader of the plan's unit"),
}

# Who holds each action on plan A (valid consent, active) — SPEC §2 and webapp/policy.py.
ROLES = ("anonymous", "family_without_plan", "guardian", "stafetthaldar", "provider",
         "unit_leader", "group_admin", "other_coordinator", "foreign_coordinator",
         "unit_employee", "receiving_leader")
CONTENT = {"guardian", "stafetthaldar", "provider"}
ALLOWED_ON_A = {
    P.PLAN_METADATA: CONTENT | {"unit_leader", "group_admin"},
    P.PLAN_READ: CONTENT,
    P.PLAN_CONTRIBUTE: CONTENT,
    P.PLAN_MANAGE: {"stafetthaldar"},
    P.CONSENT_DECIDE: {"guardian"},
    P.PLAN_DISPOSE: {"stafetthaldar"},
    P.PLAN_ACCESS_LOG: {"guardian"},
}
EMPLOYEES = {"stafetthaldar", "provider", "unit_leader", "group_admin", "other_coordinator",
             "foreign_coordinator", "unit_employee", "receiving_leader"}
ALLOWED = {
    P.PUBLIC: set(ROLES),
    P.DEVELOPMENT: set(ROLES),  # in development, from this machine (404 otherwise)
    # The paired display is no role's: without a display session everyone is sent to the
    # pairing page (not the login). What a display session opens: tests/test_display.py.
    P.DISPLAY: set(ROLES),
    P.AUTHENTICATED: set(ROLES) - {"anonymous"},
    P.EMPLOYEE: EMPLOYEES,
    # Leaders of any unit (administered_unit_ids): each sees their own units' plans only.
    P.LEAD: {"unit_leader", "group_admin", "receiving_leader"},
    P.CREATE_PLAN: {"stafetthaldar", "unit_leader", "other_coordinator", "foreign_coordinator",
                    "receiving_leader"},
    # Plan A's waiting transfer goes to Pære barnehage: only its leader answers it.
    P.TRANSFER_ANSWER: {"receiving_leader"},
    # Any administrator; which unit, group or employee: OBJECT_CHECKS. None of these roles is
    # the municipality's administrator (tests/test_admin.py covers that role).
    P.ADMINISTER: {"unit_leader", "group_admin", "receiving_leader"},
    P.ADMINISTER_MUNICIPALITY: set(),
    # Any administrator; which unit's, group's or municipality's report: OBJECT_CHECKS.
    P.REPORTS: {"unit_leader", "group_admin", "receiving_leader"},
}

KEBAB = re.compile(r"^[a-z0-9/.\-]*$")
PARAM = re.compile(r"<([^>]*)>")


def route_problems(app, routes):
    """Everything wrong with ``app``'s routes against the ``routes`` table, as sentences."""
    problems = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        view = app.view_functions[rule.endpoint]
        action = getattr(view, "policy_action", None)
        if action is None:
            problems.append(f"{rule.endpoint}: no access policy (decorate it from webapp.policy)")
        if rule.endpoint not in routes:
            problems.append(f"{rule.endpoint}: no entry in the matrix (tests/test_policy_matrix)")
        elif action is not None and routes[rule.endpoint] != action:
            problems.append(f"{rule.endpoint}: declares {action}, the matrix says "
                            f"{routes[rule.endpoint]}")
        if not KEBAB.match(PARAM.sub("", rule.rule)):
            problems.append(f"{rule.endpoint}: {rule.rule} is not kebab-case")
        for param in PARAM.findall(rule.rule):
            if ":" not in param:
                problems.append(f"{rule.endpoint}: parameter <{param}> has no type")
    stale = set(routes) - {rule.endpoint for rule in app.url_map.iter_rules()}
    problems += [f"{endpoint}: in the matrix but not a route" for endpoint in sorted(stale)]
    return problems


def test_every_route_is_in_the_matrix(app):
    assert route_problems(app, ROUTES) == []


def test_a_route_without_policy_or_entry_is_reported(app):
    """A fresh app as the tests make it, with routes added the wrong ways: the same check that
    guards the real app names each of them, and nothing else."""
    from webapp import create_app
    from webapp.db import database

    bound = database.obj
    try:
        fresh = create_app(dict(app.config))
    finally:
        database.initialize(bound)  # the fresh app re-bound the shared database proxy
    assert route_problems(fresh, ROUTES) == []

    fresh.add_url_rule("/plans/<int:plan_id>/unguarded-page", "plans.unguarded",
                       lambda plan_id: "open to all")
    fresh.add_url_rule("/plans/<int:plan_id>/guarded-page", "plans.guarded",
                       guards.requires_plan(P.PLAN_READ)(lambda plan: "read"))
    fresh.add_url_rule("/plans/<plan_id>/New_Page", "plans.badly_named",
                       guards.requires_plan(P.PLAN_READ)(lambda plan: "read"))
    table = {**ROUTES, "plans.badly_named": P.PLAN_READ, "overview.show": P.PLAN_METADATA}
    assert sorted(route_problems(fresh, table)) == sorted([
        "plans.unguarded: no access policy (decorate it from webapp.policy)",
        "plans.unguarded: no entry in the matrix (tests/test_policy_matrix)",
        "plans.guarded: no entry in the matrix (tests/test_policy_matrix)",
        "plans.badly_named: /plans/<plan_id>/New_Page is not kebab-case",
        "plans.badly_named: parameter <plan_id> has no type",
        f"overview.show: declares {P.PLAN_READ}, the matrix says {P.PLAN_METADATA}",
    ])
    # The real test fails on the same problems.
    with pytest.raises(AssertionError):
        test_every_route_is_in_the_matrix(fresh)


# --- The data dimension -----------------------------------------------------------------------

# How each URL parameter is filled in, from the objects of one plan (``_contents``). A route with
# a parameter not listed here fails the role test with a message naming it.
PARAMS = {
    "consent_id": lambda o: o["update"].id,  # an update of the consent, out for signing
    "signature_id": lambda o: o["signature"].id,  # a paper signature with its scan
    "person_id": lambda o: o["guardian"].id,  # who the update still waits for (first guardian)
    "goal_id": lambda o: o["goal"].id,
    "activity_id": lambda o: o["activity"].id,  # an activity of that goal
    "meeting_id": lambda o: o["meeting"].id,
    "message_id": lambda o: o["minutes"].id,  # minutes, also a message to every participant
    "participant_id": lambda o: o["participant"].id,  # the first guardian's participation
    "transfer_id": lambda o: o["transfer"].id,  # a transfer waiting for Pære barnehage's leader
    # The administration: the plan's unit, its group, its stafetthaldar, its municipality.
    "group_id": lambda o: o["unit"].group_id,
    "unit_id": lambda o: o["unit"].id,
    "employee_id": lambda o: o["holder"].id,
    "municipality_id": lambda o: o["unit"].municipality_id,
    "token": lambda o: "not-a-valid-token",  # a forged link: 410, the same for every role
}


def _contents(plan):
    """An object of every kind a URL can name, inside ``plan`` (valid consent)."""
    holder = Participant.get((Participant.plan == plan)
                             & (Participant.role == Participant.STAFETTHALDAR))
    goal = Goal.create(plan=plan, title="Mål 15 minutt", created_by=holder.person)
    activity = Activity.create(goal=goal, title="Lesekvart", responsible=holder)
    meeting = Meeting.create(plan=plan, kind="startup", starts_at=utcnow(), minute_taker=holder)
    minutes = Message.create(plan=plan, kind=Message.MINUTES, meeting=meeting,
                             author=holder.person, subject="Referat", body="Tekst")
    for participant in Participant.select().where(Participant.plan == plan):
        MessageRecipient.create(message=minutes, person=participant.person)
    consent = Consent.get(Consent.plan == plan)
    # The second guardian signed on paper, and the scan is kept (consent.paper_scan).
    signature = Signature.get((Signature.consent == consent)
                              & (Signature.person == plan.guardians[1]))
    signature.method, signature.paper_file = "paper", f"{secrets.token_hex(16)}.pdf"
    signature.save()
    with open(os.path.join(scans.uploads_dir(), signature.paper_file), "wb") as scan:
        scan.write(b"%PDF-1.4\n")
    # An update waits for the first guardian (consent.sign, consent.record_paper).
    update = Consent.create(plan=plan, version=2, text="Samtykke, versjon 2.",
                            created_by=holder.person, status=Consent.SENT, sent_at=utcnow())
    Signature.create(consent=update, person=plan.guardians[0])
    update.seal = consent_service.seal_for(update, consent_service.signatures_of([update])[
        update.id], [])
    update.save()
    participant = Participant.get((Participant.plan == plan)
                                  & (Participant.person == plan.guardians[0]))
    # A stored archive PDF (archive.download serves the plan's latest one).
    archive = PlanArchive.create(plan=plan, file_name=f"{secrets.token_hex(16)}.pdf",
                                 sha256="0" * 64, size=9, created_by=holder.person)
    with open(archive_service.archive_path(archive), "wb") as stored:
        stored.write(b"%PDF-1.4\n")
    # A transfer to Pære barnehage waits for its leader (transfers.answer).
    transfer = Transfer.create(plan=plan, from_unit=plan.unit_id,
                               to_unit=Unit.get(Unit.name == "Pære barnehage"),
                               proposed_by=holder.person)
    return {"consent": consent, "update": update, "signature": signature,
            "guardian": plan.guardians[0], "participant": participant, "goal": goal,
            "activity": activity, "meeting": meeting, "minutes": minutes, "transfer": transfer,
            "unit": Unit.get_by_id(plan.unit_id), "holder": holder.person}


def _build(world):
    """Plan A (valid consent, a service provider, an object for every URL parameter), and
    plan B in another group (PPT) with objects of its own, where none of the roles has a role."""
    a = world.plan("valid_consent", provider=world.provider)
    outsider = factories.employee("Oda Utanfor", "oda@test.example", world.town, world.ppt,
                                  "coordinator")
    b = world.plan("valid_consent", holder=outsider, unit=world.ppt, owner_name="Berit Annan")
    people = {
        "family_without_plan": factories.family_member("Frank Familie", "frank@test.example"),
        "guardian": a.guardians[0],
        "stafetthaldar": world.coordinator,
        "provider": world.provider,
        "unit_leader": world.leader,
        "group_admin": world.group_admin,
        "other_coordinator": world.other_coordinator,
        "foreign_coordinator": world.foreign_coordinator,
        "unit_employee": world.employee,
        "receiving_leader": world.other_leader,
    }
    return a, b, {a.id: _contents(a), b.id: _contents(b)}, people


def _url(rule, plan, objects, swap=None):
    """``rule``'s URL on ``plan`` with ``objects[plan.id]`` for its parameters; ``swap`` maps a
    parameter name to the objects of another plan to take that one parameter from."""

    def value(match):
        name = match.group(1).split(":")[-1]
        if name == "plan_id":
            return str(plan.id)
        assert name in PARAMS, (f"{rule.endpoint}: no way to fill in <{name}>: add it to PARAMS "
                                f"and an object for it to _contents() in {__name__}")
        source = (swap or {}).get(name, objects[plan.id])
        return str(PARAMS[name](source))

    return PARAM.sub(value, rule.rule)


def _fingerprint():
    """Every row of every table (the audit trail, its chains' heads and login sessions aside: a
    refused request writes its audit entry, and a request touches its session; a login writes
    its time)."""
    from webapp.models import MODELS, AuditChain, AuditEntry, AuthSession, Person

    def fields(model):
        return [f for f in model._meta.sorted_fields if f is not Person.last_login_at]

    return {
        model.__name__: list(model.select(*fields(model)).order_by(model._meta.primary_key)
                             .tuples())
        for model in MODELS if model not in (AuditEntry, AuditChain, AuthSession)
    }


def _changes(before, after):
    return sorted(name for name in before if before[name] != after[name])


def _log_in(client, person):
    if person is not None and person.is_employee:
        response = client.post("/login", data={"email": person.email,
                                               "password": factories.PASSWORD})
        assert response.status_code == 302, person.email
    elif person is not None:
        sign_in(client, person)


def _refused_as(response, role, may_know_plan):
    """How a refusal looks: the login page for anonymous, 403 for a plan one may see, else
    404 (its existence is not revealed)."""
    if role == "anonymous":
        return response.status_code == 302 and "/login" in response.headers["Location"]
    return response.status_code == (403 if may_know_plan else 404)


def _allowed(response, endpoint, role):
    """What the action allows: the page (or a redirect that is not to the login), except a 403
    where the view's object check does not let ``role`` through (``OBJECT_CHECKS``)."""
    passes, _reason = OBJECT_CHECKS.get(endpoint, (None, ""))
    if passes is not None and role not in passes:
        return response.status_code == 403
    if response.status_code == 302:
        return "/login?" not in response.headers["Location"] and not response.headers[
            "Location"].endswith("/login")
    return response.status_code not in (401, 403, 404, 500)


def _refused_non_plan(response, role):
    if role == "anonymous":
        return response.status_code == 302 and "/login" in response.headers["Location"]
    return response.status_code in (403, 404)


def _requests(app, role, a, b):
    """Every (method, rule, plan, allowed) the role test makes: a GET where the route has one,
    a POST where it takes one; plan routes on A and on B. Allowed POSTs (and an allowed logout)
    are left out: they would change the world the other requests are checked against."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        action = ROUTES[rule.endpoint]
        for plan in ([a, b] if "<int:plan_id>" in rule.rule else [None]):
            if plan is None:
                allowed = role in ALLOWED[action]
            else:
                allowed = plan is a and role in ALLOWED_ON_A[action]
            for method in ("GET", "POST"):
                if method not in rule.methods:
                    continue
                if allowed and (method == "POST" or rule.endpoint == "auth.logout"):
                    continue
                yield method, rule, plan, allowed


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_what_the_policy_says(app, world, role):
    """Every route, as ``role``, on plan A (where the role is held) and plan B (where it is not);
    every refusal at once in the message. The refused POSTs change no row."""
    a, b, objects, people = _build(world)
    client = app.test_client()
    _log_in(client, people.get(role))
    requests = sorted(_requests(app, role, a, b), key=lambda r: r[0] == "POST")  # GETs first

    wrong = []
    before = None
    for method, rule, plan, allowed in requests:
        if method == "POST" and before is None:
            before = _fingerprint()
        url = _url(rule, plan or a, objects)
        response = client.open(url, method=method, data={})
        if allowed:
            ok = _allowed(response, rule.endpoint, role)
        elif plan is None and ROUTES[rule.endpoint] in ALLOWED:
            ok = _refused_non_plan(response, role)
        else:
            may_know = plan is a and role in ALLOWED_ON_A[P.PLAN_METADATA]
            ok = _refused_as(response, role, may_know)
        if not ok:
            where = "A" if plan is a else "B" if plan is b else "-"
            wrong.append(f"{method} {rule.endpoint} [{where}] -> {response.status_code} "
                         f"(expected {'allowed' if allowed else 'refused'})")
    assert wrong == [], f"{role}:\n" + "\n".join(wrong)
    if before is not None:
        assert _changes(before, _fingerprint()) == [], f"{role}: a refused POST changed data"


# The routes a passive plan (consent withdrawn, SPEC §3.7) still opens to each role on GET: the
# family and the stafetthaldar keep access, services lose it, nobody writes new content.
ALLOWED_ON_PASSIVE = {
    P.PLAN_METADATA: CONTENT | {"unit_leader", "group_admin"},
    P.PLAN_READ: {"guardian", "stafetthaldar"},
    P.PLAN_CONTRIBUTE: set(),
    P.PLAN_MANAGE: {"stafetthaldar"},
    P.CONSENT_DECIDE: {"guardian"},
    P.PLAN_DISPOSE: {"stafetthaldar"},
    P.PLAN_ACCESS_LOG: {"guardian"},
}


@pytest.mark.parametrize("role", ["guardian", "stafetthaldar", "provider", "unit_leader"])
def test_withdrawn_consent_closes_the_content_to_services(app, world, role):
    a, _b, objects, people = _build(world)
    a.status = policy.Plan.PASSIVE
    a.save()
    client = app.test_client()
    _log_in(client, people[role])
    wrong = []
    for rule in app.url_map.iter_rules():
        if "<int:plan_id>" not in rule.rule or "GET" not in rule.methods:
            continue
        action = ROUTES[rule.endpoint]
        response = client.get(_url(rule, a, objects))
        allowed = role in ALLOWED_ON_PASSIVE[action]
        if action == P.PLAN_CONTRIBUTE and role in CONTENT - {"provider"}:
            ok = response.status_code in (403, 409)  # known plan, no writing while passive
        elif allowed:
            ok = _allowed(response, rule.endpoint, role)
        else:
            ok = _refused_as(response, role, may_know_plan=True)
        if not ok:
            wrong.append(f"GET {rule.endpoint} -> {response.status_code} "
                         f"(expected {'allowed' if allowed else 'refused'})")
    assert wrong == [], f"{role} on a passive plan:\n" + "\n".join(wrong)


def test_objects_of_another_plan_are_not_found_through_plan_a(app, world):
    """A role in plan A that puts an object of plan B into A's URL (one parameter at a time)
    gets 404, for GET and for POST with plausible form data, and nothing changes."""
    a, b, objects, people = _build(world)
    payload = {"title": "Endra", "body": "Endra", "subject": "Endra", "text": "Endra",
               "version": "1", "to": "all", "language": "nn", "decision": "signed"}
    wrong = []
    before = _fingerprint()
    for role in ("stafetthaldar", "guardian"):
        client = app.test_client()
        _log_in(client, people[role])
        for rule in app.url_map.iter_rules():
            names = [p.split(":")[-1] for p in PARAM.findall(rule.rule)]
            action = ROUTES.get(rule.endpoint)
            if "plan_id" not in names or role not in ALLOWED_ON_A.get(action, ()):
                continue
            if (role == "guardian") != (action == P.CONSENT_DECIDE):
                continue  # each route once, as the role that may use it on A
            for name in names:
                if name == "plan_id":
                    continue
                url = _url(rule, a, objects, swap={name: objects[b.id]})
                for method in sorted(rule.methods & {"GET", "POST"}):
                    response = client.open(url, method=method, data=payload)
                    if response.status_code != 404:
                        wrong.append(f"{role}: {method} {rule.endpoint} with plan B's <{name}>"
                                     f" -> {response.status_code}")
    assert wrong == []
    assert _changes(before, _fingerprint()) == []


def test_refused_posts_change_nothing(app, world):
    """A guardian's refused POSTs to every stafetthaldar-only route, with plausible form data,
    leave the data as it was."""
    a, _b, objects, _people = _build(world)
    client = app.test_client()
    sign_in(client, a.guardians[0])
    before = _fingerprint()
    for rule in app.url_map.iter_rules():
        if "POST" in rule.methods and ROUTES.get(rule.endpoint) == P.PLAN_MANAGE:
            response = client.post(_url(rule, a, objects), data={"title": "x", "body": "x"})
            assert response.status_code == 403, rule.endpoint
    assert _changes(before, _fingerprint()) == []


def test_every_post_needs_a_csrf_token(app, world):
    """With CSRF protection on (as outside tests), every route taking a POST answers a POST
    without a token with 400, before the view runs."""
    a, _b, objects, _people = _build(world)
    client = app.test_client()
    _log_in(client, world.coordinator)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        missing = []
        for rule in app.url_map.iter_rules():
            if "POST" not in rule.methods:
                continue
            response = client.post(_url(rule, a, objects), data={"title": "x"})
            if response.status_code != 400:
                missing.append(f"{rule.endpoint} -> {response.status_code}")
        assert missing == []
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_form_fields_naming_another_plans_people_or_meetings_are_refused(app, world):
    """Ids in the form body are the data dimension too: the stafetthaldar of A cannot make
    plan B's participants responsible, invited or recipients in A, nor write minutes of B's
    meeting through A. Each is a 422 on the same form, and nothing is written."""
    from datetime import date, timedelta

    a, b, objects, _people = _build(world)
    client = app.test_client()
    _log_in(client, world.coordinator)
    own = Participant.get((Participant.plan == a) & (Participant.person == a.guardians[0]))
    theirs = Participant.get((Participant.plan == b) & (Participant.person == b.guardians[0]))
    day = (date.today() + timedelta(days=7)).isoformat()
    goal = objects[a.id]["goal"]
    cases = {
        "activity responsible": (
            f"/plans/{a.id}/goals/{goal.id}/activities/new",
            {"title": "Lesekvart", "responsible": theirs.id, "place": "home"}),
        "meeting invited": (
            f"/plans/{a.id}/meetings/new",
            {"kind": "evaluation", "day": day, "starts": "14:00", "invited": [theirs.id],
             "minute_taker": theirs.id}),
        "meeting minute-taker": (
            f"/plans/{a.id}/meetings/new",
            {"kind": "evaluation", "day": day, "starts": "14:00",
             "invited": [own.id, theirs.id], "minute_taker": theirs.id}),
        "message recipient": (
            f"/plans/{a.id}/messages/new",
            {"to": "chosen", "chosen": [theirs.id], "subject": "Hei", "body": "Hei"}),
        "minutes meeting": (
            f"/plans/{a.id}/minutes/new",
            {"meeting": objects[b.id]["meeting"].id, "kind": "startup"}),
    }
    # The same forms with A's own ids are accepted (so the refusals are about the ids).
    assert client.post(cases["activity responsible"][0],
                       data={**cases["activity responsible"][1], "responsible": own.id}
                       ).status_code == 302
    before = _fingerprint()
    wrong = []
    for name, (url, data) in cases.items():
        response = client.post(url, data=data)
        if response.status_code != 422:
            wrong.append(f"{name}: {response.status_code}")
    assert wrong == []
    assert _changes(before, _fingerprint()) == []


# --- Consent narrowing (SPEC §4): access follows the services the valid consent names ---------


def _narrow(world, plan, how):
    """Plan A's consent names PPT and the health station; then it is narrowed ``how``:
    ``withdrawn`` (the family withdraws it), ``new_version`` (a new valid version names only the
    health station), or ``withdrawn_then_new_version`` (issue 8's story: withdrawn, then a new
    version names only the health station). Returns the health station's provider."""
    from webapp.consent import service as consent_service
    from webapp.models import ConsentService, Membership, Plan, ServiceGroup, Unit

    group = ServiceGroup.create(municipality=world.town, name="Helsestasjon",
                                kind="health_station")
    station = Unit.create(group=group, municipality=world.town, name="Helsestasjonen Testvik")
    nurse = factories.employee("Hanne Helsesjukepleiar", "hanne@test.example", world.town,
                               station, Membership.EMPLOYEE)
    Participant.create(plan=plan, person=nurse, role=Participant.SERVICE_PROVIDER, unit=station,
                       status=Participant.ACTIVE)
    MessageRecipient.create(message=Message.get((Message.plan == plan)
                                                & (Message.kind == Message.MINUTES)),
                            person=nurse)
    first = Consent.get((Consent.plan == plan) & (Consent.version == 1))
    ConsentService.create(consent=first, unit=station)
    if how.startswith("withdrawn"):
        assert consent_service.withdraw(plan, plan.guardians[0])
    if how.endswith("new_version"):
        if how == "new_version":
            Consent.update(status=Consent.SUPERSEDED).where(Consent.id == first.id).execute()
        Consent.update(status=Consent.SUPERSEDED).where(
            (Consent.plan == plan) & (Consent.status == Consent.SENT)).execute()
        second = Consent.create(plan=plan, version=3, text="Samtykke v3",
                                created_by=first.created_by, status=Consent.VALID,
                                sent_at=utcnow(), valid_at=utcnow())
        ConsentService.create(consent=second, unit=station)
        Plan.update(status=Plan.ACTIVE).where(Plan.id == plan.id).execute()
    return nurse


NARROWINGS = ("withdrawn", "new_version", "withdrawn_then_new_version")


@pytest.mark.parametrize("how", NARROWINGS)
def test_consent_narrowing_closes_every_plan_route_to_the_removed_service(app, world, how):
    """Once the valid consent no longer names PPT, the PPT employee gets 404 on every plan
    route (GET and POST), at once, and the plan is gone from their "my plans"; the health
    station, still named, keeps reading — unless the consent was withdrawn outright."""
    a, _b, objects, people = _build(world)
    nurse = _narrow(world, a, how)
    still_named = how != "withdrawn"
    wrong = []
    for person, keeps in ((people["provider"], False), (nurse, still_named)):
        client = app.test_client()
        _log_in(client, person)
        for rule in app.url_map.iter_rules():
            if "<int:plan_id>" not in rule.rule:
                continue
            action = ROUTES[rule.endpoint]
            for method in sorted(rule.methods & {"GET", "POST"}):
                if keeps and method == "POST":
                    continue  # an allowed POST would change the world
                response = client.open(_url(rule, a, objects), method=method, data={})
                allowed = keeps and action in (P.PLAN_METADATA, P.PLAN_READ, P.PLAN_CONTRIBUTE)
                # Still named: a known plan, so what the role may not do is a 403.
                ok = (_allowed(response, rule.endpoint, "provider") if allowed
                      else response.status_code == (403 if keeps else 404))
                if not ok:
                    wrong.append(f"{person.name}: {method} {rule.endpoint} -> "
                                 f"{response.status_code} (expected "
                                 f"{'allowed' if allowed else '404'})")
        home = client.get("/").get_data(as_text=True)
        if (a.owner_name in home) != keeps:
            wrong.append(f"{person.name}: my plans {'lacks' if keeps else 'lists'} the plan")
    assert wrong == [], f"{how}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("how", NARROWINGS)
def test_the_participant_list_shows_that_a_removed_service_has_no_access(app, world, how):
    from tests.conftest import tr

    a, _b, _objects, _people = _build(world)
    _narrow(world, a, how)
    client = app.test_client()
    _log_in(client, world.coordinator)
    page = client.get(f"/plans/{a.id}/participants").get_data(as_text=True)
    status = dict(re.findall(r"<tr>\s*<td>([^<]*)</td>\s*<td>.*?</td>\s*<td>([^<]*)</td>", page,
                             re.S))
    ended = tr("Access ended: the valid consent does not name this service")
    assert status[world.provider.name] == ended
    assert status["Hanne Helsesjukepleiar"] == (ended if how == "withdrawn" else tr("Active"))


# --- What the pages offer (issue 8): no link to a page that refuses the person -------------------

HREF = re.compile(r'<a [^>]*href="(/[^"#]*)"')


@pytest.mark.parametrize("state", ["valid_consent", "consent_sent", "withdrawn"])
@pytest.mark.parametrize("role", ["guardian", "stafetthaldar", "provider", "unit_leader"])
def test_no_page_links_to_what_the_person_may_not_do(app, world, role, state):
    """Every plan page the role may open, on a plan in ``state``: each link it shows opens for
    that role (no 403, 404 or 409 behind a link: the policy decides, the template asks)."""
    from html import unescape

    from webapp.models import Plan

    a, _b, objects, people = _build(world)
    if state != "valid_consent":
        Consent.update(status={"consent_sent": Consent.SENT, "withdrawn": Consent.WITHDRAWN}[
            state]).where(Consent.plan == a).execute()
        a.status = Plan.DRAFT if state == "consent_sent" else Plan.PASSIVE
        a.save()
    client = app.test_client()
    _log_in(client, people[role])
    pages, links = set(), {}
    for rule in app.url_map.iter_rules():
        if "<int:plan_id>" in rule.rule and "GET" in rule.methods:
            url = _url(rule, a, objects)
            response = client.get(url)
            if response.status_code == 200 and response.mimetype == "text/html":
                pages.add(url)
                for href in HREF.findall(response.get_data(as_text=True)):
                    links.setdefault(unescape(href).split("?")[0], url)
    wrong = []
    for href, page in sorted(links.items()):
        if href.startswith("/static/") or href in ("/logout",):
            continue
        status = client.get(href).status_code
        if status in (403, 404, 409):
            wrong.append(f"{page} links to {href} -> {status}")
    # A service reads only on a valid consent; everyone else opens some page in every state.
    assert bool(pages) == (role != "provider" or state == "valid_consent"), role
    assert wrong == [], f"{role} on a plan with {state}:\n" + "\n".join(wrong)


def test_only_those_who_can_take_the_next_step_are_sent_to_it(app, world):
    """The plan page's "Go to the step" is the stafetthaldar's; a guardian or a service reads
    the same checklist without a button to a page that is not theirs (issue 8)."""
    from tests.conftest import tr

    a, _b, _objects, people = _build(world)
    button = tr("Go to the step")
    seen = {}
    for role in ("stafetthaldar", "guardian", "provider"):
        client = app.test_client()
        _log_in(client, people[role])
        page = client.get(f"/plans/{a.id}").get_data(as_text=True)
        seen[role] = button in page and tr("Next step") in page
    assert seen == {"stafetthaldar": True, "guardian": False, "provider": False}
