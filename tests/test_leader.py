"""The leader's pages (issue 11 items 4-7; SPEC §2, §3.9, §4): the overview of the units' plans
as metadata, the review worklist, a new stafetthaldar at absence, asking for an overdue
evaluation, and the reminders for cron."""

import html
import re
from datetime import date, timedelta

import pytest

from tests import factories
from tests.conftest import sign_in, tr
from tests.querycount import queries_for
from webapp.audit import add_event
from webapp.identity import make_synthetic
from webapp.models import (
    ESTABLISH_LEADER,
    ConsentService,
    Handover,
    Membership,
    Municipality,
    OutboxMessage,
    Participant,
    Person,
    Plan,
    SentReminder,
    TimelineEvent,
    UnitReview,
    oslo_today,
    utcnow,
)

TODAY = date.today()


def _owners(page):
    """The plan owners' names in the order the overview lists them."""
    return re.findall(r'<td><a href="/plans/\d+">([^<]+)</a></td>', page)


def _holder(plan):
    return Participant.get((Participant.plan == plan)
                           & (Participant.role == Participant.STAFETTHALDAR)).person_id


# --- The overview ------------------------------------------------------------------------------


def test_each_leader_sees_the_plans_of_the_units_they_oversee(app, world, login_as):
    world.plan(owner_name="Ada Eple")
    world.plan(owner_name="Per Pære", holder=world.other_coordinator, unit=world.other_unit)
    world.plan(owner_name="Olav PPT", holder=world.provider, unit=world.ppt)
    chief = factories.employee("Mona Kommune", "mona@test.example", world.town)
    Membership.create(person=chief, role=Membership.MUNICIPALITY_ADMIN)
    seen = {}
    for person in (world.leader, world.group_admin, chief, world.other_leader):
        client = app.test_client()
        client.post("/login", data={"email": person.email, "password": factories.PASSWORD})
        response = client.get("/leader/plans")
        assert response.status_code == 200
        seen[person.name] = sorted(_owners(response.get_data(as_text=True)))
    assert seen == {
        "Leif Leiar": ["Ada Eple"],
        "Gro Gruppe": ["Ada Eple", "Per Pære"],
        "Mona Kommune": ["Ada Eple", "Olav PPT", "Per Pære"],
        "Olga Leiar": ["Per Pære"],
    }


def test_employees_without_a_leader_role_are_refused(world, login_as):
    client = login_as(world.coordinator)
    assert client.get("/leader/plans").status_code == 403
    assert client.get("/leader/review").status_code == 403


def test_the_overview_shows_the_metadata_columns(world, login_as):
    plan = world.plan(owner_name="Ada Eple")
    Plan.update(next_evaluation=TODAY - timedelta(days=3), bti_level=2).where(
        Plan.id == plan.id).execute()
    page = login_as(world.leader).get("/leader/plans").get_data(as_text=True)
    row = page[page.index("Ada Eple"):page.index("</tr>", page.index("Ada Eple"))]
    assert world.coordinator.name in row
    assert "Eple barnehage" in row
    assert tr("Active") in row
    assert tr("Overdue") in row
    assert ">2<" in row


def test_sorting_by_each_column_and_both_directions(world, login_as):
    for name, days in (("Cecilie", 30), ("Anna", 10), ("Berit", 20)):
        plan = world.plan(owner_name=name)
        Plan.update(next_evaluation=TODAY + timedelta(days=days)).where(
            Plan.id == plan.id).execute()
    client = login_as(world.leader)
    assert _owners(client.get("/leader/plans?sort=owner").text) == ["Anna", "Berit", "Cecilie"]
    assert _owners(client.get("/leader/plans?sort=owner&dir=desc").text) == [
        "Cecilie", "Berit", "Anna"]
    assert _owners(client.get("/leader/plans?sort=evaluation").text) == [
        "Anna", "Berit", "Cecilie"]
    for column in ("status", "level", "holder", "created", "activity", "evaluation", "overdue",
                   "unit"):
        for direction in ("asc", "desc"):
            response = client.get(f"/leader/plans?sort={column}&dir={direction}")
            assert response.status_code == 200, column
            assert sorted(_owners(response.text)) == ["Anna", "Berit", "Cecilie"]


