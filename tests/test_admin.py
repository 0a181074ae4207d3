"""The municipality's administration (issue 11 items 1-3): the first start command, groups,
units, administrators, employees invited by e-mail, roles, deactivation, the settings, a unit
serving another municipality, and an employee's own password. Each rule and each form's bad
input (422, the message on the same form, what was typed kept)."""

import re

import pytest
from itsdangerous import TimestampSigner

from tests import factories
from tests.conftest import tr
from tests.querycount import queries_for
from webapp.account import tokens
from webapp.models import (
    AuthSession,
    Membership,
    Municipality,
    OutboxMessage,
    Person,
    ServiceGroup,
    Unit,
    UnitServes,
)

LINK = re.compile(r"https?://\S+/account/set-password/[\w.\-]+")
NEW_PASSWORD = "a long new password for tests"  # noqa: S105


def chief_of(municipality, name="Mona Kommune", email="mona@test.example"):
    """The municipality's administrator."""
    person = factories.employee(name, email, municipality)
    Membership.create(person=person, role=Membership.MUNICIPALITY_ADMIN)
    return person


def log_in(app, person, password=factories.PASSWORD):
    client = app.test_client()
    response = client.post("/login", data={"email": person.email, "password": password})
    assert response.status_code == 302, person.email
    return client


def last_link(address):
    message = (OutboxMessage.select().where(OutboxMessage.recipient == address)
               .order_by(OutboxMessage.id.desc()).first())
    assert message is not None, address
    return LINK.search(message.body).group(0), message


def path_of(link):
    return link.split("://", 1)[1].split("/", 1)[1].join(("/", ""))


# --- The first start ---------------------------------------------------------------------------


def test_create_municipality_prints_a_one_time_link_to_set_the_password(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-municipality", "--name", "Nyvik kommune", "--number",
                                 "9001", "--admin-name", "Nina Ny", "--admin-email",
                                 "Nina@Nyvik.example"])
    assert result.exit_code == 0, result.output
    link = LINK.search(result.output).group(0)
    assert link.startswith(app.config["PUBLIC_URL"] + "/account/set-password/")
    town = Municipality.get(Municipality.number == "9001")
    admin = Person.get(Person.email == "nina@nyvik.example")
    assert admin.municipality_id == town.id and admin.is_employee and not admin.password_hash
    assert Membership.get(Membership.person == admin).role == Membership.MUNICIPALITY_ADMIN

    client = app.test_client()
    url = path_of(link)
    page = client.get(url)
    assert page.status_code == 200 and "Nina Ny" in page.text
    response = client.post(url, data={"name": "Nina Ny", "password": NEW_PASSWORD,
                                      "repeat": NEW_PASSWORD})
    assert response.status_code == 302
    assert client.get("/admin").status_code == 200  # logged in, as the administrator
    # One time: the link is worthless once used.
    assert app.test_client().get(url).status_code == 410
    assert app.test_client().post(url, data={"name": "X", "password": NEW_PASSWORD,
                                             "repeat": NEW_PASSWORD}).status_code == 410


@pytest.mark.parametrize("args, message", [
    (["--number", "901"], "four digits"),
    (["--admin-email", "not-an-address"], "e-mail address"),
    (["--admin-name", "<b>Nina</b>"], "no < >"),
])
def test_create_municipality_refuses_bad_input(app, args, message):
    base = {"--name": "Nyvik kommune", "--number": "9001", "--admin-name": "Nina Ny",
            "--admin-email": "nina@nyvik.example"}
    base.update(dict(zip(args[::2], args[1::2], strict=True)))
    result = app.test_cli_runner().invoke(
        args=["create-municipality", *[x for pair in base.items() for x in pair]])
    assert result.exit_code != 0 and message in result.output
    assert Municipality.select().count() == 0


