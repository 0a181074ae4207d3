"""Messages (SPEC §3.8): to all or chosen participants, read/unread per person, notifications
without content; and the timeline: every event in order, filterable, every kind labelled."""

import re
from pathlib import Path

from tests.conftest import sign_in, tr
from tests.querycount import queries_for
from webapp.audit import add_event
from webapp.models import (
    Message,
    MessageRecipient,
    OutboxMessage,
    Participant,
    TimelineEvent,
    utcnow,
)
from webapp.timeline.labels import KINDS


def _participant(plan, person):
    return Participant.get((Participant.plan == plan) & (Participant.person == person))


def test_a_message_to_everyone_notifies_without_content(app, world, login_as):
    plan = world.plan("valid_consent", provider=world.provider)
    client = login_as(world.coordinator)
    response = client.post(f"/plans/{plan.id}/messages/new",
                           data={"to": "all", "subject": "Bøker til lesekvarten",
                                 "body": "Ada får to nye bøker på fredag."})
    assert response.status_code == 302, response.text
    message = Message.get()
    assert MessageRecipient.select().where(MessageRecipient.message == message).count() == 4
    bodies = [m.body for m in OutboxMessage.select()]
    assert len(bodies) == 3
    for body in bodies:
        assert "Bøker" not in body and "Ada" not in body and plan.owner_name not in body
    assert TimelineEvent.select().where(TimelineEvent.kind == "message_sent").count() == 1

    guardian = app.test_client()
    sign_in(guardian, plan.guardians[0])
    listing = guardian.get(f"/plans/{plan.id}/messages")
    assert "Bøker til lesekvarten" in listing.text and tr("Unread") in listing.text
    shown = guardian.get(f"/plans/{plan.id}/messages/{message.id}")
    assert "Ada får to nye bøker på fredag." in shown.text
    assert tr("Unread") not in guardian.get(f"/plans/{plan.id}/messages").text
    # Read for her, still unread for the other guardian.
    unread = MessageRecipient.select().where(
        (MessageRecipient.message == message) & MessageRecipient.read_at.is_null()).count()
    assert unread == 2


def test_a_message_to_chosen_participants_is_only_theirs(app, world, login_as):
    plan = world.plan("valid_consent")
    client = login_as(world.coordinator)
    chosen = _participant(plan, plan.guardians[0])
    response = client.post(f"/plans/{plan.id}/messages/new",
                           data={"to": "chosen", "chosen": [chosen.id], "subject": "Berre til deg",
                                 "body": "Hei."})
    assert response.status_code == 302
    message = Message.get()
    other = app.test_client()
    sign_in(other, plan.guardians[1])
    assert "Berre til deg" not in other.get(f"/plans/{plan.id}/messages").text
    assert other.get(f"/plans/{plan.id}/messages/{message.id}").status_code == 404


def test_bad_message_input_is_kept(world, login_as):
    plan = world.plan("valid_consent")
    client = login_as(world.coordinator)
    response = client.post(f"/plans/{plan.id}/messages/new",
                           data={"to": "chosen", "subject": "", "body": "Teksten min <b>"})
    assert response.status_code == 422
    assert tr("Write a subject.") in response.text
    assert tr("Choose at least one participant.") in response.text
    assert "Teksten min &lt;b&gt;" in response.text
    assert Message.select().count() == 0


def test_messages_are_refused_before_consent_and_to_outsiders(app, world, login_as):
    draft = world.plan("consent_sent")
    client = login_as(world.coordinator)
    response = client.post(f"/plans/{draft.id}/messages/new",
                           data={"to": "all", "subject": "X", "body": "Y"})
    assert response.status_code == 409
    assert tr("Consent must be signed by everyone who is asked to sign before you can fill in "
              "the plan. The checklist shows who has not signed yet.") in response.text
    plan = world.plan("valid_consent", owner_name="Anna")
    leader = app.test_client()
    leader.post("/login", data={"email": world.leader.email,
                                "password": "correct horse battery staple"})
    assert leader.get(f"/plans/{plan.id}/messages").status_code == 403
    stranger = app.test_client()
    sign_in(stranger, draft.guardians[0])
    assert stranger.get(f"/plans/{plan.id}/messages").status_code == 404
    other_message = Message.create(plan=draft, author=world.coordinator, subject="S", body="B")
    assert client.get(f"/plans/{plan.id}/messages/{other_message.id}").status_code == 404
    assert Message.select().count() == 1


def test_messages_page_queries_do_not_grow(world, login_as):
    plan = world.plan("valid_consent")
    client = login_as(world.coordinator)

    def add(n):
        for i in range(n):
            m = Message.create(plan=plan, author=world.coordinator, subject=f"S{i}", body="B")
            MessageRecipient.create(message=m, person=world.coordinator)

    add(1)
    one = queries_for(client, f"/plans/{plan.id}/messages")
    add(59)
    assert queries_for(client, f"/plans/{plan.id}/messages") == one


# --- Timeline ---------------------------------------------------------------------------------


def test_every_event_kind_written_anywhere_has_a_label():
    root = Path(__file__).resolve().parent.parent / "webapp"
    used = set()
    for path in root.rglob("*.py"):
        used |= set(re.findall(r'add_event\(\s*[^,]+,\s*"([a-z_]+)"', path.read_text()))
    assert used and used <= set(KINDS), sorted(used - set(KINDS))