def test_filters_by_status_level_unit_overdue_and_quiet(world, login_as):
    active = world.plan(owner_name="Aktiv Eple")
    Plan.update(next_evaluation=TODAY - timedelta(days=1)).where(Plan.id == active.id).execute()
    world.plan("withdrawn", owner_name="Passiv Eple")
    level2 = world.plan(owner_name="Nivå To")
    Plan.update(bti_level=2, next_evaluation=TODAY + timedelta(days=9)).where(
        Plan.id == level2.id).execute()
    quiet = world.plan(owner_name="Stille Logg")
    Plan.update(created_at=utcnow() - timedelta(weeks=10)).where(Plan.id == quiet.id).execute()
    world.plan(owner_name="Pære Plan", holder=world.other_coordinator, unit=world.other_unit)
    client = login_as(world.group_admin)

    def owners(query):
        response = client.get("/leader/plans?" + query)
        assert response.status_code == 200, query
        return sorted(_owners(response.text))

    assert owners("status=passive") == ["Passiv Eple"]
    assert owners("status=not_archived") == ["Passiv Eple"]
    assert owners("level=2") == ["Nivå To"]
    assert owners(f"unit={world.other_unit.id}") == ["Pære Plan"]
    assert owners("overdue=yes") == ["Aktiv Eple"]
    assert "Aktiv Eple" not in owners("overdue=no")
    assert owners("quiet=yes") == ["Stille Logg"]
    assert owners("status=active&level=2&overdue=no") == ["Nivå To"]


@pytest.mark.parametrize("query", [
    "sort=nonsense", "sort=owner&dir=sideways", "status=deleted", "status=%3Cscript%3E",
    "level=9", "level=-1", "unit=99999999999999999999999", "unit=abc", "overdue=maybe",
    "page=99999999999999999999", "page=-3", "page=abc", "quiet=1&holder=nobody",
    "unit=%00", "status=active%00",
])
def test_unknown_sort_filter_and_page_values_show_a_page(world, login_as, query):
    world.plan(owner_name="Ada Eple")
    client = login_as(world.leader)
    response = client.get("/leader/plans?" + query)
    assert response.status_code == 200
    assert "Ada Eple" in response.text or "status=" in query
    review = client.get("/leader/review?" + query)
    assert review.status_code == 200


def test_a_unit_of_another_leader_is_no_filter(world, login_as):
    world.plan(owner_name="Ada Eple")
    world.plan(owner_name="Per Pære", holder=world.other_coordinator, unit=world.other_unit)
    client = login_as(world.leader)
    assert _owners(client.get(f"/leader/plans?unit={world.other_unit.id}").text) == ["Ada Eple"]
    assert "Per Pære" not in client.get(f"/leader/review?unit={world.other_unit.id}").text


def test_pages_of_fifty(world, login_as):
    _many_plans(world, 120)
    client = login_as(world.leader)
    assert len(_owners(client.get("/leader/plans").text)) == 50
    last = client.get("/leader/plans?page=3&sort=owner")
    assert len(_owners(last.text)) == 20
    assert client.get("/leader/plans?page=999").text.count("<tr>") == last.text.count("<tr>")


def test_reading_the_overview_writes_no_audit_entry(world, login_as):
    from webapp.models import AuditEntry

    world.plan(owner_name="Ada Eple")
    client = login_as(world.leader)
    client.get("/leader/plans")
    client.get("/leader/review")
    assert AuditEntry.select().count() == 0


# --- A constant number of queries ---------------------------------------------------------------