def test_create_municipality_refuses_a_number_or_address_in_use(app, world):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-municipality", "--name", "X", "--number", "9998",
                                 "--admin-name", "Nina Ny", "--admin-email", "n@x.example"])
    assert result.exit_code != 0 and "exists already" in result.output
    result = runner.invoke(args=["create-municipality", "--name", "X", "--number", "9001",
                                 "--admin-name", "Nina Ny", "--admin-email", world.leader.email])
    assert result.exit_code != 0 and "belongs to an account" in result.output
    assert Municipality.select().count() == 2


# --- Tokens ------------------------------------------------------------------------------------


def test_a_link_expires(app, world, monkeypatch):
    """A reset link older than an hour, an invitation older than 7 days: 410."""
    import time

    person = world.employee
    with app.test_request_context():
        fresh = tokens.make_token(person, tokens.RESET)
        real = TimestampSigner.get_timestamp
        monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) - 3700)
        old_reset = tokens.make_token(person, tokens.RESET)
        still_invite = tokens.make_token(person, tokens.INVITATION)
        monkeypatch.setattr(TimestampSigner, "get_timestamp",
                            lambda self: int(time.time()) - 8 * 24 * 3600)
        old_invite = tokens.make_token(person, tokens.INVITATION)
        monkeypatch.setattr(TimestampSigner, "get_timestamp", real)
    client = app.test_client()
    assert client.get(f"/account/set-password/{fresh}").status_code == 200
    assert client.get(f"/account/set-password/{still_invite}").status_code == 200
    assert client.get(f"/account/set-password/{old_reset}").status_code == 410
    assert client.get(f"/account/set-password/{old_invite}").status_code == 410
    assert client.get("/account/set-password/" + fresh[:-2] + "xx").status_code == 410


def test_a_deactivated_employees_link_is_worthless(app, world):
    with app.test_request_context():
        token = tokens.make_token(world.employee, tokens.RESET)
    Person.update(active=False).where(Person.id == world.employee.id).execute()
    assert app.test_client().get(f"/account/set-password/{token}").status_code == 410


# --- Groups and units --------------------------------------------------------------------------


def test_the_municipality_administrator_creates_groups_and_units(app, world):
    client = log_in(app, chief_of(world.town))
    bad = client.post("/admin/groups/new", data={"name": "  ", "kind": "ppt"})
    assert bad.status_code == 422 and tr("Write the name.") in bad.text
    bad = client.post("/admin/groups/new", data={"name": "Skulane", "kind": "castle"})
    assert bad.status_code == 422 and 'value="Skulane"' in bad.text
    response = client.post("/admin/groups/new", data={"name": "Skulane", "kind": "school"})
    assert response.status_code == 302
    group = ServiceGroup.get(ServiceGroup.name == "Skulane")
    assert group.municipality_id == world.town.id and group.kind == "school"
    long_name = "S" * 101
    bad = client.post(f"/admin/groups/{group.id}/units/new", data={"name": long_name})
    assert bad.status_code == 422 and tr("Write at most 100 characters.") in bad.text
    assert long_name in bad.text
    assert client.post(f"/admin/groups/{group.id}/units/new",
                       data={"name": "Testvik skule"}).status_code == 302
    unit = Unit.get(Unit.name == "Testvik skule")
    assert unit.municipality_id == world.town.id and unit.group_id == group.id
    assert client.post(f"/admin/groups/{group.id}/edit",
                       data={"name": "Grunnskular", "kind": "school"}).status_code == 302
    assert client.post(f"/admin/units/{unit.id}/edit",
                       data={"name": "Testvik barneskule"}).status_code == 302
    page = client.get("/admin").text
    assert "Grunnskular" in page and "Testvik barneskule" in page


