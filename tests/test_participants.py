"""The plan's participants (SPEC §2, §3.1.5, §3.4): one plan owner per plan, held by the database
as well as the form; a participant added by mistake removed before consent; the routine's own
words on the pages for adding participants (issue 8, items 3 and 7)."""

import re
from datetime import date

import peewee
import pytest

from tests.conftest import answer_inform, answer_owner, sign_in, tr, years_ago
from tests.querycount import queries_for
from webapp.db import database
from webapp.models import Participant, Person, TimelineEvent

OWNER_ADDED = ("The plan already has its plan owner as a participant. To correct the contact "
               "details, remove the plan owner before consent is sent and add them again.")
REMOVE_AFTER_CONSENT = ("A participant can be removed only before the consent is first sent "
                        "for signing; after that the consent and its signatures name them.")


def _youth_plan_from_the_wizard(client):
    """A plan for a 16-year-old who logs in, made in the wizard: the owner is invited."""
    answer_inform(client)
    assert answer_owner(client, birth=years_ago(16), name="Ung Eigar").status_code == 302
    assert client.post("/plans/new/owner-login",
                       data={"logs_in": "yes", "mobile": "412 34 567"}).status_code == 302
    assert client.post("/plans/new/check").status_code == 302
    return Participant.get(Participant.role == Participant.OWNER).plan


def _owners(plan):
    return Participant.select().where((Participant.plan == plan)
                                      & (Participant.role == Participant.OWNER)).count()


def _remove_url(plan, participant):
    return f"/plans/{plan.id}/participants/{participant.id}/remove"


def test_a_youth_invited_by_the_wizard_cannot_be_added_as_owner_again(world, login_as):
    client = login_as(world.coordinator)
    plan = _youth_plan_from_the_wizard(client)

    page = client.get(f"/plans/{plan.id}/participants/new?role=owner")
    assert page.status_code == 200
    assert 'name="email"' not in page.text  # no form that cannot be saved
    assert tr(OWNER_ADDED) in page.text

    response = client.post(f"/plans/{plan.id}/participants/new",
                           data={"role": "owner", "email": "andre@test.example"})
    assert response.status_code == 409
    assert tr(OWNER_ADDED) in response.text
    assert _owners(plan) == 1
    assert Person.select().where(Person.email == "andre@test.example").count() == 0


def test_the_database_holds_one_owner_per_plan(world):
    plan = world.plan("created", owner_name="Ung Eigar", birth=date(2009, 1, 1), guardians=0)
    first = Person.create(name="Ung Eigar", email="ung@test.example")
    second = Person.create(name="Ung Eigar", email="ung2@test.example")
    Participant.create(plan=plan, person=first, role=Participant.OWNER)
    with pytest.raises(peewee.IntegrityError), database.atomic():
        Participant.create(plan=plan, person=second, role=Participant.OWNER)
    # Another plan has its own owner, and a plan has many guardians.
    other = world.plan("created", owner_name="Anna Annan", guardians=2)
    Participant.create(plan=other, person=second, role=Participant.OWNER)
    assert _owners(plan) == 1 and _owners(other) == 1


def test_a_participant_added_by_mistake_is_removed_before_consent(world, login_as):
    plan = world.plan("created")
    wrong = Participant.get((Participant.plan == plan)
                            & (Participant.person == plan.guardians[1]))
    client = login_as(world.coordinator)
    page = client.get(f"/plans/{plan.id}/participants")
    # A plain form per removable participant (works without JavaScript); none for oneself.
    forms = re.findall(r'<form method="post" action="([^"]+)"', page.text)
    holder = Participant.get((Participant.plan == plan)
                             & (Participant.role == Participant.STAFETTHALDAR))
    assert _remove_url(plan, wrong) in forms and _remove_url(plan, holder) not in forms

    response = client.post(_remove_url(plan, wrong))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/plans/{plan.id}/participants")
    assert not Participant.select().where(Participant.id == wrong.id).exists()
    event = TimelineEvent.get((TimelineEvent.plan == plan)
                              & (TimelineEvent.kind == "participant_removed"))
    assert (event.detail, event.actor_id) == (Participant.GUARDIAN, world.coordinator.id)
    listing = client.get(f"/plans/{plan.id}/participants")
    assert plan.guardians[1].name not in listing.text
    assert tr("The participant is removed from the plan.") in listing.text


