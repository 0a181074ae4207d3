"""Transfer of a log to a new unit (SPEC §3.6, issue 10 item 6): proposed by the stafetthaldar
or the plan's unit leader, answered only by the receiving unit's leader, who sees metadata only
and appoints a stafetthaldar there; the log keeps its history."""

import peewee
import pytest

from tests import factories
from tests.conftest import tr
from tests.querycount import queries_for
from webapp.db import database
from webapp.models import (
    Goal,
    Handover,
    Membership,
    OutboxMessage,
    Participant,
    Plan,
    ServiceGroup,
    TimelineEvent,
    Transfer,
    Unit,
)


class School:
    """A school in the plan's municipality, with its leader and a teacher."""

    def __init__(self, world):
        group = ServiceGroup.create(municipality=world.town, name="Skulane", kind="school")
        self.unit = Unit.create(group=group, municipality=world.town, name="Testvik skule")
        self.leader = factories.employee("Siri Skuleleiar", "siri@test.example", world.town,
                                         self.unit, Membership.UNIT_ADMIN)
        self.teacher = factories.employee("Tor Lærar", "tor@test.example", world.town,
                                          self.unit, Membership.EMPLOYEE)


def _client_of(app, person):
    client = app.test_client()
    assert client.post("/login", data={"email": person.email,
                                       "password": factories.PASSWORD}).status_code == 302
    return client


def _snapshot():
    return {model.__name__: list(model.select().order_by(model.id).tuples())
            for model in (Plan, Participant, Transfer, Handover, TimelineEvent)}


def _propose(client, plan, unit, access="end"):
    return client.post(f"/plans/{plan.id}/transfer", data={"to_unit": str(unit.id),
                                                           "access": access})


@pytest.fixture
def school(world):
    return School(world)


def test_a_log_moves_from_the_kindergarten_to_the_school(app, world, school):
    plan = world.plan("valid_consent")
    Plan.update(overview="Hemmeleg innhald om barnet").where(Plan.id == plan.id).execute()
    Goal.create(plan=plan, title="Eit mål", created_by=world.coordinator)
    holder = _client_of(app, world.coordinator)
    assert _propose(holder, plan, school.unit).status_code == 302
    transfer = Transfer.get()
    assert (transfer.status, transfer.from_unit_id, transfer.to_unit_id) == (
        Transfer.WAITING, world.unit.id, school.unit.id)
    assert tr("Waiting for the receiving leader") in holder.get(f"/plans/{plan.id}/transfer").text
    # The school's leader is told, without content, and sees it in their list.
    told = OutboxMessage.get(OutboxMessage.recipient == school.leader.email)
    assert plan.owner_name not in told.body
    leader = _client_of(app, school.leader)
    home = leader.get("/").text
    assert tr("Transfers waiting for your answer") in home
    assert plan.owner_name in home and f"/transfers/{transfer.id}" in home
    # The sending leader sees it waiting in theirs.
    assert tr("Transfer to %(unit)s waits for an answer", unit=school.unit.name) in _client_of(
        app, world.leader).get("/").text
    # Metadata only: the receiving leader sees who and from where, not the content.
    page = leader.get(f"/transfers/{transfer.id}")
    assert page.status_code == 200
    assert plan.owner_name in page.text and world.unit.name in page.text
    assert "Hemmeleg innhald" not in page.text and "Eit mål" not in page.text
    assert leader.get(f"/plans/{plan.id}").status_code == 404
    response = leader.post(f"/transfers/{transfer.id}", data={
        "decision": "accept", "new_holder": str(school.teacher.id)})
    assert response.status_code == 302
    plan = Plan.get_by_id(plan.id)
    assert plan.unit_id == school.unit.id
    holders = Participant.select().where((Participant.plan == plan)
                                         & (Participant.role == Participant.STAFETTHALDAR))
    assert [(h.person_id, h.unit_id) for h in holders] == [(school.teacher.id, school.unit.id)]
    old = Participant.get((Participant.plan == plan) & (Participant.person == world.coordinator))
    assert (old.role, old.status) == (Participant.SERVICE_PROVIDER, Participant.ENDED)
    kinds = [e.kind for e in TimelineEvent.select().where(TimelineEvent.plan == plan)]
    assert {"transfer_proposed", "transfer_accepted", "baton_handed_on"} <= set(kinds)
    assert Transfer.get().status == Transfer.ACCEPTED
    # The log keeps its history: the new stafetthaldar reads the goal and the overview.
    teacher = _client_of(app, school.teacher)
    assert "Eit mål" in teacher.get(f"/plans/{plan.id}/goals").text
    assert "Hemmeleg innhald" in teacher.get(f"/plans/{plan.id}/overview").text
    # The school's leader now sees it among the plans of the unit, and no longer as waiting.
    home = leader.get("/").text
    assert tr("Transfers waiting for your answer") not in home
    assert tr("Plans in the units you lead") in home and plan.owner_name in home