def test_a_group_administrator_manages_their_groups_units_only(app, world):
    client = log_in(app, world.group_admin)
    assert client.get("/admin/groups/new").status_code == 403
    assert client.post(f"/admin/groups/{world.group.id}/units/new",
                       data={"name": "Plomme barnehage"}).status_code == 302
    ppt_group = world.ppt.group_id
    assert client.post(f"/admin/groups/{ppt_group}/units/new",
                       data={"name": "PPT 2"}).status_code == 403
    assert client.get(f"/admin/units/{world.ppt.id}").status_code == 403
    assert client.get(f"/admin/groups/{world.group.id}/edit").status_code == 403
    assert client.get("/admin/settings").status_code == 403
    assert not Unit.select().where(Unit.name == "PPT 2").exists()


def test_a_leader_manages_their_unit_only(app, world):
    client = log_in(app, world.leader)
    assert client.get(f"/admin/units/{world.unit.id}").status_code == 200
    assert client.get(f"/admin/units/{world.other_unit.id}").status_code == 403
    assert client.get(f"/admin/units/{world.unit.id}/edit").status_code == 403
    assert client.get(f"/admin/groups/{world.group.id}").status_code == 403
    assert log_in(app, world.employee).get("/admin").status_code == 403
    assert log_in(app, world.coordinator).get("/admin").status_code == 403


# --- Employees ---------------------------------------------------------------------------------


def test_a_leader_invites_an_employee_who_accepts_by_the_emailed_link(app, world):
    client = log_in(app, world.leader)
    url = f"/admin/units/{world.unit.id}/invite"
    bad = client.post(url, data={"name": "Nils Ny", "email": "nils@", "role": "employee"})
    assert bad.status_code == 422 and 'value="Nils Ny"' in bad.text
    assert tr("Write an e-mail address like name@example.no.") in bad.text
    bad = client.post(url, data={"name": "Nils Ny", "email": "nils@test.example",
                                 "role": "unit_admin"})  # a leader does not appoint leaders
    assert bad.status_code == 422 and tr("Not a valid choice.") in bad.text
    taken = client.post(url, data={"name": "Frida", "email": world.foreign_coordinator.email,
                                   "role": "employee"})
    assert taken.status_code == 422
    assert OutboxMessage.select().count() == 0

    assert client.post(url, data={"name": "Nils Ny", "email": "Nils@Test.example",
                                  "role": "coordinator"}).status_code == 302
    nils = Person.get(Person.email == "nils@test.example")
    assert nils.municipality_id == world.town.id and nils.invited_at and not nils.password_hash
    assert Membership.get(Membership.person == nils).role == Membership.COORDINATOR
    link, message = last_link(nils.email)
    # The e-mail carries the link and nothing else: no name, unit or municipality.
    for private in ("Nils", world.unit.name, world.town.name, world.leader.name):
        assert private not in message.body and private not in message.subject
    page = client.get(f"/admin/units/{world.unit.id}").text
    assert tr("Invited, has not accepted yet") in page

    newcomer = app.test_client()
    url = path_of(link)
    bad = newcomer.post(url, data={"name": "Nils Nyheim", "password": "short",
                                   "repeat": "short"})
    assert bad.status_code == 422 and tr("The password needs at least 12 characters.") in bad.text
    assert 'value="Nils Nyheim"' in bad.text
    bad = newcomer.post(url, data={"name": "Nils Nyheim", "password": NEW_PASSWORD,
                                   "repeat": NEW_PASSWORD + "x"})
    assert bad.status_code == 422 and tr("The two passwords are not the same.") in bad.text
    assert newcomer.post(url, data={"name": "Nils Nyheim", "password": NEW_PASSWORD,
                                    "repeat": NEW_PASSWORD}).status_code == 302
    nils = Person.get_by_id(nils.id)
    assert nils.name == "Nils Nyheim" and nils.password_hash and nils.invited_at is None
    assert newcomer.get("/plans/new").status_code in (200, 302)  # a coordinator creates plans
    assert app.test_client().get(url).status_code == 410
    log_in(app, nils, NEW_PASSWORD)