def _many_plans(world, count, unit=None):
    """``count`` plans in ``unit`` (the leader's by default), each with a stafetthaldar and a
    timeline event; some overdue, passive, archived or with a deactivated stafetthaldar."""
    unit = unit or world.unit
    gone = factories.employee(f"Gått {count}", f"gone{count}@test.example", world.town, unit,
                              Membership.EMPLOYEE)
    Person.update(active=False).where(Person.id == gone.id).execute()
    statuses = (Plan.ACTIVE, Plan.ACTIVE, Plan.PASSIVE, Plan.ARCHIVED, Plan.CLOSED)
    rows = [{
        "municipality": world.town.id, "unit": unit.id, "owner_name": f"Barn {n:05d}",
        "owner_national_id": make_synthetic(date(2015, 1, 1) + timedelta(days=n % 2000)),
        "owner_birth_date": date(2015, 1, 1), "status": statuses[n % len(statuses)],
        "created_by": world.coordinator.id, "created_at": utcnow(), "updated_at": utcnow(),
        "next_evaluation": TODAY + timedelta(days=n % 60 - 30),
    } for n in range(count)]
    before = Plan.select(Plan.id).order_by(Plan.id.desc()).scalar() or 0
    for start in range(0, count, 500):
        Plan.insert_many(rows[start:start + 500]).execute()
    ids = [p.id for p in Plan.select(Plan.id).where(Plan.id > before).order_by(Plan.id)]
    holders = [{"plan": pid, "person": (gone if n % 7 == 0 else world.coordinator).id,
                "role": "stafetthaldar", "status": "active", "invited_at": utcnow()}
               for n, pid in enumerate(ids) if n % 11]
    events = [{"plan": pid, "kind": "plan_created", "at": utcnow() - timedelta(weeks=n % 12),
               "detail": ""} for n, pid in enumerate(ids)]
    for start in range(0, len(ids), 500):
        Participant.insert_many(holders[start:start + 500]).execute()
        TimelineEvent.insert_many(events[start:start + 500]).execute()
    Plan.note_last_events(ids)
    return ids


LEADER_URLS = ("/leader/plans", "/leader/plans?sort=activity&dir=desc&quiet=yes",
               "/leader/plans?sort=holder&overdue=yes&page=2", "/leader/review", "/")


def test_the_pages_run_the_same_queries_for_10_and_2000_plans(world, login_as):
    _many_plans(world, 10)
    client = login_as(world.leader)
    few = [queries_for(client, url) for url in LEADER_URLS]
    _many_plans(world, 1990)
    assert Plan.select().where(Plan.unit == world.unit).count() == 2000
    assert [queries_for(client, url) for url in LEADER_URLS] == few
    group = login_as(world.group_admin)
    assert [queries_for(group, url) for url in LEADER_URLS[:4]] == few[:4]


# --- Zero bytes of content ------------------------------------------------------------------------


def test_a_leader_sees_no_content_of_the_demo_on_any_leader_page(app):
    """Every goal, activity, minutes, message and overview text of the demo: none of it on any
    page a demo leader opens (overview in every sort and filter, review, appointing), whatever
    their unit."""
    from webapp.demo import DEMO_PASSWORD, load_demo
    from webapp.models import Activity, Goal, Message

    load_demo()
    texts = set()
    for plan in Plan.select():
        texts.update(p.strip() for p in plan.overview.split(".") if len(p.strip()) > 12)
    for goal in Goal.select():
        texts.update((goal.title, goal.description))
    for activity in Activity.select():
        texts.update((activity.title, activity.when, activity.description))
    for message in Message.select():
        texts.add(message.subject)
        texts.update(p for p in message.body.split("\n") if len(p.strip()) > 12)
    texts = {t for t in texts if t and len(t) > 8}
    assert len(texts) > 20
    urls = ["/", "/leader/plans", "/leader/review", "/leader/plans?status=active",
            "/leader/plans?overdue=yes", "/leader/plans?quiet=yes", "/leader/plans?holder=missing"]
    urls += [f"/leader/plans?sort={s}&dir={d}" for s in ("owner", "holder", "activity", "unit")
             for d in ("asc", "desc")]
    leaked = []
    for local in ("leiar.solsida", "rektor.nordbygda", "gruppeadmin"):
        person = Person.get(Person.email == f"{local}@fjellvik.example")
        client = app.test_client()
        assert client.post("/login", data={"email": person.email,
                                           "password": DEMO_PASSWORD}).status_code == 302
        pages = {url: client.get(url) for url in urls}
        for plan in list(Plan.select().where(Plan.municipality == person.municipality_id)):
            pages[f"/leader/plans/{plan.id}/appoint"] = client.get(
                f"/leader/plans/{plan.id}/appoint")
        for url, response in pages.items():
            assert response.status_code in (200, 403, 404), (local, url)
            body = html.unescape(response.get_data(as_text=True))
            leaked += [f"{local} {url}: {t!r}" for t in texts if t in body]
    assert leaked == []