def test_the_leader_of_the_plans_unit_may_propose(app, world, school):
    plan = world.plan("valid_consent")
    leader = _client_of(app, world.leader)
    assert f"/plans/{plan.id}/transfer" in leader.get(f"/plans/{plan.id}").text
    assert _propose(leader, plan, school.unit).status_code == 302
    assert Transfer.get().proposed_by_id == world.leader.id


@pytest.mark.parametrize("who", ["other_leader", "sending_leader", "group_admin", "coordinator",
                                 "school_teacher"])
def test_a_transfer_answered_by_the_wrong_person_is_refused_with_nothing_changed(
        app, world, school, who):
    plan = world.plan("valid_consent")
    assert _propose(_client_of(app, world.coordinator), plan, school.unit).status_code == 302
    transfer = Transfer.get()
    person = {"other_leader": world.other_leader, "sending_leader": world.leader,
              "group_admin": world.group_admin, "coordinator": world.coordinator,
              "school_teacher": school.teacher}[who]
    client = _client_of(app, person)
    before = _snapshot()
    assert client.get(f"/transfers/{transfer.id}").status_code == 404
    for data in ({"decision": "accept", "new_holder": str(person.id)},
                 {"decision": "accept", "new_holder": str(school.teacher.id)},
                 {"decision": "decline", "reason": "other_unit"}):
        assert client.post(f"/transfers/{transfer.id}", data=data).status_code == 404
    assert _snapshot() == before


def test_the_receiving_leader_declines_with_a_reason(app, world, school):
    plan = world.plan("valid_consent")
    holder = _client_of(app, world.coordinator)
    assert _propose(holder, plan, school.unit).status_code == 302
    transfer = Transfer.get()
    leader = _client_of(app, school.leader)
    response = leader.post(f"/transfers/{transfer.id}", data={"decision": "decline"})
    assert response.status_code == 422
    assert tr("Choose why you decline.") in response.text
    assert leader.post(f"/transfers/{transfer.id}", data={
        "decision": "decline", "reason": "other_unit"}).status_code == 302
    transfer = Transfer.get()
    assert (transfer.status, transfer.decline_reason) == (Transfer.DECLINED, "other_unit")
    assert Plan.get_by_id(plan.id).unit_id == world.unit.id
    page = holder.get(f"/plans/{plan.id}/transfer").text
    assert tr("Another unit is the right one") in page
    # Answered: the leader cannot answer again, and nothing changes.
    before = _snapshot()
    again = leader.post(f"/transfers/{transfer.id}", data={
        "decision": "accept", "new_holder": str(school.teacher.id)})
    assert again.status_code == 409
    assert _snapshot() == before
    # A new proposal is possible.
    assert _propose(holder, plan, school.unit).status_code == 302


def test_accepting_needs_a_stafetthaldar_of_the_receiving_unit(app, world, school):
    plan = world.plan("valid_consent")
    assert _propose(_client_of(app, world.coordinator), plan, school.unit).status_code == 302
    transfer = Transfer.get()
    leader = _client_of(app, school.leader)
    before = _snapshot()
    for data in ({"decision": "accept"},
                 {"decision": "accept", "new_holder": str(world.employee.id)}):
        response = leader.post(f"/transfers/{transfer.id}", data=data)
        assert response.status_code == 422
        assert tr("Choose who becomes stafetthaldar.") in response.text
    assert _snapshot() == before


def test_one_proposal_waits_at_a_time(app, world, school):
    plan = world.plan("valid_consent")
    holder = _client_of(app, world.coordinator)
    assert _propose(holder, plan, school.unit).status_code == 302
    before = _snapshot()
    response = _propose(holder, plan, world.other_unit)
    assert response.status_code == 409
    assert tr("A transfer of this log to a new unit is already waiting for an answer from "
              "the receiving leader.") in response.text
    assert _snapshot() == before
    with pytest.raises(peewee.IntegrityError), database.atomic():
        Transfer.create(plan=plan, from_unit=world.unit, to_unit=world.other_unit,
                        proposed_by=world.coordinator)


def test_only_units_of_the_same_municipality_receive_a_log(app, world, school):
    plan = world.plan("valid_consent")
    holder = _client_of(app, world.coordinator)
    before = _snapshot()
    for unit in (world.foreign_unit, world.unit):
        response = _propose(holder, plan, unit)
        assert response.status_code == 422, unit.name
    assert _snapshot() == before


