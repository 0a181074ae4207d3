"""The role × route matrix (issue 2): every route in ``app.url_map`` declares its access policy,
is listed here, has a kebab-case URL with typed parameters, refuses POSTs without a CSRF token,
and answers each role as the policy says — on a plan where the role is held (A) and on a plan
where it is not (B). Refused POSTs change no row; objects of plan B put into plan A's URLs or
forms are refused; a passive plan (consent withdrawn) closes the content to services.

Adding a route: add ``endpoint: action`` to ``ROUTES``; a new URL parameter needs an entry in
``PARAMS`` and an object in ``_contents()``; a view that also checks the object (so an allowed
role may still get 403/404/409) goes in ``OBJECT_CHECKS`` with the reason.

A new route without an entry in ``ROUTES`` fails ``test_every_route_is_in_the_matrix``;
``test_a_route_without_policy_or_entry_is_reported`` shows that on a route added for the test.
"""

import re

import pytest

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
                       policy.requires_plan(P.PLAN_READ)(lambda plan: "read"))
    fresh.add_url_rule("/plans/<plan_id>/New_Page", "plans.badly_named",
                       policy.requires_plan(P.PLAN_READ)(lambda plan: "read"))
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
    "consent_id": lambda o: o["consent"].id,  # the plan's valid consent
    "signature_id": lambda o: o["signature"].id,  # the first guardian's signature on it
    "person_id": lambda o: o["guardian"].id,  # a signer of the consent (the first guardian)
    "goal_id": lambda o: o["goal"].id,
    "activity_id": lambda o: o["activity"].id,  # an activity of that goal
    "meeting_id": lambda o: o["meeting"].id,
    "message_id": lambda o: o["minutes"].id,  # minutes, also a message to every participant
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
    signature = Signature.get((Signature.consent == consent)
                              & (Signature.person == plan.guardians[0]))
    return {"consent": consent, "signature": signature, "guardian": plan.guardians[0],
            "goal": goal, "activity": activity, "meeting": meeting, "minutes": minutes}


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
    """Every row of every table (the audit trail and login sessions aside: a refused request
    writes its audit entry, and a request touches its session)."""
    from webapp.models import MODELS, AuditEntry, AuthSession

    return {
        model.__name__: list(model.select().order_by(model._meta.primary_key).tuples())
        for model in MODELS if model not in (AuditEntry, AuthSession)
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


def _allowed(response, endpoint):
    if response.status_code == 302:
        return "/login?" not in response.headers["Location"] and not response.headers[
            "Location"].endswith("/login")
    if endpoint in OBJECT_CHECKS:
        return response.status_code not in (401, 500)
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
            ok = _allowed(response, rule.endpoint)
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
            ok = _allowed(response, rule.endpoint)
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