# --- Continuity at absence ------------------------------------------------------------------------


def _appoint(client, plan, person, **data):
    form = {"new_holder": person.id, "wish": Handover.NO_WISH, "note": ""}
    form.update(data)
    return client.post(f"/leader/plans/{plan.id}/appoint", data=form)


def test_a_deactivated_stafetthaldar_is_replaced_and_the_family_told(world, login_as):
    plan = world.plan(owner_name="Ada Eple", provider=world.provider)
    Person.update(active=False).where(Person.id == world.coordinator.id).execute()
    client = login_as(world.leader)
    review = client.get("/leader/review").text
    needs = review[review.index('id="needs-holder"'):review.index('id="quiet"')]
    assert "Ada Eple" in needs and tr("Needs a new stafetthaldar") in needs
    form = client.get(f"/leader/plans/{plan.id}/appoint")
    assert form.status_code == 200 and 'name="access"' not in form.text
    OutboxMessage.delete().execute()
    response = _appoint(client, plan, world.provider, wish=Handover.WISHED_NEW)
    assert response.status_code == 302, response.text
    assert _holder(plan) == world.provider.id
    handover = Handover.get(Handover.plan == plan)
    assert (handover.from_person_id, handover.by_id, handover.wish) == (
        world.coordinator.id, world.leader.id, Handover.WISHED_NEW)
    event = TimelineEvent.select().where(TimelineEvent.plan == plan).order_by(
        TimelineEvent.id.desc()).first()
    assert event.kind == "stafetthaldar_appointed"
    recipients = {m.recipient: m.body for m in OutboxMessage.select()}
    family = {g.email for g in plan.guardians}
    assert set(recipients) == family | {world.provider.email}
    for address, body in recipients.items():
        for word in ("Ada", "Eple", world.provider.name, world.coordinator.name,
                     world.leader.name, "barnehage"):
            assert word not in body, (address, word)
    assert "stafetthaldar" in recipients[plan.guardians[0].email]
    old = Participant.get((Participant.plan == plan) & (Participant.person == world.coordinator))
    assert old.status == Participant.ENDED
    after = client.get("/leader/review").text
    assert "Ada Eple" not in after[after.index('id="needs-holder"'):after.index('id="quiet"')]


def test_an_absent_stafetthaldar_keeps_access_only_where_the_consent_names_the_unit(
        world, login_as):
    plan = world.plan(owner_name="Ada Eple", provider=world.provider)
    client = login_as(world.leader)
    assert 'name="access"' in client.get(f"/leader/plans/{plan.id}/appoint").text
    refused = _appoint(client, plan, world.provider, access="keep")
    assert refused.status_code == 422
    assert _holder(plan) == world.coordinator.id
    assert _appoint(client, plan, world.provider, access="end").status_code == 302
    assert _holder(plan) == world.provider.id


def test_a_unit_employee_is_appointed_only_when_the_consent_names_the_unit(world, login_as):
    plan = world.plan(owner_name="Ada Eple")
    Person.update(active=False).where(Person.id == world.coordinator.id).execute()
    client = login_as(world.leader)
    page = client.get(f"/leader/plans/{plan.id}/appoint").text
    assert tr("Ask the family for a consent that names the unit's service; then you can "
              "appoint one of the unit's employees.", html=False) in html.unescape(page)
    assert _appoint(client, plan, world.employee).status_code == 422
    assert _holder(plan) == world.coordinator.id
    from webapp.models import Consent

    ConsentService.create(consent=Consent.get(Consent.plan == plan), unit=world.unit)
    assert world.employee.name in client.get(f"/leader/plans/{plan.id}/appoint").text
    assert _appoint(client, plan, world.employee).status_code == 302
    assert _holder(plan) == world.employee.id
    row = Participant.get((Participant.plan == plan) & (Participant.person == world.employee))
    assert (row.role, row.status, row.unit_id) == ("stafetthaldar", "active", world.unit.id)