def test_a_passive_log_is_not_transferred(app, world, school):
    plan = world.plan("valid_consent")
    assert _propose(_client_of(app, world.coordinator), plan, school.unit).status_code == 302
    Plan.update(status=Plan.PASSIVE).where(Plan.id == plan.id).execute()
    leader = _client_of(app, school.leader)
    before = _snapshot()
    response = leader.post(f"/transfers/{Transfer.get().id}", data={
        "decision": "accept", "new_holder": str(school.teacher.id)})
    assert response.status_code == 409
    assert _snapshot() == before


def test_the_stafetthaldar_stays_when_the_consent_names_the_kindergarten(app, world, school):
    from webapp.models import Consent, ConsentService

    plan = world.plan("valid_consent")
    ConsentService.create(consent=Consent.get(Consent.plan == plan), unit=world.unit)
    assert _propose(_client_of(app, world.coordinator), plan, school.unit,
                    access="keep").status_code == 302
    assert _client_of(app, school.leader).post(f"/transfers/{Transfer.get().id}", data={
        "decision": "accept", "new_holder": str(school.teacher.id)}).status_code == 302
    old = Participant.get((Participant.plan == plan) & (Participant.person == world.coordinator))
    assert (old.role, old.status, old.unit_id) == (
        Participant.SERVICE_PROVIDER, Participant.ACTIVE, world.unit.id)
    assert _client_of(app, world.coordinator).get(f"/plans/{plan.id}/goals").status_code == 200


def test_home_runs_a_fixed_number_of_queries_for_waiting_transfers(app, world, school):
    client = _client_of(app, school.leader)
    plan = world.plan("valid_consent")
    Transfer.create(plan=plan, from_unit=world.unit, to_unit=school.unit,
                    proposed_by=world.coordinator)
    few = queries_for(client, "/")
    for number in range(4):
        other = world.plan("valid_consent", owner_name=f"Barn {number}")
        Transfer.create(plan=other, from_unit=world.unit, to_unit=school.unit,
                        proposed_by=world.coordinator)
    assert queries_for(client, "/") == few
    assert "Barn 3" in client.get("/").text


def test_a_waiting_proposal_can_be_withdrawn(app, world, school):
    plan = world.plan("valid_consent")
    holder = _client_of(app, world.coordinator)
    assert _propose(holder, plan, school.unit).status_code == 302
    transfer = Transfer.get()
    assert holder.post(f"/plans/{plan.id}/transfer/withdraw").status_code == 302
    assert Transfer.get().status == Transfer.WITHDRAWN
    assert TimelineEvent.select().where(TimelineEvent.kind == "transfer_withdrawn").count() == 1
    # The school's leader can no longer answer it, and it is gone from their list.
    leader = _client_of(app, school.leader)
    assert tr("Transfers waiting for your answer") not in leader.get("/").text
    before = _snapshot()
    assert leader.post(f"/transfers/{transfer.id}", data={
        "decision": "accept", "new_holder": str(school.teacher.id)}).status_code == 409
    assert holder.post(f"/plans/{plan.id}/transfer/withdraw").status_code == 302
    assert _snapshot() == before
    # A proposal to another unit can follow.
    assert _propose(holder, plan, world.other_unit).status_code == 302


def test_two_answers_at_once_leave_one(app, world, school):
    """Two leaders of the school answer at the same moment, one accepting and one declining:
    one answer holds (a conditional update), the other is refused (409) with nothing of it
    saved, and the plan has one stafetthaldar."""
    import threading

    deputy = factories.employee("Dag Nestleiar", "dag@test.example", world.town, school.unit,
                                Membership.UNIT_ADMIN)
    plan = world.plan("valid_consent")
    assert _propose(_client_of(app, world.coordinator), plan, school.unit).status_code == 302
    transfer = Transfer.get()
    clients = {"accept": _client_of(app, school.leader), "decline": _client_of(app, deputy)}
    data = {"accept": {"decision": "accept", "new_holder": str(school.teacher.id)},
            "decline": {"decision": "decline", "reason": "needs_meeting"}}
    barrier = threading.Barrier(2)
    statuses = {}

    def answer(kind):
        barrier.wait()
        statuses[kind] = clients[kind].post(f"/transfers/{transfer.id}",
                                            data=data[kind]).status_code

    threads = [threading.Thread(target=answer, args=(kind,)) for kind in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(statuses.values()) == [302, 409]
    transfer = Transfer.get()
    won = "accept" if statuses["accept"] == 302 else "decline"
    assert transfer.status == {"accept": Transfer.ACCEPTED, "decline": Transfer.DECLINED}[won]
    holders = [p.person_id for p in Participant.select().where(
        (Participant.plan == plan) & (Participant.role == Participant.STAFETTHALDAR))]
    assert holders == ([school.teacher.id] if won == "accept" else [world.coordinator.id])
    assert Plan.get_by_id(plan.id).unit_id == (school.unit.id if won == "accept"
                                               else world.unit.id)
