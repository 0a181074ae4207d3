"""One transaction per user action (issue 13): a write, its timeline event, its audit entry and
the notifications it queues commit together or not at all. The failure is injected after the
write (the timeline insert raises), on SQLite and on PostgreSQL (``TEST_DATABASE_URL``)."""

from datetime import date

import pytest

from webapp.models import (
    Activity,
    AuditEntry,
    Goal,
    Message,
    MessageRecipient,
    OutboxMessage,
    Participant,
    TimelineEvent,
)


class Injected(RuntimeError):
    """The failure a test makes happen after the action's own write."""


@pytest.fixture
def timeline_fails(monkeypatch):
    """Every timeline insert raises until the test calls the returned ``heal()``."""

    def fail(*args, **kwargs):
        raise Injected("the timeline insert failed")

    monkeypatch.setattr(TimelineEvent, "create", fail)
    return lambda: monkeypatch.undo()


def _writes(plan):
    return AuditEntry.select().where((AuditEntry.plan_id == plan.id)
                                     & (AuditEntry.action == "write")).count()


def test_a_message_and_its_event_notifications_and_audit_commit_together(
        world, login_as, timeline_fails):
    plan = world.plan("valid_consent", provider=world.provider)
    client = login_as(world.coordinator)
    data = {"to": "all", "subject": "Bøker", "body": "Ada får to nye bøker på fredag."}
    with pytest.raises(Injected):
        client.post(f"/plans/{plan.id}/messages/new", data=data)
    assert Message.select().count() == 0
    assert MessageRecipient.select().count() == 0
    assert OutboxMessage.select().count() == 0
    assert TimelineEvent.select().count() == 0
    assert _writes(plan) == 0

    timeline_fails()  # heal: the same action now leaves all of it
    response = client.post(f"/plans/{plan.id}/messages/new", data=data)
    assert response.status_code == 302, response.text
    assert Message.select().count() == 1
    assert TimelineEvent.select().where(TimelineEvent.kind == "message_sent").count() == 1
    assert OutboxMessage.select().count() == 3
    assert _writes(plan) == 1


def test_an_activity_without_its_event_is_not_kept(world, login_as, timeline_fails):
    plan = world.plan("valid_consent")
    goal = Goal.create(plan=plan, title="Ada les 15 minutt kvar dag", deadline=date(2027, 3, 1),
                       created_by=world.coordinator)
    responsible = Participant.get((Participant.plan == plan)
                                  & (Participant.person == world.coordinator))
    client = login_as(world.coordinator)
    data = {"title": "Lesekvart", "when": "Kvar dag", "place": "home",
            "responsible": responsible.id}
    with pytest.raises(Injected):
        client.post(f"/plans/{plan.id}/goals/{goal.id}/activities/new", data=data)
    assert Activity.select().count() == 0
    assert _writes(plan) == 0

    timeline_fails()
    response = client.post(f"/plans/{plan.id}/goals/{goal.id}/activities/new", data=data)
    assert response.status_code == 302, response.text
    assert Activity.select().count() == 1
    assert TimelineEvent.select().where(TimelineEvent.kind == "activity_added").count() == 1


def test_every_guarded_write_route_runs_in_one_transaction(app):
    """Every view that needs a login is wrapped by the guards' one transaction (they put it
    there, not each view), so no write route can leave half an action behind."""
    from webapp import policy

    open_to_all = (policy.PUBLIC, policy.DEVELOPMENT, policy.DISPLAY)
    unwrapped = [
        endpoint
        for endpoint, view in app.view_functions.items()
        if getattr(view, "policy_action", None) not in (None, *open_to_all)
        and not getattr(view, "one_transaction", False)
    ]
    assert unwrapped == []