@pytest.mark.parametrize("state", ["withdrawn", "consenters_active"])
def test_a_log_without_a_valid_consent_gets_a_unit_employee_to_finish_it(app, world, login_as,
                                                                        state):
    """A passive log after a withdrawal (or one still waiting for its consent) whose
    stafetthaldar has left is not stuck: the leader appoints one of the unit's employees, who
    can then close and archive it (or get the consent); a service is still not offered."""
    plan = world.plan(state, owner_name="Ada Eple")
    Person.update(active=False).where(Person.id == world.coordinator.id).execute()
    client = login_as(world.leader)
    page = client.get(f"/leader/plans/{plan.id}/appoint").text
    assert world.employee.name in page and world.provider.name not in page
    assert _appoint(client, plan, world.provider).status_code == 422
    assert _appoint(client, plan, world.employee).status_code == 302
    assert _holder(plan) == world.employee.id
    if state == "withdrawn":
        new_holder = sign_in(app.test_client(), world.employee)
        assert new_holder.get(f"/plans/{plan.id}/close").status_code == 200


@pytest.mark.parametrize("bad", ["", "abc", "999999", "-1", "99999999999999999999999"])
def test_appointing_someone_not_offered_is_refused_on_the_form(world, login_as, bad):
    plan = world.plan(owner_name="Ada Eple", provider=world.provider)
    client = login_as(world.leader)
    response = client.post(f"/leader/plans/{plan.id}/appoint",
                           data={"new_holder": bad, "wish": "nonsense", "note": "x" * 300})
    assert response.status_code == 422
    assert _holder(plan) == world.coordinator.id


def test_a_foreign_employee_is_not_appointed(world, login_as):
    plan = world.plan(owner_name="Ada Eple", provider=world.provider)
    response = _appoint(login_as(world.leader), plan, world.foreign_coordinator)
    assert response.status_code == 422
    assert _holder(plan) == world.coordinator.id


# --- The review worklist --------------------------------------------------------------------------


def _section(page, anchor, following):
    return page[page.index(f'id="{anchor}"'):page.index(f'id="{following}"')]


def test_the_worklist_reads_the_quiet_weeks_and_the_scope_of_each_request(world, login_as,
                                                                           config):
    """The worklist's query is built once (webapp.db.Prepared): the cutoff for quiet logs, the
    day and the units are values of each request, not of the first one."""
    quiet = world.plan(owner_name="Stille Logg")
    Plan.update(created_at=utcnow() - timedelta(weeks=6)).where(Plan.id == quiet.id).execute()
    client = login_as(world.group_admin)  # both units of the group
    config(QUIET_LOG_WEEKS=8)
    assert "Stille Logg" not in _section(client.get("/leader/review").text, "quiet",
                                         "not-archived")
    config(QUIET_LOG_WEEKS=5)
    page = client.get("/leader/review").text
    assert "Stille Logg" in _section(page, "quiet", "not-archived")
    assert "Stille Logg" not in _section(
        client.get(f"/leader/review?unit={world.other_unit.id}").text, "quiet", "not-archived")


def test_the_worklist_lists_each_kind_of_log(world, login_as):
    overdue = world.plan(owner_name="Seint Evaluert")
    Plan.update(next_evaluation=TODAY - timedelta(days=5)).where(Plan.id == overdue.id).execute()
    quiet = world.plan(owner_name="Stille Logg")
    Plan.update(created_at=utcnow() - timedelta(weeks=9)).where(Plan.id == quiet.id).execute()
    busy = world.plan(owner_name="Travel Logg")
    Plan.update(created_at=utcnow() - timedelta(weeks=9)).where(Plan.id == busy.id).execute()
    add_event(busy, "goal_added", world.coordinator)
    world.plan("withdrawn", owner_name="Passiv Logg")
    archived = world.plan(owner_name="Arkivert Logg")
    Plan.update(status=Plan.ARCHIVED, archived_at=utcnow()).where(
        Plan.id == archived.id).execute()
    page = login_as(world.leader).get("/leader/review").text
    assert "Stille Logg" in _section(page, "quiet", "not-archived")
    assert "Travel Logg" not in _section(page, "quiet", "not-archived")
    assert "Passiv Logg" in _section(page, "not-archived", "archived")
    assert "Arkivert Logg" in _section(page, "archived", "overdue")
    assert "Seint Evaluert" in _section(page, "overdue", "idle")
    assert tr("Ask for the evaluation") in _section(page, "overdue", "idle")


