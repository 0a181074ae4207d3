"""Floods (issue 8 item 15): a person gets at most one notification of a kind per plan within
NOTIFY_WINDOW_MINUTES — invitations, consents to sign and one-time codes always arrive — and
one author may send at most MESSAGE_RATE_LIMIT messages; the one over the limit is kept in the
form, not lost."""

import threading
from datetime import timedelta

import pytest
from peewee import fn

from tests import factories
from tests.conftest import sign_in, tr
from webapp import codes
from webapp.extensions import limiter
from webapp.models import Message, MessageRecipient, NotificationThrottle, OutboxMessage, utcnow
from webapp.notify import notify


def _write(client, plan, subject="Bøker", body="Ada får to nye bøker på fredag."):
    return client.post(f"/plans/{plan.id}/messages/new",
                       data={"to": "all", "subject": subject, "body": body})


def _queued_per_address():
    """``{(recipient, channel): number of queued notifications}``."""
    rows = (
        OutboxMessage.select(OutboxMessage.recipient, OutboxMessage.channel,
                             fn.COUNT(OutboxMessage.id))
        .group_by(OutboxMessage.recipient, OutboxMessage.channel)
        .tuples()
    )
    return {(recipient, channel): count for recipient, channel, count in rows}


def test_a_burst_of_messages_notifies_each_recipient_once_per_channel(app, world, login_as):
    plan = world.plan("valid_consent")
    plan.guardians[0].mobile = "+4791234567"
    plan.guardians[0].save()
    client = login_as(world.coordinator)
    for number in range(8):
        assert _write(client, plan, subject=f"Melding {number}").status_code == 302
    assert Message.select().count() == 8  # every message is in the log, unread
    assert MessageRecipient.select().where(MessageRecipient.read_at.is_null()).count() == 16
    first, second = plan.guardians
    assert _queued_per_address() == {
        (first.email, "email"): 1, (first.mobile, "sms"): 1, (second.email, "email"): 1}
    # The fixed sentence and the service's address: no plan, no name, no content.
    expected = tr("You have a new item in a stafettlogg. Log in to read it: %(link)s",
                  html=False, link=app.config["PUBLIC_URL"])
    assert {row.body for row in OutboxMessage.select()} == {expected}


def test_after_the_window_a_new_message_notifies_again(world, login_as, config):  # noqa: F811
    config(NOTIFY_WINDOW_MINUTES=15)
    plan = world.plan("valid_consent")
    client = login_as(world.coordinator)
    _write(client, plan)
    NotificationThrottle.update(notified_at=utcnow() - timedelta(minutes=14)).execute()
    _write(client, plan)
    assert OutboxMessage.select().count() == 2  # one per guardian: still inside the window
    NotificationThrottle.update(notified_at=utcnow() - timedelta(minutes=15)).execute()
    _write(client, plan)
    assert OutboxMessage.select().count() == 4


def test_the_window_is_per_plan_and_per_kind(world):
    guardian = factories.family_member("Gunn Føresett", "gunn@test.example")
    first, second = world.plan("valid_consent"), world.plan("valid_consent")
    assert len(notify(guardian, "new_item", first)) == 1
    assert notify(guardian, "new_item", first) == []
    assert len(notify(guardian, "new_item", second)) == 1  # another plan
    # A meeting invitation is something to turn up to: a message notice does not hide it.
    assert len(notify(guardian, "meeting", first)) == 1
    assert notify(guardian, "meeting", first) == []


def test_senders_at_once_queue_one_notification(app, world):
    """Four requests notifying the same person about the same plan at the same moment (each in
    its own transaction and connection) queue one notification, and none fails."""
    plan = world.plan("valid_consent", guardians=1)
    guardian = plan.guardians[0]
    start, errors = threading.Barrier(4), []

    def request():
        from webapp.db import database, immediate

        with app.app_context():
            try:
                database.connect(reuse_if_open=True)
                start.wait(timeout=10)
                with immediate():
                    notify(guardian, "new_item", plan)
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)
            finally:
                database.close()

    threads = [threading.Thread(target=request) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert OutboxMessage.select().count() == 1
    assert NotificationThrottle.select().count() == 1


def test_invitations_consents_and_codes_always_arrive(world):
    plan = world.plan("valid_consent")
    guardian = factories.family_member("Gunn Føresett", "gunn@test.example")
    for _ in range(3):
        notify(guardian, "invitation", plan)
        notify(guardian, "consent_to_sign", plan)
        codes.issue(guardian, codes.LOGIN)
    assert OutboxMessage.select().count() == 9


def test_a_throttled_kind_needs_the_plan(world):
    guardian = factories.family_member("Gunn Føresett", "gunn@test.example")
    with pytest.raises(ValueError, match="plan"):
        notify(guardian, "new_item")


def test_the_window_can_be_turned_off(world, config):  # noqa: F811
    config(NOTIFY_WINDOW_MINUTES=0)
    plan = world.plan("valid_consent")
    guardian = plan.guardians[0]
    assert len(notify(guardian, "new_item", plan)) == 1
    assert len(notify(guardian, "new_item", plan)) == 1


# --- The limit per author ------------------------------------------------------------------


def test_the_message_over_the_limit_is_refused_and_kept_in_the_form(world, login_as,
                                                                   config):  # noqa: F811
    config(MESSAGE_RATE_LIMIT="3 per minute;10 per day")
    plan = world.plan("valid_consent")
    client = login_as(world.coordinator)
    # Refused input does not count: only sent messages do.
    assert _write(client, plan, subject="").status_code == 422
    for number in range(3):
        assert _write(client, plan, subject=f"Melding {number}").status_code == 302
    response = _write(client, plan, subject="Den fjerde", body="Teksten eg skreiv.")
    assert response.status_code == 429
    assert tr("You have sent many messages in a short time. Your message is not sent, but it "
              "is kept below: send it again in a while.") in response.text
    assert 'value="Den fjerde"' in response.text and "Teksten eg skreiv." in response.text
    assert response.text.count(f"<title>{tr('Error')}: ") == 1
    assert int(response.headers["Retry-After"]) > 0
    assert Message.select().count() == 3
    assert not Message.select().where(Message.subject == "Den fjerde").exists()


def test_the_limit_is_per_author(app, world, login_as, config):  # noqa: F811
    config(MESSAGE_RATE_LIMIT="1 per minute")
    plan = world.plan("valid_consent")
    client = login_as(world.coordinator)
    assert _write(client, plan).status_code == 302
    assert _write(client, plan).status_code == 429
    guardian = sign_in(app.test_client(), plan.guardians[0])
    assert _write(guardian, plan).status_code == 302
    assert _write(guardian, plan).status_code == 429


def test_the_limit_is_off_when_rate_limits_are(world, login_as, config,  # noqa: F811
                                               monkeypatch):
    config(MESSAGE_RATE_LIMIT="1 per minute")
    monkeypatch.setattr(limiter, "enabled", False)  # what RATELIMIT_ENABLED=False sets
    plan = world.plan("valid_consent")
    client = login_as(world.coordinator)
    assert [_write(client, plan).status_code for _ in range(2)] == [302, 302]