def test_an_existing_employee_gets_the_role_at_once(app, world):
    client = log_in(app, world.group_admin)
    assert client.post(f"/admin/units/{world.other_unit.id}/invite",
                       data={"name": "Eli", "email": world.employee.email,
                             "role": "unit_admin"}).status_code == 302
    assert Membership.select().where((Membership.person == world.employee)
                                     & (Membership.unit == world.other_unit)
                                     & (Membership.role == Membership.UNIT_ADMIN)).exists()
    assert OutboxMessage.select().count() == 0  # they have a password already
    # A leader cannot change a fellow leader's role by inviting their address.
    Membership.create(person=world.other_leader, unit=world.unit, role=Membership.UNIT_ADMIN)
    leader = log_in(app, world.leader)
    refused = leader.post(f"/admin/units/{world.unit.id}/invite",
                          data={"name": "Olga", "email": world.other_leader.email,
                                "role": "employee"})
    assert refused.status_code == 422
    assert Membership.get((Membership.person == world.other_leader)
                          & (Membership.unit == world.unit)).role == Membership.UNIT_ADMIN


def test_the_municipality_administrator_appoints_a_group_administrator(app, world):
    client = log_in(app, chief_of(world.town))
    url = f"/admin/groups/{world.ppt.group_id}/administrators/new"
    bad = client.post(url, data={"name": "", "email": "pia@test.example"})
    assert bad.status_code == 422 and 'value="pia@test.example"' in bad.text
    assert client.post(url, data={"name": "Pia PPT-sjef",
                                  "email": "pia@test.example"}).status_code == 302
    pia = Person.get(Person.email == "pia@test.example")
    assert Membership.get(Membership.person == pia).group_id == world.ppt.group_id
    last_link(pia.email)
    assert client.post(f"/admin/groups/{world.ppt.group_id}/administrators/{pia.id}/remove"
                       ).status_code == 302
    assert not Membership.select().where(Membership.person == pia).exists()


def test_a_leader_gives_and_takes_the_coordinator_role(app, world):
    client = log_in(app, world.leader)
    url = f"/admin/units/{world.unit.id}/employees/{world.employee.id}/role"
    assert client.post(url, data={"role": "coordinator"}).status_code == 302
    assert Membership.get(Membership.person == world.employee).role == Membership.COORDINATOR
    assert client.post(url, data={"role": "employee"}).status_code == 302
    assert Membership.get(Membership.person == world.employee).role == Membership.EMPLOYEE
    bad = client.post(url, data={"role": "unit_admin"})
    assert bad.status_code == 422
    assert Membership.get(Membership.person == world.employee).role == Membership.EMPLOYEE
    # Not themselves, not an employee of another unit.
    assert client.post(f"/admin/units/{world.unit.id}/employees/{world.leader.id}/role",
                       data={"role": "employee"}).status_code == 403
    assert client.post(f"/admin/units/{world.unit.id}/employees/{world.provider.id}/role",
                       data={"role": "coordinator"}).status_code == 404


def test_deactivation_ends_every_session_at_once_and_reactivation_restores(app, world):
    employee_browser = log_in(app, world.coordinator)
    second_browser = log_in(app, world.coordinator)
    assert employee_browser.get("/").status_code == 200
    leader = log_in(app, world.leader)
    page = leader.get(f"/admin/employees/{world.coordinator.id}/deactivate")
    assert page.status_code == 200 and world.coordinator.name in page.text
    assert leader.post(f"/admin/employees/{world.coordinator.id}/deactivate",
                       data={"next": f"/admin/units/{world.unit.id}"}).status_code == 302
    assert AuthSession.select().where(AuthSession.person == world.coordinator).count() == 0
    for browser in (employee_browser, second_browser):
        response = browser.get("/")
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    refused = app.test_client().post("/login", data={"email": world.coordinator.email,
                                                     "password": factories.PASSWORD})
    assert refused.status_code == 422
    assert tr("Deactivated") in leader.get(f"/admin/units/{world.unit.id}").text
    assert leader.post(f"/admin/employees/{world.coordinator.id}/reactivate").status_code == 302
    log_in(app, world.coordinator)