def test_employees_who_have_not_logged_in_for_months_are_listed(app, world, login_as):
    long_ago = utcnow() - timedelta(days=120)
    Person.update(last_login_at=long_ago, created_at=long_ago).where(
        Person.id == world.employee.id).execute()
    Person.update(created_at=long_ago).where(Person.id == world.coordinator.id).execute()
    app.test_client().post("/login", data={"email": world.coordinator.email,
                                           "password": factories.PASSWORD})  # logs in now
    client = login_as(world.leader)
    page = client.get("/leader/review").text
    listed = page[page.index('id="idle"'):]
    assert world.employee.name in listed
    assert world.coordinator.name not in listed
    assert world.provider.name not in listed  # another unit


def test_the_stafetthaldar_sees_a_quiet_log_flagged_on_my_plans(world, login_as):
    plan = world.plan(owner_name="Stille Logg")
    Plan.update(created_at=utcnow() - timedelta(weeks=7)).where(Plan.id == plan.id).execute()
    flag = tr("Quiet: no entry for %(weeks)s weeks", weeks=6)
    client = login_as(world.coordinator)
    assert flag in client.get("/").text
    add_event(plan, "goal_added", world.coordinator)
    assert flag not in client.get("/").text


def test_the_review_is_marked_done_and_the_next_is_due_a_year_later(world, login_as):
    client = login_as(world.leader)
    page = client.get("/leader/review").text
    assert tr("Not reviewed yet") in page and tr("Due") in page
    response = client.post("/leader/review/done", data={"unit": world.unit.id})
    assert response.status_code == 302
    review = UnitReview.get()
    assert (review.unit_id, review.by_id) == (world.unit.id, world.leader.id)
    from webapp.labels import format_date

    with client.application.test_request_context():
        due = format_date(oslo_today() + timedelta(days=365))
    assert due in client.get("/leader/review").text


def test_routine_004_asks_for_a_review_every_half_year(world, login_as):
    Municipality.update(establishment=ESTABLISH_LEADER).where(
        Municipality.id == world.town.id).execute()
    client = login_as(world.leader)
    client.post("/leader/review/done", data={"unit": world.unit.id})
    from webapp.labels import format_date

    with client.application.test_request_context():
        due = format_date(oslo_today() + timedelta(days=182))
    assert due in client.get("/leader/review").text


@pytest.mark.parametrize("unit", ["", "abc", "99999999999999999999", "other"])
def test_a_review_of_a_unit_one_does_not_lead_is_not_recorded(world, login_as, unit):
    client = login_as(world.leader)
    value = str(world.other_unit.id) if unit == "other" else unit
    assert client.post("/leader/review/done", data={"unit": value}).status_code == 404
    assert UnitReview.select().count() == 0


def test_asking_for_an_overdue_evaluation_is_content_free_and_throttled(world, login_as):
    plan = world.plan(owner_name="Ada Eple")
    Plan.update(next_evaluation=TODAY - timedelta(days=3)).where(Plan.id == plan.id).execute()
    client = login_as(world.leader)
    OutboxMessage.delete().execute()
    assert client.post(f"/leader/plans/{plan.id}/ask-evaluation").status_code == 302
    assert client.post(f"/leader/plans/{plan.id}/ask-evaluation").status_code == 302
    [message] = OutboxMessage.select()
    assert message.recipient == world.coordinator.email
    assert "Ada" not in message.body and "Eple" not in message.body
    assert tr("The stafetthaldar was asked a short while ago. Try again later.") in client.get(
        "/leader/review").text


