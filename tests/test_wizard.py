"""The create-plan wizard (SPEC §3.1.0-4) and adding the participants who must consent (§3.1.5):
one question per page, answers kept on a bad input, resumable, and the routine's preconditions
re-checked on the server for direct POSTs."""

from datetime import date

from tests import factories
from tests.conftest import answer_inform, answer_owner, tr, years_ago
from webapp.models import (
    ESTABLISH_LEADER,
    Municipality,
    OutboxMessage,
    Participant,
    Person,
    Plan,
    TimelineEvent,
    WizardDraft,
)


def _walk_to_check(client, birth=date(2019, 6, 1)):
    answer_inform(client)
    assert answer_owner(client, birth).status_code == 302
    response = client.post("/plans/new/owner-login", data={"logs_in": "no"})
    assert response.headers["Location"].endswith("/plans/new/check"), response.text


def test_a_coordinator_creates_a_plan_and_becomes_its_stafetthaldar(world, login_as):
    client = login_as(world.coordinator)
    start = client.get("/plans/new")
    assert start.status_code == 200
    assert tr("Inform the family and ask for consent") in start.text
    _walk_to_check(client)
    check = client.get("/plans/new/check")
    assert tr("Check your answers before the plan is created") in check.text
    assert "Test Barn" in check.text

    response = client.post("/plans/new/check")
    assert response.status_code == 302
    plan = Plan.get()
    assert response.headers["Location"].endswith(f"/plans/{plan.id}")
    assert (plan.status, plan.owner_name, plan.unit_id) == (Plan.DRAFT, "Test Barn",
                                                            world.unit.id)
    assert plan.owner_logs_in is False and plan.family_informed_at is not None
    holder = Participant.get(Participant.plan == plan)
    assert (holder.person_id, holder.role) == (world.coordinator.id, Participant.STAFETTHALDAR)
    kinds = [e.kind for e in TimelineEvent.select().order_by(TimelineEvent.id)]
    assert kinds == ["family_informed", "plan_created", "participant_added"]
    assert WizardDraft.select().count() == 0

    page = client.get(f"/plans/{plan.id}")
    assert tr("Add the participants who must consent") in page.text
    assert tr("The plan is waiting for consent.") in page.text


def test_the_wizard_can_be_left_and_resumed(world, login_as):
    client = login_as(world.coordinator)
    answer_inform(client)
    assert answer_owner(client, name="Åse Ødegård").status_code == 302
    client.post("/logout")

    client = login_as(world.coordinator)
    home = client.get("/")
    assert tr("Continue your draft") in home.text
    owner = client.get("/plans/new/plan-owner")
    assert "Åse Ødegård" in owner.text
    assert client.get("/plans/new/check").headers["Location"].endswith("/plans/new/owner-login")


def test_pages_ahead_of_the_answers_send_you_back(world, login_as):
    client = login_as(world.coordinator)
    response = client.get("/plans/new/owner-login")
    assert response.headers["Location"].endswith("/plans/new/inform-family")


def test_the_family_must_be_informed(world, login_as):
    client = login_as(world.coordinator)
    response = client.post("/plans/new/inform-family", data={})
    assert response.status_code == 422
    assert tr("Inform the family and ask for their consent before you create the stafettlogg."
              ) in response.text


def test_an_invalid_identity_number_is_explained_and_kept(world, login_as):
    client = login_as(world.coordinator)
    answer_inform(client)
    response = client.post("/plans/new/plan-owner",
                           data={"national_id": "12345678901", "name": "Test Barn"})
    assert response.status_code == 422
    assert tr("The check digits of the identity number are wrong.") in response.text
    assert 'value="12345678901"' in response.text and 'value="Test Barn"' in response.text
    assert 'href="#national_id"' in response.text  # the error summary links to the field

    short = client.post("/plans/new/plan-owner", data={"national_id": "123", "name": ""})
    assert short.status_code == 422
    assert tr("The identity number must be 11 digits.") in short.text
    assert tr("Write the name.") in short.text
    assert WizardDraft.get().data.count("national_id") == 0


