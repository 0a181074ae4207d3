"""Handing the baton on (SPEC §3.6, issue 10 item 5): to another active employee of the plan,
with the family's wish, the old holder staying (on a consent that names their unit) or leaving,
and exactly one stafetthaldar at any time — in the database too, and when two hand-overs race."""

import threading
import time

import peewee
import pytest

from tests import factories
from tests.conftest import tr
from tests.querycount import queries_for
from webapp.db import database, immediate
from webapp.models import (
    Consent,
    ConsentService,
    Handover,
    Membership,
    OutboxMessage,
    Participant,
    TimelineEvent,
)
from webapp.participants import service


def _holders(plan):
    return list(Participant.select().where((Participant.plan == plan)
                                           & (Participant.role == Participant.STAFETTHALDAR)))


def _snapshot(plan):
    return (
        list(Participant.select().where(Participant.plan == plan).order_by(Participant.id)
             .tuples()),
        list(Handover.select().tuples()),
        list(TimelineEvent.select().where(TimelineEvent.plan == plan).tuples()),
    )


def _second_provider(world, plan, name="Petra PPT", email="petra@test.example"):
    person = factories.employee(name, email, world.town, world.ppt, Membership.EMPLOYEE)
    Participant.create(plan=plan, person=person, role=Participant.SERVICE_PROVIDER,
                       unit=world.ppt, status=Participant.ACTIVE)
    return person


def _client_of(app, person):
    client = app.test_client()
    assert client.post("/login", data={"email": person.email,
                                       "password": factories.PASSWORD}).status_code == 302
    return client


def test_the_baton_goes_to_the_chosen_employee_and_the_old_holder_leaves(app, world, login_as):
    plan = world.plan("valid_consent", provider=world.provider)
    client = login_as(world.coordinator)
    page = client.get(f"/plans/{plan.id}/participants/hand-over")
    assert page.status_code == 200
    assert world.provider.name in page.text
    response = client.post(f"/plans/{plan.id}/participants/hand-over", data={
        "new_holder": str(world.provider.id), "wish": f"person:{world.provider.id}",
        "note": "Avtalt på møtet", "access": "end"})
    assert response.status_code == 302
    holders = _holders(plan)
    assert [h.person_id for h in holders] == [world.provider.id]
    old = Participant.get((Participant.plan == plan) & (Participant.person == world.coordinator))
    assert (old.role, old.status) == (Participant.SERVICE_PROVIDER, Participant.ENDED)
    handover = Handover.get()
    assert (handover.from_person_id, handover.to_person_id, handover.wish, handover.note) == (
        world.coordinator.id, world.provider.id, Handover.WISHED_NEW, "Avtalt på møtet")
    event = TimelineEvent.get(TimelineEvent.kind == "baton_handed_on")
    assert event.detail == "family_wish"
    # The new holder is told, without the child's name.
    told = OutboxMessage.get(OutboxMessage.recipient == world.provider.email)
    assert plan.owner_name not in told.body
    # The old holder has no access any more; the new one manages the plan.
    assert client.get(f"/plans/{plan.id}").status_code == 404
    new = _client_of(app, world.provider)
    assert new.get(f"/plans/{plan.id}/participants/new").status_code == 200
    assert tr("The baton was handed on to a new stafetthaldar") in new.get(
        f"/plans/{plan.id}/timeline").text


def test_the_old_holder_stays_as_a_service_provider_when_the_consent_names_their_unit(
        world, login_as):
    plan = world.plan("valid_consent", provider=world.provider)
    ConsentService.create(consent=Consent.get(Consent.plan == plan), unit=world.unit)
    client = login_as(world.coordinator)
    response = client.post(f"/plans/{plan.id}/participants/hand-over", data={
        "new_holder": str(world.provider.id), "wish": "no_wish", "access": "keep"})
    assert response.status_code == 302
    old = Participant.get((Participant.plan == plan) & (Participant.person == world.coordinator))
    assert (old.role, old.status, old.unit_id) == (
        Participant.SERVICE_PROVIDER, Participant.ACTIVE, world.unit.id)
    page = client.get(f"/plans/{plan.id}/participants")
    assert page.status_code == 200
    assert tr("The family has no particular wish") in page.text
    assert tr("Hand the baton on") not in page.text  # no longer theirs to hand on