def test_who_may_deactivate_whom(app, world):
    leader = log_in(app, world.leader)
    assert leader.get(f"/admin/employees/{world.leader.id}/deactivate").status_code == 403
    assert leader.get(f"/admin/employees/{world.group_admin.id}/deactivate").status_code == 403
    assert leader.get(f"/admin/employees/{world.other_coordinator.id}/deactivate"
                      ).status_code == 403
    assert leader.post(f"/admin/employees/{world.provider.id}/deactivate").status_code == 403
    group_admin = log_in(app, world.group_admin)
    assert group_admin.get(f"/admin/employees/{world.leader.id}/deactivate").status_code == 200
    chief = log_in(app, chief_of(world.town))
    assert chief.get(f"/admin/employees/{world.group_admin.id}/deactivate").status_code == 200
    assert Person.select().where(~Person.active).count() == 0


def test_a_new_invitation_replaces_the_old_link(app, world):
    client = log_in(app, world.leader)
    client.post(f"/admin/units/{world.unit.id}/invite",
                data={"name": "Nils Ny", "email": "nils@test.example", "role": "employee"})
    nils = Person.get(Person.email == "nils@test.example")
    first, _ = last_link(nils.email)
    assert client.post(f"/admin/employees/{nils.id}/invite-again").status_code == 302
    second, _ = last_link(nils.email)
    newcomer = app.test_client()
    assert newcomer.post(path_of(second), data={"name": "Nils Ny", "password": NEW_PASSWORD,
                                                "repeat": NEW_PASSWORD}).status_code == 302
    assert app.test_client().get(path_of(first)).status_code == 410
    assert client.post(f"/admin/employees/{nils.id}/invite-again").status_code == 409


# --- An employee's own password ----------------------------------------------------------------


def test_forgot_password_answers_the_same_for_known_and_unknown_addresses(app, world):
    client = app.test_client()
    known = client.post("/account/forgot-password", data={"email": world.employee.email})
    unknown = client.post("/account/forgot-password", data={"email": "nobody@test.example"})
    family = client.post("/account/forgot-password",
                         data={"email": "frank@test.example"})
    assert known.status_code == unknown.status_code == family.status_code == 200
    def without_tokens(page):
        return re.sub(r'("X-CSRFToken": "|value=")[^"]*"', "", page)

    assert without_tokens(known.text) == without_tokens(unknown.text) == without_tokens(
        family.text)
    assert OutboxMessage.select().count() == 1
    bad = client.post("/account/forgot-password", data={"email": "eli@"})
    assert bad.status_code == 422 and 'value="eli@"' in bad.text

    link, message = last_link(world.employee.email)
    assert world.employee.name not in message.body
    url = path_of(link)
    page = client.get(url)
    assert page.status_code == 200 and 'name="name"' not in page.text  # a reset keeps the name
    assert client.post(url, data={"password": NEW_PASSWORD,
                                  "repeat": NEW_PASSWORD}).status_code == 302
    assert app.test_client().post("/login", data={"email": world.employee.email,
                                                  "password": factories.PASSWORD}
                                  ).status_code == 422
    log_in(app, world.employee, NEW_PASSWORD)
    assert app.test_client().get(url).status_code == 410


