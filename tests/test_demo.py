"""The demo municipality (`flask demo-data`, loaded by `make run`): fictional, complete, and
loadable twice."""

from webapp import identity
from webapp.demo import DEMO_PASSWORD, load_demo
from webapp.extensions import limiter
from webapp.models import Goal, Lysglimt, Message, Person, Plan


def test_demo_has_plans_in_every_state_and_only_fictional_people(app, client):
    logins = load_demo()
    assert load_demo() == logins  # a second run changes nothing
    assert Plan.select().count() == 10  # nine in Fjellvik, one in Vikøy
    # A deleted plan is a blanked statistics row: nobody can open it, so the demo needs none.
    assert {plan.status for plan in Plan.select()} >= set(Plan.STATUSES) - {Plan.DELETED}
    for plan in Plan.select():
        # Synthetic test numbers only (month + 80): refused where synthetic numbers are not.
        identity.parse(plan.owner_national_id, allow_synthetic=True)
        assert int(plan.owner_national_id[2:4]) > 80
    assert all(p.email.endswith(".example") for p in Person.select() if p.email)
    assert Goal.select().count() >= 1 and Message.select().count() >= 1
    assert Lysglimt.select().count() >= 2  # the log is not only about problems (SPEC §4)
    # Issue 10's states: evaluated with outcome b, level 2 with PPT, a transfer waiting for the
    # school's leader, an archived plan with its PDF, the reasons the others stopped.
    from webapp.models import Meeting, PlanArchive, Transfer

    assert Meeting.select().where(Meeting.outcome == "continue").count() == 1
    assert Plan.select().where(Plan.bti_level == 2).count() >= 1
    assert Transfer.select().where(Transfer.status == Transfer.WAITING).count() == 1
    assert PlanArchive.select().join(Plan).where(Plan.status == Plan.ARCHIVED).count() == 1
    assert Plan.select().where(Plan.status.in_((Plan.PASSIVE, Plan.CLOSED, Plan.ARCHIVED))
                               & Plan.closed_reason.is_null()).count() == 0

    for _role, email in logins:
        person = Person.get(Person.email == email)
        if person.is_employee:
            limiter.reset()  # more demo logins than LOGIN_RATE_LIMIT allows in a minute
            response = client.post("/login", data={"email": email, "password": DEMO_PASSWORD})
            assert response.status_code == 302, email
            assert client.get("/").status_code == 200
            client.post("/logout")


def test_every_checklist_link_of_every_demo_plan_leads_somewhere(app):
    """No dead ends (issue 10): every link in the checklist (and "Go to the step") of every demo
    plan, in every state, as the plan's stafetthaldar and as a guardian, opens a page where the
    step is done or read, or the routine's explanation of what blocks it — never 403, 404 or
    500."""
    import re
    from html import unescape

    from tests.conftest import sign_in
    from webapp.models import Participant

    load_demo()
    wrong, seen = [], 0
    for plan in list(Plan.select()):
        for role in (Participant.STAFETTHALDAR, Participant.GUARDIAN):
            participant = (Participant.select(Participant, Person).join(Person)
                           .where((Participant.plan == plan) & (Participant.role == role)
                                  & (Participant.status == Participant.ACTIVE)).first())
            if participant is None:
                continue
            client = app.test_client()
            if participant.person.is_employee:
                client.post("/login", data={"email": participant.person.email,
                                            "password": DEMO_PASSWORD})
            else:
                sign_in(client, participant.person)
            page = client.get(f"/plans/{plan.id}/checklist").get_data(as_text=True)
            checklist = re.search(r'<ol class="checklist">.*?</ol>', page, re.S).group(0)
            next_step = re.search(r'<section class="notice notice--ok".*?</section>', page, re.S)
            links = re.findall(r'href="([^"]+)"', checklist + (next_step.group(0) if next_step
                                                              else ""))
            if role == Participant.GUARDIAN:  # and every link of the family's own plan page
                family = client.get(f"/plans/{plan.id}").get_data(as_text=True)
                main = re.search(r'<div class="plan-main">.*?</main>', family, re.S).group(0)
                links += re.findall(r'href="([^"#]+)"', main)
            for href in dict.fromkeys(unescape(h) for h in links):
                seen += 1
                status = client.get(href).status_code
                if status not in (200, 409):
                    wrong.append(f"{plan.owner_name} ({plan.status}), {role}: {href} -> {status}")
    assert seen > 20
    assert wrong == []


def test_the_demo_administration_has_no_dead_ends_and_keeps_the_municipalities_apart(app):
    """Issue 11: Fjellvik's and Vikøy's administrators and Vikøy's leader open every page of
    the administration they are linked to (no 403, 404 or 500); Vikøy's pages name nothing of
    Fjellvik but the shared PPT; the PPT adviser of Fjellvik takes part in Vikøy's plan."""
    import re
    from html import unescape

    from webapp.models import Participant, UnitServes

    logins = dict(load_demo())
    vikoy_plan = Plan.get(Plan.owner_name == "Aksel Holmvik")
    adviser = Person.get(Person.email == logins["Employee, PPT"])
    assert Participant.select().where((Participant.plan == vikoy_plan)
                                      & (Participant.person == adviser)).exists()
    assert UnitServes.select().count() == 1
    fjellvik_names = [p.name for p in Person.select().where(
        Person.is_employee & (Person.municipality != vikoy_plan.municipality_id))
        if p.id != adviser.id] + ["Solsida barnehage", "Nordbygda skule", "Fjellvik kommune"]
    for role in ("Municipality administrator, Fjellvik", "Municipality administrator, Vikøy",
                 "Unit leader, Vikøy skule", "Unit leader, Solsida barnehage",
                 "Group administrator (kindergartens)"):
        client = app.test_client()
        assert client.post("/login", data={"email": logins[role],
                                           "password": DEMO_PASSWORD}).status_code == 302
        queue, seen, wrong = ["/admin"], set(), []
        while queue:
            url = queue.pop()
            if url in seen:
                continue
            seen.add(url)
            response = client.get(url)
            if response.status_code != 200:
                wrong.append(f"{role}: {url} -> {response.status_code}")
                continue
            page = response.get_data(as_text=True)
            if "Vikøy" in role:
                wrong += [f"{role}: {url} names {name}" for name in fjellvik_names
                          if name in page]
            queue += [unescape(h) for h in re.findall(r'href="(/admin[^"#]*)"', page)]
        assert len(seen) >= 2, role
        assert wrong == []