def test_staying_is_refused_when_the_consent_does_not_name_the_unit(world, login_as):
    """Consent narrowing: a service provider of a unit the consent does not name has no
    access, so the form says so instead of leaving a provider without access."""
    plan = world.plan("valid_consent", provider=world.provider)
    client = login_as(world.coordinator)
    before = _snapshot(plan)
    response = client.post(f"/plans/{plan.id}/participants/hand-over", data={
        "new_holder": str(world.provider.id), "wish": "not_asked", "access": "keep",
        "note": "Notat"})
    assert response.status_code == 422
    assert tr("The valid consent does not name this unit, so the old stafetthaldar cannot "
              "stay as its service provider. Choose that the access ends, or update the "
              "consent to name the unit first.") in response.text
    assert 'value="Notat"' in response.text  # typed text kept
    assert _snapshot(plan) == before


def test_the_baton_goes_only_to_an_active_employee_of_the_plan(world, login_as):
    plan = world.plan("valid_consent", provider=world.provider)
    client = login_as(world.coordinator)
    before = _snapshot(plan)
    for person in (plan.guardians[0], world.employee, world.coordinator):
        response = client.post(f"/plans/{plan.id}/participants/hand-over", data={
            "new_holder": str(person.id), "wish": "no_wish", "access": "end"})
        assert response.status_code == 422, person.name
    assert _snapshot(plan) == before


def test_without_another_employee_the_step_says_what_to_do(world, login_as):
    plan = world.plan("valid_consent")
    client = login_as(world.coordinator)
    response = client.get(f"/plans/{plan.id}/participants/hand-over")
    assert response.status_code == 409
    assert tr("The baton goes to another employee in the plan. Invite an employee of a "
              "service the consent names first; they can take over once they have logged "
              "in.") in response.text
    assert f"/plans/{plan.id}/participants/hand-over" not in client.get(
        f"/plans/{plan.id}/participants").text


def test_the_checklist_leads_to_the_hand_over(world, login_as):
    plan = world.plan("valid_consent", provider=world.provider)
    client = login_as(world.coordinator)
    assert f"/plans/{plan.id}/participants/hand-over" in client.get(f"/plans/{plan.id}").text


def test_a_second_stafetthaldar_is_refused_by_the_database(world):
    plan = world.plan("valid_consent", provider=world.provider)
    with pytest.raises(peewee.IntegrityError), database.atomic():
        Participant.create(plan=plan, person=world.employee, role=Participant.STAFETTHALDAR,
                           unit=world.unit, status=Participant.ACTIVE)
    with pytest.raises(peewee.IntegrityError), database.atomic():
        Participant.update(role=Participant.STAFETTHALDAR).where(
            (Participant.plan == plan) & (Participant.person == world.provider)).execute()
    assert [h.person_id for h in _holders(plan)] == [world.coordinator.id]


def test_a_baton_moved_after_the_policy_let_the_request_in_is_not_handed_on_again(
        app, world, login_as, monkeypatch):
    """The interleaving the race below can hit on PostgreSQL, made certain: the policy lets the
    stafetthaldar in, another hand-over commits, and only then does the request read who holds
    the baton. It must refuse (409), not hand on the new holder's baton."""
    plan = world.plan("valid_consent", provider=world.provider)
    petra = _second_provider(world, plan)
    client = login_as(world.coordinator)
    read = service.stafetthaldar_of

    def moved_first(the_plan):
        monkeypatch.setattr(service, "stafetthaldar_of", read)
        service.hand_over_baton(the_plan, read(the_plan), world.provider.id, world.coordinator.id,
                                keeps_access=False, wish=Handover.NO_WISH)
        return read(the_plan)

    monkeypatch.setattr(service, "stafetthaldar_of", moved_first)
    response = client.post(f"/plans/{plan.id}/participants/hand-over", data={
        "new_holder": str(petra.id), "wish": "no_wish", "access": "end"})
    assert response.status_code == 409
    assert [h.person_id for h in _holders(plan)] == [world.provider.id]
    assert Handover.select().count() == 1