def test_script_in_a_name_is_refused_and_kept_escaped(world, login_as):
    client = login_as(world.coordinator)
    answer_inform(client)
    response = answer_owner(client, name="<script>alert(1)</script>")
    assert response.status_code == 422
    # Flask-Babel marks lazy strings safe: the fixed message is not escaped, the name is.
    assert tr("A name cannot contain the characters < or >.", html=False) in response.text
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text


def test_a_14_year_old_marked_as_logging_in_is_refused(world, login_as):
    client = login_as(world.coordinator)
    answer_inform(client)
    assert answer_owner(client, birth=years_ago(14)).status_code == 302
    response = client.post("/plans/new/owner-login",
                           data={"logs_in": "yes", "mobile": "41234567"})
    assert response.status_code == 422
    assert tr("The plan owner logs in from the consent age (15 in the routine), or as a "
              "pregnant person; children under that age do not log in. Change the answer to "
              "“Will the plan owner log in?”.") in response.text
    assert 'value="41234567"' in response.text
    assert Plan.select().count() == 0


def test_a_15_year_old_needs_contact_details(world, login_as):
    client = login_as(world.coordinator)
    answer_inform(client)
    assert answer_owner(client, birth=years_ago(15)).status_code == 302
    response = client.post("/plans/new/owner-login", data={"logs_in": "yes"})
    assert response.status_code == 422
    assert tr("A plan owner who logs in needs a mobile number or an e-mail address.") in (
        response.text)

    bad = client.post("/plans/new/owner-login",
                      data={"logs_in": "yes", "mobile": "1234", "email": "not-an-address"})
    assert bad.status_code == 422
    assert 'value="1234"' in bad.text and 'value="not-an-address"' in bad.text

    ok = client.post("/plans/new/owner-login",
                     data={"logs_in": "yes", "mobile": "412 34 567"})
    assert ok.status_code == 302
    client.post("/plans/new/check")
    plan = Plan.get()
    assert plan.owner_logs_in
    owner = Participant.get(Participant.role == Participant.OWNER)
    assert (owner.status, owner.person.mobile) == (Participant.INVITED, "+4741234567")
    assert OutboxMessage.select().where(OutboxMessage.recipient == "+4741234567").count() == 1


def test_an_existing_plan_for_the_person_is_pointed_to_not_duplicated(world, login_as):
    plan = world.plan("valid_consent", holder=world.other_coordinator, unit=world.other_unit)
    client = login_as(world.coordinator)
    answer_inform(client)
    response = answer_owner(client)  # the same default birth date: the same synthetic number
    assert response.status_code == 422
    assert tr("A stafettlogg already exists for this person") in response.text
    assert world.other_coordinator.name in response.text
    assert f'href="/plans/{plan.id}"' not in response.text  # she has no role in that plan
    assert Plan.select().count() == 1


def test_creating_without_the_answers_is_refused_and_creates_nothing(world, login_as):
    client = login_as(world.coordinator)
    response = client.post("/plans/new/check")
    assert response.status_code == 409
    assert tr("Inform the family about the stafettlogg and ask for consent before you create "
              "it.") in response.text
    assert Plan.select().count() == 0


def test_only_coordinators_and_unit_leaders_create_plans(world, login_as):
    client = login_as(world.employee)
    assert client.get("/plans/new").status_code == 403
    assert client.post("/plans/new/check").status_code == 403
    assert Plan.select().count() == 0


def test_where_the_leader_appoints_the_unit_leader_chooses_the_stafetthaldar(world, client):
    Municipality.update(establishment=ESTABLISH_LEADER).where(
        Municipality.id == world.town.id).execute()
    coordinator = client.application.test_client()
    coordinator.post("/login", data={"email": world.coordinator.email,
                                     "password": factories.PASSWORD})
    assert coordinator.get("/plans/new").status_code == 403

    client.post("/login", data={"email": world.leader.email, "password": factories.PASSWORD})
    answer_inform(client)
    response = client.get("/plans/new/stafetthaldar")
    assert tr("Who shall be the stafetthaldar?") in response.text
    refused = client.post("/plans/new/stafetthaldar",
                          data={"stafetthaldar": world.other_coordinator.id})
    assert refused.status_code == 422  # not an employee of the unit
    assert client.post("/plans/new/stafetthaldar",
                       data={"stafetthaldar": world.employee.id,
                             "family_wish": "y"}).status_code == 302
    assert answer_owner(client).status_code == 302
    client.post("/plans/new/owner-login", data={"logs_in": "no"})
    assert client.post("/plans/new/check").status_code == 302
    holder = Participant.get(Participant.role == Participant.STAFETTHALDAR)
    assert holder.person_id == world.employee.id
    event = TimelineEvent.get(TimelineEvent.kind == "stafetthaldar_appointed")
    assert event.detail == "family_wish"
    assert OutboxMessage.select().where(
        OutboxMessage.recipient == world.employee.email).count() == 1