def test_timeline_in_order_and_filtered(app, world, login_as):
    plan = world.plan("valid_consent")
    add_event(plan, "plan_created", world.coordinator.id)
    add_event(plan, "participant_invited", world.coordinator.id, "guardian")
    add_event(plan, "goal_added", world.coordinator.id, "free text is never shown")
    guardian = app.test_client()
    sign_in(guardian, plan.guardians[0])
    page = guardian.get(f"/plans/{plan.id}/timeline")
    text = page.text
    created, invited, goal = (text.index(tr(label)) for label in (
        "The stafettlogg was created", "A participant was invited", "A goal was added"))
    assert created < invited < goal
    assert tr("Guardian") in text and "free text" not in text
    filtered = guardian.get(f"/plans/{plan.id}/timeline?group=goals",
                            headers={"HX-Request": "true"})
    assert tr("A goal was added") in filtered.text
    assert tr("The stafettlogg was created") not in filtered.text
    assert "<html" not in filtered.text


def test_timeline_queries_do_not_grow(world, login_as):
    plan = world.plan("valid_consent")
    client = login_as(world.coordinator)
    add_event(plan, "plan_created", world.coordinator.id)
    one = queries_for(client, f"/plans/{plan.id}/timeline")
    for _ in range(199):
        add_event(plan, "goal_added", world.coordinator.id)
    assert queries_for(client, f"/plans/{plan.id}/timeline") == one


def test_home_shows_unread_messages_per_plan_in_one_query(app, world):
    plans = [world.plan("valid_consent", owner_name=f"Barn {i}") for i in range(3)]
    guardian = plans[0].guardians[0]
    for plan in plans[1:]:
        Participant.create(plan=plan, person=guardian, role="guardian", status="active")
    for count, plan in zip((2, 1, 0), plans, strict=True):
        for i in range(count):
            message = Message.create(plan=plan, author=world.coordinator, subject=f"S{i}",
                                     body="B")
            MessageRecipient.create(message=message, person=guardian)
    client = app.test_client()
    sign_in(client, guardian)
    home = client.get("/")
    nn_plural = _catalogue_plural("%(num)d unread message")
    assert nn_plural[1].replace("%(num)d", "2") in home.text
    assert nn_plural[0].replace("%(num)d", "1") in home.text
    assert f'href="/plans/{plans[0].id}/messages"' in home.text
    assert f'href="/plans/{plans[2].id}/messages"' not in home.text
    one = queries_for(client, "/")
    extra = world.plan("valid_consent", owner_name="Barn 9")
    Participant.create(plan=extra, person=guardian, role="guardian", status="active")
    MessageRecipient.create(message=Message.create(plan=extra, author=world.coordinator,
                                                   subject="S", body="B"), person=guardian)
    assert queries_for(client, "/") == one


def _catalogue_plural(msgid):
    from tests.conftest import _catalogue

    return next(m for m in _catalogue("nn") if isinstance(m.id, tuple) and m.id[0] == msgid
                ).string


def test_paging_shows_every_message_once(world, login_as):
    """Page 2 starts right after the last message of page 1 (no message falls between pages);
    a page number too large for the database is no 500."""
    plan = world.plan("valid_consent")
    client = login_as(world.coordinator)
    for i in range(101):
        m = Message.create(plan=plan, author=world.coordinator, subject=f"Emne-{i:03d}-x",
                           body="B")
        MessageRecipient.create(message=m, person=world.coordinator)
    seen = []
    for page in (1, 2, 3):
        text = client.get(f"/plans/{plan.id}/messages?page={page}").text
        seen += re.findall(r"Emne-(\d{3})-x", text)
    assert sorted(seen) == [f"{i:03d}" for i in range(101)]
    assert client.get(f"/plans/{plan.id}/messages?page={10**30}").status_code == 200


def test_unread_count_per_plan(world):
    from webapp.messages.service import unread_count

    plan = world.plan("valid_consent")
    guardian = plan.guardians[0]
    for read_at in (None, None, utcnow()):
        m = Message.create(plan=plan, author=world.coordinator, subject="S", body="B")
        MessageRecipient.create(message=m, person=guardian, read_at=read_at)
    assert unread_count(guardian, plan) == 2
    assert unread_count(world.coordinator, plan) == 0


def test_plan_menu_names_unread_messages_in_constant_queries(app, world):
    plan = world.plan("valid_consent")
    guardian = plan.guardians[0]
    client = app.test_client()
    sign_in(client, guardian)
    one = queries_for(client, f"/plans/{plan.id}/timeline")
    for i in range(3):
        m = Message.create(plan=plan, author=world.coordinator, subject=f"S{i}", body="B")
        MessageRecipient.create(message=m, person=guardian)
    page = client.get(f"/plans/{plan.id}/timeline").text
    assert ngettext_nn("%(num)d unread message", 3) in page
    assert queries_for(client, f"/plans/{plan.id}/timeline") == one


def ngettext_nn(msgid, num):
    forms = _catalogue_plural(msgid)
    return forms[0 if num == 1 else 1].replace("%(num)d", str(num))