def test_the_review_repeats_its_forms_without_repeating_an_id(app, world, login_as):
    """One "ask for the evaluation" form a row and one "review done" form a unit: ids stay
    unique (WCAG 4.1.1), and the CSRF field each form carries is accepted."""
    for name in ("Ada Eple", "Bo Eple"):
        plan = world.plan(owner_name=name)
        Plan.update(next_evaluation=TODAY - timedelta(days=3)).where(Plan.id == plan.id).execute()
    client = login_as(world.leader)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        page = client.get("/leader/review").text
        ids = re.findall(r'\bid="([^"]+)"', page)
        assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        asked = client.post(f"/leader/plans/{plan.id}/ask-evaluation",
                            data={"csrf_token": token})
        assert asked.status_code == 302
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_an_evaluation_not_yet_due_is_not_asked_for(world, login_as):
    plan = world.plan(owner_name="Ada Eple")
    Plan.update(next_evaluation=TODAY + timedelta(days=3)).where(Plan.id == plan.id).execute()
    client = login_as(world.leader)
    OutboxMessage.delete().execute()
    client.post(f"/leader/plans/{plan.id}/ask-evaluation")
    assert OutboxMessage.select().count() == 0


# --- Reminders ------------------------------------------------------------------------------------


def test_the_reminder_command_run_twice_sends_once(app, world, smtp_server):
    """Through the real command, the outbox and the test SMTP server: the stafetthaldar gets
    one reminder of an evaluation next week and one of an evaluation past its deadline, each
    unit leader one of the review due; the second run sends nothing more. No names, no plan."""
    from webapp.outbox import send_due

    soon = world.plan(owner_name="Ada Snart")
    late = world.plan(owner_name="Bo Seint")
    later = world.plan(owner_name="Cato Seinare")
    Plan.update(next_evaluation=TODAY + timedelta(days=5)).where(Plan.id == soon.id).execute()
    Plan.update(next_evaluation=TODAY - timedelta(days=2)).where(Plan.id == late.id).execute()
    Plan.update(next_evaluation=TODAY + timedelta(days=30)).where(Plan.id == later.id).execute()
    UnitReview.create(unit=world.other_unit, by=world.other_leader, at=utcnow())
    OutboxMessage.delete().execute()
    runner = app.test_cli_runner()
    first = runner.invoke(args=["send-reminders"])
    assert first.exit_code == 0, first.output
    assert "3 queued" in first.output
    send_due()
    second = runner.invoke(args=["send-reminders"])
    assert "0 queued" in second.output
    send_due()
    holder = smtp_server.to(world.coordinator.email)
    leader = smtp_server.to(world.leader.email)
    assert len(holder) == 2 and len(leader) == 1
    assert smtp_server.to(world.other_leader.email) == []  # reviewed just now
    for message in smtp_server.messages:
        body = message.get_content()
        for word in ("Ada", "Snart", "Seint", "Cato", "Eple", world.coordinator.name):
            assert word not in body
    assert SentReminder.select().count() == 3


def test_a_new_evaluation_date_is_a_new_reminder(app, world):
    from webapp.leader.reminders import send_reminders

    plan = world.plan(owner_name="Ada Snart")
    UnitReview.create(unit=world.unit, by=world.leader, at=utcnow())
    UnitReview.create(unit=world.other_unit, by=world.other_leader, at=utcnow())
    UnitReview.create(unit=world.ppt, by=world.leader, at=utcnow())
    UnitReview.create(unit=world.foreign_unit, by=world.leader, at=utcnow())
    Plan.update(next_evaluation=TODAY + timedelta(days=3)).where(Plan.id == plan.id).execute()
    assert send_reminders() == 1
    assert send_reminders() == 1 - 1
    Plan.update(next_evaluation=TODAY + timedelta(days=6)).where(Plan.id == plan.id).execute()
    assert send_reminders() == 1
    # The stafetthaldar deactivated: no reminder to anyone (the leader's worklist shows it).
    Plan.update(next_evaluation=TODAY - timedelta(days=1)).where(Plan.id == plan.id).execute()
    Person.update(active=False).where(Person.id == world.coordinator.id).execute()
    assert send_reminders() == 0