# --- Participants before consent (SPEC §3.1.5) ----------------------------------------------


def test_guardians_are_added_and_invited_before_consent(world, login_as):
    plan = world.plan("created", guardians=0)
    client = login_as(world.coordinator)
    response = client.post(
        f"/plans/{plan.id}/participants/new",
        data={"role": "guardian", "name": "Gunn Føresett", "email": "gunn@test.example",
              "shares": "yes"},
    )
    assert response.status_code == 302, response.text
    guardian = Participant.get(Participant.role == Participant.GUARDIAN)
    assert guardian.status == Participant.INVITED and guardian.shares_parental_responsibility
    message = OutboxMessage.get(OutboxMessage.recipient == "gunn@test.example")
    assert "Gunn" not in message.body and plan.owner_name not in message.body
    listing = client.get(f"/plans/{plan.id}/participants")
    assert "Gunn Føresett" in listing.text and tr("Invited") in listing.text


def test_a_guardian_without_contact_details_is_explained_and_kept(world, login_as):
    plan = world.plan("created", guardians=0)
    client = login_as(world.coordinator)
    response = client.post(f"/plans/{plan.id}/participants/new",
                           data={"role": "guardian", "name": "Gunn Føresett", "shares": "yes"})
    assert response.status_code == 422
    assert tr("Give an e-mail address or a mobile number, so they can log in.") in response.text
    assert 'value="Gunn Føresett"' in response.text
    assert Participant.select().where(Participant.role == Participant.GUARDIAN).count() == 0


def test_a_service_before_consent_is_refused(world, login_as):
    plan = world.plan("created")
    client = login_as(world.coordinator)
    before = Participant.select().count()
    response = client.post(f"/plans/{plan.id}/participants/new",
                           data={"role": "service_provider",
                                 "provider": f"{world.provider.id}:{world.ppt.id}"})
    assert response.status_code == 409
    assert tr("Services can be invited only when the consent is valid: everyone who is asked "
              "to sign has signed it. The checklist shows who has not signed yet.") in (
        response.text)
    assert Participant.select().count() == before


def test_a_second_stafetthaldar_is_refused(world, login_as):
    plan = world.plan("valid_consent")
    client = login_as(world.coordinator)
    before = Participant.select().count()
    response = client.post(f"/plans/{plan.id}/participants/new",
                           data={"role": "stafetthaldar", "name": "Ny Haldar",
                                 "email": "ny@test.example"})
    assert response.status_code == 422
    assert tr("A plan has exactly one stafetthaldar. To change who it is, hand the baton on to "
              "another participant.") in response.text
    assert Participant.select().count() == before


def test_a_child_under_15_is_not_added_as_a_consenting_plan_owner(world, login_as):
    plan = world.plan("created")
    client = login_as(world.coordinator)
    response = client.post(f"/plans/{plan.id}/participants/new",
                           data={"role": "owner", "email": "barn@test.example"})
    assert response.status_code == 409
    assert Person.select().where(Person.email == "barn@test.example").count() == 0


def test_only_the_stafetthaldar_adds_participants(world, client):
    plan = world.plan("consenters_active")  # the guardian knows the plan: a 403, not a 404
    guardian = plan.guardians[0]
    from tests.conftest import sign_in

    sign_in(client, guardian)
    response = client.post(f"/plans/{plan.id}/participants/new",
                           data={"role": "guardian", "name": "X", "email": "x@test.example",
                                 "shares": "yes"})
    assert response.status_code == 403
    assert Person.select().where(Person.email == "x@test.example").count() == 0