def test_changing_the_password_needs_the_current_one_and_ends_other_sessions(app, world):
    other = log_in(app, world.employee)
    client = log_in(app, world.employee)
    bad = client.post("/account/password", data={"current": "wrong password here",
                                                  "password": NEW_PASSWORD,
                                                  "repeat": NEW_PASSWORD})
    assert bad.status_code == 422 and tr("The current password is wrong.") in bad.text
    bad = client.post("/account/password", data={"current": factories.PASSWORD,
                                                  "password": "short", "repeat": "short"})
    assert bad.status_code == 422
    assert client.post("/account/password", data={"current": factories.PASSWORD,
                                                   "password": NEW_PASSWORD,
                                                   "repeat": NEW_PASSWORD}).status_code == 302
    assert client.get("/").status_code == 200
    assert other.get("/").status_code == 302
    log_in(app, world.employee, NEW_PASSWORD)
    family = factories.family_member("Frank Familie", "frank@test.example")
    from tests.conftest import sign_in

    assert sign_in(app.test_client(), family).get("/account/password").status_code == 403


# --- Settings ----------------------------------------------------------------------------------


def test_the_settings_choose_the_routine_and_the_youths_consent_age(app, world):
    from webapp import policy

    client = log_in(app, chief_of(world.town))
    bad = client.post("/admin/settings", data={"establishment": "anyone",
                                               "youth_consent_age": "14"})
    assert bad.status_code == 422
    assert client.post("/admin/settings", data={"establishment": "leader_appoints",
                                                "youth_consent_age": "16"}).status_code == 302
    town = Municipality.get_by_id(world.town.id)
    assert (town.establishment, town.youth_consent_age) == ("leader_appoints", 16)
    # Routine 004: a coordinator no longer creates logs; the leader does.
    with app.app_context(), app.test_request_context():
        assert policy.units_for_new_plan(world.coordinator) == ()
    with app.app_context(), app.test_request_context():
        assert policy.units_for_new_plan(world.leader)
    plan = world.plan("valid_consent")
    from webapp.facts import facts_for

    assert facts_for(plan).consent_age == 16


# --- Several municipalities --------------------------------------------------------------------


def test_a_unit_serving_another_municipality_can_be_named_and_invited_there(app, world):
    from webapp.consent.service import unit_choices
    from webapp.models import Consent, ConsentService
    from webapp.participants import service as participants

    chief = log_in(app, chief_of(world.town))
    bad = chief.post(f"/admin/units/{world.ppt.id}/serves", data={"number": "12"})
    assert bad.status_code == 422 and 'value="12"' in bad.text
    bad = chief.post(f"/admin/units/{world.ppt.id}/serves", data={"number": "9998"})
    assert bad.status_code == 422
    foreign_holder = world.foreign_coordinator
    plan = world.plan("valid_consent", holder=foreign_holder, unit=world.foreign_unit)
    assert world.ppt.id not in {c.value for c in unit_choices(plan)}
    assert chief.post(f"/admin/units/{world.ppt.id}/serves",
                      data={"number": world.foreign_town.number}).status_code == 302
    assert UnitServes.select().count() == 1
    assert world.ppt.id in {c.value for c in unit_choices(plan)}
    # Not named by the consent yet: the PPT employee cannot be invited.
    value = f"{world.provider.id}:{world.ppt.id}"
    assert value not in {v for v, _ in participants.provider_choices(plan)}
    ConsentService.create(consent=Consent.get(Consent.plan == plan), unit=world.ppt)
    assert value in {v for v, _ in participants.provider_choices(plan)}
    # The other municipality's administrator cannot undo it, nor see the unit.
    foreign_chief = log_in(app, chief_of(world.foreign_town, "Ola Andre", "ola@test.example"))
    assert foreign_chief.post(f"/admin/units/{world.ppt.id}/serves/{world.foreign_town.id}/remove"
                              ).status_code == 404
    assert chief.post(f"/admin/units/{world.ppt.id}/serves/{world.foreign_town.id}/remove"
                      ).status_code == 302
    assert UnitServes.select().count() == 0


def _first_municipality_objects(world):
    chief = chief_of(world.town)
    return {"group_id": world.group.id, "unit_id": world.unit.id,
            "employee_id": world.coordinator.id, "municipality_id": world.foreign_town.id,
            "names": [world.town.name, world.unit.name, world.other_unit.name, world.ppt.name,
                      world.group.name, world.coordinator.name, world.leader.name,
                      world.group_admin.name, chief.name, world.employee.name]}


