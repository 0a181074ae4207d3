"""The role × route matrix (issue 2): every route in ``app.url_map`` declares its access policy,
is listed here, has a kebab-case URL with typed parameters, refuses POSTs without a CSRF token,
and answers each role as the policy says — on a plan where the role is held (A) and on a plan
where it is not (B).

A new route without an entry in ``ROUTES`` fails ``test_every_route_is_in_the_matrix``;
``test_a_route_without_policy_or_entry_is_reported`` shows that on a route added for the test.
"""

import re

import pytest
from flask import Flask

from tests import factories
from tests.test_consent import sign_in
from webapp import policy
from webapp.models import (
    Activity,
    Consent,
    Goal,
    Meeting,
    Message,
    MessageRecipient,
    Participant,
    Signature,
    utcnow,
)

P = policy
# Every endpoint and the action its view declares (webapp/policy.py).
ROUTES = {
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
    "goals.edit_activity": P.PLAN_MANAGE,
    "goals.edit_goal": P.PLAN_MANAGE,
    "goals.index": P.PLAN_READ,
    "goals.new_activity": P.PLAN_MANAGE,
    "goals.new_goal": P.PLAN_MANAGE,
    "main.home": P.AUTHENTICATED,
    "main.plain_language": P.AUTHENTICATED,
    "main.set_language": P.PUBLIC,
    "meetings.calendar": P.PLAN_READ,
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
    "participants.index": P.PLAN_READ,
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
    "plans.start_wizard": P.CREATE_PLAN,
    "timeline.index": P.PLAN_READ,
}

# Views that check the object as well as the plan (the policy lets the role in, the data may
# still say no): a role the action allows may get 403/404/409 there, never a login page.
OBJECT_CHECKS = {
    "consent.sign": "only a signer with a signature still pending",
    "consent.send_code": "only a signer of this version",
    "consent.record_paper": "only a signature still pending",
    "consent.paper_scan": "only a signature with a scan",
    "minutes.edit": "the stafetthaldar or the meeting's minute-taker (policy.may_write_minutes)",
    "minutes.new": "the stafetthaldar or a minute-taker (policy.may_write_minutes)",
    "minutes.save": "the stafetthaldar or the meeting's minute-taker (policy.may_write_minutes)",
}

# Who holds each action on plan A (valid consent, active) — SPEC §2 and webapp/policy.py.
ROLES = ("anonymous", "family_without_plan", "guardian", "stafetthaldar", "provider",
         "unit_leader", "group_admin", "other_coordinator", "foreign_coordinator",
         "unit_employee")
CONTENT = {"guardian", "stafetthaldar", "provider"}
ALLOWED_ON_A = {
    P.PLAN_METADATA: CONTENT | {"unit_leader", "group_admin"},
    P.PLAN_READ: CONTENT,
    P.PLAN_CONTRIBUTE: CONTENT,
    P.PLAN_MANAGE: {"stafetthaldar"},
    P.CONSENT_DECIDE: {"guardian"},
}
EMPLOYEES = {"stafetthaldar", "provider", "unit_leader", "group_admin", "other_coordinator",
             "foreign_coordinator", "unit_employee"}
ALLOWED = {
    P.PUBLIC: set(ROLES),
    P.DEVELOPMENT: set(ROLES),  # in development, from this machine (404 otherwise)
    P.AUTHENTICATED: set(ROLES) - {"anonymous"},
    P.EMPLOYEE: EMPLOYEES,
    P.CREATE_PLAN: {"stafetthaldar", "unit_leader", "other_coordinator", "foreign_coordinator"},
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
    shadow = Flask("shadow")
    for rule in app.url_map.iter_rules():
        if rule.endpoint != "static":
            shadow.add_url_rule(rule.rule, rule.endpoint, app.view_functions[rule.endpoint],
                                methods=rule.methods)
    shadow.add_url_rule("/plans/<plan_id>/New_Page", "plans.unguarded", lambda plan_id: "open")
    problems = route_problems(shadow, ROUTES)
    assert "plans.unguarded: no access policy (decorate it from webapp.policy)" in problems
    assert "plans.unguarded: no entry in the matrix (tests/test_policy_matrix)" in problems
    assert "plans.unguarded: /plans/<plan_id>/New_Page is not kebab-case" in problems
    assert "plans.unguarded: parameter <plan_id> has no type" in problems


# --- The data dimension -----------------------------------------------------------------------


def _build(world):
    """Plan A (valid consent, a service provider, and an object for every URL parameter), and
    plan B in another group (PPT), where none of the roles has a role."""
    a = world.plan("valid_consent", provider=world.provider)
    outsider = factories.employee("Oda Utanfor", "oda@test.example", world.town, world.ppt,
                                  "coordinator")
    b = world.plan("valid_consent", holder=outsider, unit=world.ppt, owner_name="Berit Annan")
    holder = Participant.get((Participant.plan == a) & (Participant.role == "stafetthaldar"))
    goal = Goal.create(plan=a, title="Mål 15 minutt", created_by=world.coordinator)
    activity = Activity.create(goal=goal, title="Lesekvart", responsible=holder)
    meeting = Meeting.create(plan=a, kind="startup", starts_at=utcnow(), minute_taker=holder)
    minutes = Message.create(plan=a, kind=Message.MINUTES, meeting=meeting,
                             author=world.coordinator, subject="Referat", body="Tekst")
    for participant in Participant.select().where(Participant.plan == a):
        MessageRecipient.create(message=minutes, person=participant.person)
    consent = Consent.get(Consent.plan == a)
    signature = Signature.get(Signature.consent == consent)
    params = {
        "consent_id": consent.id, "signature_id": signature.id,
        "person_id": a.guardians[0].id, "goal_id": goal.id, "activity_id": activity.id,
        "meeting_id": meeting.id, "message_id": minutes.id,
    }
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
    }
    return a, b, params, people