def test_two_hand_overs_at_once_leave_one_stafetthaldar(app, world, login_as):
    """Two requests of the stafetthaldar at the same moment, to two different people: one is
    handed on, the other is refused (409) and changes nothing."""
    plan = world.plan("valid_consent", provider=world.provider)
    petra = _second_provider(world, plan)
    clients = [_client_of(app, world.coordinator), _client_of(app, world.coordinator)]
    barrier = threading.Barrier(2)
    statuses = {}

    def hand_to(index, person):
        barrier.wait()
        response = clients[index].post(f"/plans/{plan.id}/participants/hand-over", data={
            "new_holder": str(person.id), "wish": "no_wish", "access": "end"})
        statuses[person.id] = response.status_code

    threads = [threading.Thread(target=hand_to, args=(0, world.provider)),
               threading.Thread(target=hand_to, args=(1, petra))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(statuses.values()) in ([302, 409], [302, 404])
    winner = next(pid for pid, status in statuses.items() if status == 302)
    assert [h.person_id for h in _holders(plan)] == [winner]
    assert Handover.select().count() == 1
    loser = next(pid for pid in statuses if pid != winner)
    row = Participant.get((Participant.plan == plan) & (Participant.person == loser))
    assert (row.role, row.status) == (Participant.SERVICE_PROVIDER, Participant.ACTIVE)


def test_interleaved_hand_overs_leave_one_stafetthaldar(app, world):
    """Two transactions: the first hands the baton on and holds its transaction open; the
    second, started meanwhile from the same reading of the plan, waits and then finds the baton
    gone (``BatonMoved``), and its transaction leaves nothing behind."""
    plan = world.plan("valid_consent", provider=world.provider)
    petra = _second_provider(world, plan)
    holder = service.stafetthaldar_of(plan)
    first_done, release = threading.Event(), threading.Event()
    outcome = {}

    def run(name, person, hold):
        with app.test_request_context():
            database.connect(reuse_if_open=True)
            try:
                with immediate():
                    service.hand_over_baton(plan, holder, person.id, world.coordinator.id,
                                            keeps_access=False, wish=Handover.NO_WISH)
                    if hold:
                        first_done.set()
                        release.wait(10)
                outcome[name] = "handed on"
            except service.BatonMoved:
                outcome[name] = "moved"
            finally:
                database.close()

    first = threading.Thread(target=run, args=("first", world.provider, True))
    first.start()
    assert first_done.wait(10)
    second = threading.Thread(target=run, args=("second", petra, False))
    second.start()
    time.sleep(0.3)  # let the second reach the lock the first holds
    release.set()
    first.join(20)
    second.join(20)
    assert outcome == {"first": "handed on", "second": "moved"}
    assert [h.person_id for h in _holders(plan)] == [world.provider.id]
    assert Handover.select().count() == 1
    petra_row = Participant.get((Participant.plan == plan) & (Participant.person == petra))
    assert petra_row.role == Participant.SERVICE_PROVIDER


def test_the_hand_over_page_runs_a_fixed_number_of_queries(world, login_as):
    plan = world.plan("valid_consent", provider=world.provider)
    client = login_as(world.coordinator)
    url = f"/plans/{plan.id}/participants/hand-over"
    few = queries_for(client, url)
    for number in range(5):
        _second_provider(world, plan, f"PPT {number}", f"ppt{number}@test.example")
    assert queries_for(client, url) == few


def test_the_routine_asks_for_someone_to_hand_to_and_no_transfer_waiting():
    """The engine alone (pure): the preconditions the two actions add to step 6."""
    from webapp import routine
    from webapp.routine import PlanFacts

    open_plan = PlanFacts(exists=True, status="active", consent_valid=True)
    assert routine.blocker("hand_over_baton", open_plan).requirement is (
        routine.SOMEONE_TO_HAND_TO)
    assert routine.allowed("hand_over_baton",
                           PlanFacts(exists=True, status="active", consent_valid=True,
                                     service_providers_active=1))
    assert routine.allowed("propose_transfer", open_plan)
    waiting = PlanFacts(exists=True, status="active", consent_valid=True, transfer_waiting=True)
    assert routine.blocker("propose_transfer", waiting).requirement is (
        routine.NO_TRANSFER_WAITING)
    assert routine.allowed("transfer_unit", waiting)  # answering it is still possible
    passive = PlanFacts(exists=True, status="passive", consent_valid=True)
    assert routine.blocker("transfer_unit", passive).requirement is routine.NOT_PASSIVE