def test_an_owner_added_twice_before_the_fix_can_be_removed(world, login_as):
    client = login_as(world.coordinator)
    plan = _youth_plan_from_the_wizard(client)
    owner = Participant.get(Participant.role == Participant.OWNER)
    assert client.post(_remove_url(plan, owner)).status_code == 302
    assert _owners(plan) == 0
    # Now the owner can be added again, with the right address.
    assert client.post(f"/plans/{plan.id}/participants/new",
                       data={"role": "owner", "email": "ung@test.example"}).status_code == 302
    assert _owners(plan) == 1


def test_removing_is_refused_after_consent_is_sent_and_for_the_stafetthaldar(
        app, world, login_as):
    sent = world.plan("consent_sent")
    guardian = Participant.get((Participant.plan == sent)
                               & (Participant.person == sent.guardians[0]))
    client = login_as(world.coordinator)
    assert f"/participants/{guardian.id}/remove" not in client.get(
        f"/plans/{sent.id}/participants").text
    response = client.post(_remove_url(sent, guardian))
    assert response.status_code == 409
    assert tr(REMOVE_AFTER_CONSENT) in response.text

    created = world.plan("created")
    holder = Participant.get((Participant.plan == created)
                             & (Participant.role == Participant.STAFETTHALDAR))
    response = client.post(_remove_url(created, holder))
    assert response.status_code == 409
    assert tr("A plan has exactly one stafetthaldar. To change who it is, hand the baton on to "
              "another participant.") in response.text

    other = Participant.get((Participant.plan == created)
                            & (Participant.person == created.guardians[0]))
    assert client.post(_remove_url(sent, other)).status_code == 404  # another plan's participant
    family = app.test_client()
    sign_in(family, created.guardians[1])
    assert family.post(_remove_url(created, other)).status_code in (403, 404)
    assert Participant.select().count() == 6  # two plans × (stafetthaldar + two guardians)


def test_the_participants_page_costs_the_same_for_many_participants(app, world, login_as):
    small = world.plan("created", guardians=1)
    large = world.plan("created", guardians=6)
    client = login_as(world.coordinator)
    assert (queries_for(client, f"/plans/{small.id}/participants")
            == queries_for(client, f"/plans/{large.id}/participants"))


# --- The routine's words on the pages for adding participants (item 7) ------------------------


def test_after_consent_the_page_shows_the_step_for_inviting_services(world, login_as):
    plan = world.plan("valid_consent")
    client = login_as(world.coordinator)
    page = client.get(f"/plans/{plan.id}/participants/new")
    assert page.status_code == 200
    assert tr("Before consent is obtained you can only add those who must consent to the plan "
              "(guardians, or the youth from 15). Give their e-mail or mobile number and ask "
              "them to log in by following the instructions in the e-mail or text message. "
              "Their role then becomes active and you can send the consent.") not in page.text
    assert tr("Invite new participants") in page.text
    # The child is under the consent age: the reason says so, not "before consent".
    assert "Before consent is obtained" not in page.text
    assert tr("The plan owner takes part and consents from the consent age (15 in the routine) "
              "or as a pregnant person; for a younger child the guardians consent.") in page.text


def test_the_provider_step_before_consent_names_its_own_requirement(world, login_as):
    plan = world.plan("created")
    client = login_as(world.coordinator)
    page = client.get(f"/plans/{plan.id}/participants/new?role=service_provider")
    reason = tr("Services can be invited only when the consent is valid: everyone who is "
                "asked to sign has signed it. The checklist shows who has not signed yet.")
    assert reason in page.text
    assert tr("Consent must be signed by everyone who is asked to sign before you can fill in "
              "the plan. The checklist shows who has not signed yet.") not in page.text