def _url(rule, plan, params):
    def value(match):
        name = match.group(1).split(":")[-1]
        if name == "plan_id":
            return str(plan.id)
        assert name in params, f"{rule.endpoint}: add an object for <{name}> to _build()"
        return str(params[name])

    return PARAM.sub(value, rule.rule)


def _refused_as(response, role, may_know_plan):
    """How a refusal looks: the login page for anonymous, 403 for a plan one may see, else
    404 (its existence is not revealed)."""
    if role == "anonymous":
        return response.status_code == 302 and "/login" in response.headers["Location"]
    return response.status_code == (403 if may_know_plan else 404)


def _allowed(response, endpoint):
    if response.status_code == 302:
        return "/login?" not in response.headers["Location"] and not response.headers[
            "Location"].endswith("/login")
    if endpoint in OBJECT_CHECKS:
        return response.status_code not in (401, 500)
    return response.status_code not in (401, 403, 404, 500)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_what_the_policy_says(app, world, role):
    a, b, params, people = _build(world)
    client = app.test_client()
    person = people.get(role)
    if person is not None and person.is_employee:
        assert client.post("/login", data={"email": person.email,
                                           "password": factories.PASSWORD}).status_code == 302
    elif person is not None:
        sign_in(client, person)

    wrong = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        action = ROUTES[rule.endpoint]
        methods = ["GET"] if "GET" in rule.methods else ["POST"]
        if "POST" in rule.methods and "GET" in rule.methods:
            methods.append("POST")
        plans = [a, b] if "<int:plan_id>" in rule.rule else [None]
        for plan in plans:
            url = _url(rule, plan, params) if plan else _url(rule, a, params)
            if plan is None:
                allowed = role in ALLOWED[action]
            elif plan is a:
                allowed = role in ALLOWED_ON_A[action]
            else:
                allowed = False
            may_know = plan is a and role in ALLOWED_ON_A[P.PLAN_METADATA]
            for method in methods:
                if method == "POST" and allowed:
                    continue  # an allowed POST would change the world the other checks use
                if rule.endpoint == "auth.logout" and allowed:
                    continue
                response = client.open(url, method=method, data={})
                ok = (_allowed(response, rule.endpoint) if allowed
                      else _refused_as(response, role, may_know)
                      if plan is not None or action not in ALLOWED
                      else _refused_non_plan(response, role))
                if not ok:
                    where = "A" if plan is a else "B" if plan is b else "-"
                    wrong.append(f"{method} {rule.endpoint} [{where}] -> "
                                 f"{response.status_code} (expected "
                                 f"{'allowed' if allowed else 'refused'})")
    assert wrong == [], f"{role}:\n" + "\n".join(wrong)


def _refused_non_plan(response, role):
    if role == "anonymous":
        return response.status_code == 302 and "/login" in response.headers["Location"]
    return response.status_code in (403, 404)


def test_refused_posts_change_nothing(app, world):
    """A guardian's refused POSTs to every stafetthaldar-only route leave the data as it was."""
    a, _b, params, _people = _build(world)
    from webapp.models import MODELS

    def snapshot():
        return {model.__name__: model.select().count() for model in MODELS}

    client = app.test_client()
    sign_in(client, a.guardians[0])
    before = snapshot()
    for rule in app.url_map.iter_rules():
        if "POST" in rule.methods and ROUTES.get(rule.endpoint) == P.PLAN_MANAGE:
            response = client.post(_url(rule, a, params), data={"title": "x", "body": "x"})
            assert response.status_code == 403, rule.endpoint
    after = snapshot()
    # Each refused request still writes its audit entry (a read attempt is logged).
    before.pop("AuditEntry"), after.pop("AuditEntry")
    assert after == before


def test_every_post_needs_a_csrf_token(app, world):
    a, _b, params, _people = _build(world)
    client = app.test_client()
    assert client.post("/login", data={"email": world.coordinator.email,
                                       "password": factories.PASSWORD}).status_code == 302
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        missing = []
        for rule in app.url_map.iter_rules():
            if "POST" not in rule.methods:
                continue
            response = client.post(_url(rule, a, params), data={"title": "x"})
            if response.status_code != 400:
                missing.append(f"{rule.endpoint} -> {response.status_code}")
        assert missing == []
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