def test_a_second_municipalitys_administrator_sees_nothing_of_the_first(app, world):
    """Every admin page, GET and POST, as the administrator of the other municipality, with
    the first one's ids in the URL: 404 (or 403), no row changes, and no name of the first
    municipality's organisation or people on any page they can open."""
    from tests.test_policy_matrix import PARAM, _changes, _fingerprint

    objects = _first_municipality_objects(world)
    stranger = chief_of(world.foreign_town, "Ola Andre", "ola@test.example")
    client = log_in(app, stranger)
    before = _fingerprint()
    wrong, seen = [], []
    payload = {"name": "Endra", "kind": "school", "email": "x@test.example", "role": "employee",
               "number": "9997", "establishment": "direct", "youth_consent_age": "15"}
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("admin."):
            continue
        names = [p.split(":")[-1] for p in PARAM.findall(rule.rule)]
        url = PARAM.sub(lambda m: str(objects[m.group(1).split(":")[-1]]), rule.rule)
        for method in sorted(rule.methods & {"GET", "POST"}):
            response = client.open(url, method=method, data=payload)
            if names and names != ["municipality_id"] or rule.endpoint == "admin.stop_serving":
                if response.status_code not in (403, 404):
                    wrong.append(f"{method} {url} -> {response.status_code}")
            seen.append(response.get_data(as_text=True))
    # Their own pages open, and name nothing of the first municipality.
    for url in ("/admin", "/admin/settings", "/admin/groups/new", "/account/password"):
        response = client.get(url)
        assert response.status_code == 200, url
        seen.append(response.text)
    group = ServiceGroup.get(ServiceGroup.municipality == world.foreign_town)
    for url in (f"/admin/groups/{group.id}", f"/admin/units/{world.foreign_unit.id}"):
        response = client.get(url)
        assert response.status_code == 200, url
        seen.append(response.text)
    assert wrong == []
    changes = _changes(before, _fingerprint())
    # POSTs without ids (a new group, the settings) are the stranger's own, in their own
    # municipality: nothing of the first changed.
    assert set(changes) <= {"ServiceGroup", "Municipality"}
    assert ServiceGroup.select().where((ServiceGroup.municipality == world.town)
                                       & (ServiceGroup.name == "Endra")).count() == 0
    assert Municipality.get_by_id(world.town.id).name == world.town.name
    for page in seen:
        for name in objects["names"]:
            assert name not in page, name


# --- Constant queries ---------------------------------------------------------------------------


def test_the_list_pages_run_a_constant_number_of_queries(app, world):
    chief_person = chief_of(world.town)
    chief = log_in(app, chief_person)
    leader = log_in(app, world.leader)

    def counts():
        return (queries_for(chief, "/admin"), queries_for(leader, f"/admin/units/{world.unit.id}"),
                queries_for(chief, f"/admin/groups/{world.group.id}"),
                queries_for(chief, f"/admin/units/{world.unit.id}"))

    small = counts()
    for number in range(15):
        group = ServiceGroup.create(municipality=world.town, name=f"Gruppe {number}",
                                    kind="school")
        Unit.create(group=group, municipality=world.town, name=f"Eining {number}")
        Unit.create(group=world.group, municipality=world.town, name=f"Barnehage {number}")
        person = factories.employee(f"Tilsett {number}", f"t{number}@test.example", world.town,
                                    world.unit, Membership.EMPLOYEE)
        Membership.create(person=person, unit=world.unit, role=Membership.COORDINATOR)
        ga = factories.employee(f"Gruppeadm {number}", f"g{number}@test.example", world.town,
                                role=Membership.GROUP_ADMIN, group=world.group)
        assert ga
    assert counts() == small
