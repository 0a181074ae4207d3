"""The family's own plan page (SPEC §4, issue 12 item 7): a guardian or the youth sees what is
new since their last visit, the next meeting in Oslo time, the goals with the family's tiltak,
lysglimt first, a consent waiting for their signature and how to withdraw; employees keep the
checklist. Constant queries, small, no script."""

import re
from datetime import datetime, timedelta

import pytest

from tests import factories
from tests.conftest import NEXT_YEAR, sign_in, tr
from tests.querycount import queries_for
from webapp.family import service
from webapp.models import (
    Activity,
    AuditEntry,
    Consent,
    Goal,
    Lysglimt,
    Meeting,
    Message,
    MessageRecipient,
    Participant,
    PlanVisit,
    Signature,
    utcnow,
)

CSS = "static/css/app.css"


def _participant(plan, person):
    return Participant.get((Participant.plan == plan) & (Participant.person == person))


def _message(plan, author, subject, people, kind=Message.MESSAGE, at=None):
    at = at or utcnow()
    message = Message.create(plan=plan, author=author, subject=subject, body="Tekst", kind=kind,
                             created_at=at, updated_at=at)
    for person in people:
        MessageRecipient.create(message=message, person=person,
                                read_at=at if person == author else None)
    return message


def _end_visit(plan, person=None, hours=2):
    """``hours`` pass (no waiting in tests): every time stored about the plan's visits,
    messages and lysglimt moves that far back, so the visit so far has ended."""
    back = timedelta(hours=hours)
    for model, fields in ((PlanVisit, ("last_seen_at", "new_since")),
                          (Message, ("created_at", "updated_at")),
                          (Lysglimt, ("created_at",))):
        for row in model.select().where(model.plan == plan):
            for name in fields:
                if getattr(row, name) is not None:
                    setattr(row, name, getattr(row, name) - back)
            row.save()


def _section(html, heading_id):
    match = re.search(rf'<section[^>]*aria-labelledby="{heading_id}".*?</section>', html, re.S)
    assert match, heading_id
    return match.group(0)


# --- Who gets which page -----------------------------------------------------------------------


def test_guardian_gets_the_family_page_and_employees_the_checklist(app, world, login_as):
    plan = world.plan("valid_consent")
    guardian = sign_in(app.test_client(), plan.guardians[0])
    page = guardian.get(f"/plans/{plan.id}").text
    assert tr("New since your last visit") in page and tr("Lysglimt") in page
    assert 'class="checklist"' not in page
    assert f'href="/plans/{plan.id}/checklist"' in page  # one link away
    checklist = guardian.get(f"/plans/{plan.id}/checklist")
    assert checklist.status_code == 200 and 'class="checklist"' in checklist.text

    holder = login_as(world.coordinator).get(f"/plans/{plan.id}").text
    assert 'class="checklist"' in holder and tr("New since your last visit") not in holder
    leader = app.test_client()
    leader.post("/login", data={"email": world.leader.email, "password": factories.PASSWORD})
    page = leader.get(f"/plans/{plan.id}").text
    assert 'class="checklist"' in page and tr("Lysglimt") not in page


def test_the_youth_who_owns_the_plan_gets_the_family_page(app, world):
    plan = world.plan("valid_consent", birth=datetime(2009, 1, 5).date())
    youth = factories.family_member("Ung Eigar", "ung@test.example")
    Participant.create(plan=plan, person=youth, role=Participant.OWNER,
                       status=Participant.ACTIVE)
    page = sign_in(app.test_client(), youth).get(f"/plans/{plan.id}").text
    assert tr("New since your last visit") in page


def test_the_family_page_is_a_content_read_in_the_audit_trail(app, world):
    plan = world.plan("valid_consent")
    sign_in(app.test_client(), plan.guardians[0]).get(f"/plans/{plan.id}")
    assert AuditEntry.select().where(
        (AuditEntry.actor_id == plan.guardians[0].id) & (AuditEntry.plan_id == plan.id)
        & (AuditEntry.section == "plans.show") & (AuditEntry.action == "read")).count() == 1


# --- New since the last visit ------------------------------------------------------------------


def test_a_visit_lasts_while_page_views_are_close_and_ends_after_the_idle_time(app, world):
    plan = world.plan("valid_consent")
    person = plan.guardians[0]
    start = datetime(NEXT_YEAR, 3, 1, 9, 0)
    with app.app_context():
        assert service.record_visit(person, plan, start) == service.Visit(True, None)
        # Ten minutes later: the same (first) visit.
        assert service.record_visit(person, plan, start + timedelta(minutes=10)).first
        # An hour after that page view: a new visit; new is what came after 09:10.
        second = service.record_visit(person, plan, start + timedelta(minutes=70))
        assert second == service.Visit(False, start + timedelta(minutes=10))
        # A reload within the visit keeps the same boundary, so nothing new disappears.
        again = service.record_visit(person, plan, start + timedelta(minutes=80))
        assert again.since == start + timedelta(minutes=10)
        # The next visit starts from the end of this one (09:10 + 70 = 10:20).
        third = service.record_visit(person, plan, start + timedelta(hours=5))
        assert third.since == start + timedelta(minutes=80)


def test_new_messages_and_minutes_since_the_last_visit(app, world):
    plan = world.plan("valid_consent")
    guardian, other = plan.guardians
    people = [world.coordinator, guardian, other]
    client = sign_in(app.test_client(), guardian)
    old = _message(plan, world.coordinator, "Gammal melding", people,
                   at=utcnow() - timedelta(days=3))
    MessageRecipient.update(read_at=utcnow()).where(
        (MessageRecipient.message == old) & (MessageRecipient.person == guardian)).execute()
    _message(plan, world.coordinator, "Ulesen frå før", people, at=utcnow() - timedelta(days=2))

    # The first visit: what the guardian has not read is new.
    first = _section(client.get(f"/plans/{plan.id}").text, "new-title")
    assert "Ulesen frå før" in first and "Gammal melding" not in first
    assert tr("Your first visit: the messages and minutes you have not read are shown here.") \
        in first

    _end_visit(plan, guardian)
    _message(plan, world.coordinator, "Bøker på fredag", people)
    _message(plan, guardian, "Mi eiga melding", people)  # one's own is not news
    minutes = _message(plan, world.coordinator, "Referat oppstart", people,
                       kind=Message.MINUTES, at=utcnow() - timedelta(days=5))
    Message.update(updated_at=utcnow()).where(Message.id == minutes.id).execute()

    second = _section(client.get(f"/plans/{plan.id}").text, "new-title")
    assert "Bøker på fredag" in second and "Referat oppstart" in second
    assert tr("changed") in second  # minutes from before, changed since
    assert "Mi eiga melding" not in second and "Ulesen frå før" not in second
    # A reload in the same visit shows the same.
    assert "Bøker på fredag" in _section(client.get(f"/plans/{plan.id}").text, "new-title")

    _end_visit(plan, guardian)
    third = _section(client.get(f"/plans/{plan.id}").text, "new-title")
    assert tr("Nothing new since your last visit.") in third
    # The other guardian has not visited: everything unread is new to them.
    other_page = sign_in(app.test_client(), other).get(f"/plans/{plan.id}").text
    assert "Bøker på fredag" in _section(other_page, "new-title")


def test_only_a_few_new_items_are_listed_and_the_rest_counted(app, world):
    plan = world.plan("valid_consent")
    guardian = plan.guardians[0]
    for n in range(8):
        _message(plan, world.coordinator, f"Melding {n}", [world.coordinator, guardian])
    section = _section(sign_in(app.test_client(), guardian).get(f"/plans/{plan.id}").text,
                       "new-title")
    assert section.count("<li>") == service.NEW_SHOWN
    assert "Melding 7" in section and "Melding 0" not in section
    assert ("3 " in section) and f'href="/plans/{plan.id}/messages"' in section


# --- The next meeting, the goals, lysglimt, consent ---------------------------------------------


def test_the_next_meeting_in_oslo_time_with_its_place(app, world):
    plan = world.plan("valid_consent")
    Meeting.create(plan=plan, kind="startup", starts_at=utcnow() - timedelta(days=3),
                   place="Gamalt møterom")
    # 13:00 UTC in January is 14:00 in Oslo.
    Meeting.create(plan=plan, kind="evaluation", starts_at=datetime(NEXT_YEAR, 1, 15, 13, 0),
                   place="Møterom 2")
    Meeting.create(plan=plan, kind="evaluation", starts_at=datetime(NEXT_YEAR, 6, 1, 8, 0),
                   place="Seinare")
    section = _section(sign_in(app.test_client(), plan.guardians[0])
                       .get(f"/plans/{plan.id}").text, "meeting-title")
    assert f"15. januar {NEXT_YEAR} kl. 14:00" in section
    assert "Møterom 2" in section and "Gamalt" not in section and "Seinare" not in section


def test_no_meeting_planned_is_said(app, world):
    plan = world.plan("valid_consent")
    section = _section(sign_in(app.test_client(), plan.guardians[0])
                       .get(f"/plans/{plan.id}").text, "meeting-title")
    assert tr("No meeting is planned. The stafetthaldar invites you to the next one.") in section


def test_the_goals_with_the_tiltak_the_family_is_responsible_for(app, world):
    plan = world.plan("valid_consent")
    goal = Goal.create(plan=plan, title="Les 15 minutt kvar dag", created_by=world.coordinator)
    Activity.create(goal=goal, title="Lesekvart heime", when="Kvar kveld",
                    responsible=_participant(plan, plan.guardians[1]))
    Activity.create(goal=goal, title="Lesegruppe på skulen",
                    responsible=_participant(plan, world.coordinator))
    section = _section(sign_in(app.test_client(), plan.guardians[0])
                       .get(f"/plans/{plan.id}").text, "goals-title")
    assert "Les 15 minutt kvar dag" in section
    assert "Lesekvart heime" in section and "Kvar kveld" in section
    assert plan.guardians[1].name in section
    assert "Lesegruppe på skulen" not in section  # counted, not listed


def test_lysglimt_come_first_newest_first_and_new_ones_marked(app, world):
    plan = world.plan("valid_consent")
    guardian = plan.guardians[0]
    client = sign_in(app.test_client(), guardian)
    Lysglimt.create(plan=plan, author=world.coordinator, text="Eldre glimt",
                    created_at=utcnow() - timedelta(days=9))
    client.get(f"/plans/{plan.id}")
    _end_visit(plan, guardian)
    Lysglimt.create(plan=plan, author=world.coordinator, text="Ho song i samlingsstunda")
    page = client.get(f"/plans/{plan.id}").text
    main = page[page.index('<div class="plan-main">'):]
    first_section = re.search(r"<section[^>]*>", main).group(0)
    assert 'id="lysglimt"' in first_section  # the first section of the page
    lysglimt = main[main.index('id="lysglimt"'):main.index("</section>")]
    assert lysglimt.index("Ho song i samlingsstunda") < lysglimt.index("Eldre glimt")
    assert lysglimt.count(tr("New")) == 1
    assert 'action="/plans/%d/lysglimt/new?from=plan"' % plan.id in lysglimt
    # Under a consent waiting for the signature (the one call to action above them).
    update = Consent.create(plan=plan, version=2, text="Versjon 2", created_by=world.coordinator,
                            status=Consent.SENT, sent_at=utcnow())
    Signature.create(consent=update, person=guardian)
    page = client.get(f"/plans/{plan.id}").text
    main = page[page.index('<div class="plan-main">'):]
    sections = re.findall(r"<section[^>]*>", main)
    assert 'aria-labelledby="sign-title"' in sections[0] and 'id="lysglimt"' in sections[1]


def test_a_consent_waiting_for_the_signature_is_the_call_to_action(app, world):
    plan = world.plan("consent_sent")
    consent = Consent.get(Consent.plan == plan)
    page = sign_in(app.test_client(), plan.guardians[0]).get(f"/plans/{plan.id}").text
    assert tr("A consent is waiting for your signature") in page
    assert f'href="/plans/{plan.id}/consent/{consent.id}/sign"' in page
    assert tr("Add lysglimt") not in page  # nothing is written before the consent is valid
    # Once signed, the call is gone.
    Signature.update(decision=Signature.SIGNED, decided_at=utcnow()).where(
        Signature.person == plan.guardians[0]).execute()
    page = sign_in(app.test_client(), plan.guardians[0]).get(f"/plans/{plan.id}").text
    assert tr("A consent is waiting for your signature") not in page


def test_how_to_withdraw_and_the_passive_log(app, world):
    plan = world.plan("valid_consent")
    page = sign_in(app.test_client(), plan.guardians[0]).get(f"/plans/{plan.id}").text
    consent = _section(page, "consent-title")
    assert f'href="/plans/{plan.id}/consent/withdraw"' in consent
    passive = world.plan("withdrawn")
    page = sign_in(app.test_client(), passive.guardians[0]).get(f"/plans/{passive.id}").text
    assert tr("The log is passive.") in page
    assert "/consent/withdraw" not in page and tr("Add lysglimt") not in page


# --- Size, script and queries ------------------------------------------------------------------


def _large(world, plan):
    """A plan two years on: 40 goals of 3 tiltak, 300 messages and minutes, 120 lysglimt and
    30 meetings."""
    family = _participant(plan, plan.guardians[0])
    holder = _participant(plan, world.coordinator)
    people = [world.coordinator, *plan.guardians]
    for n in range(40):
        goal = Goal.create(plan=plan, title=f"Mål nummer {n} med ein lang tittel om lesing",
                           created_by=world.coordinator, position=n)
        Activity.create(goal=goal, title=f"Heime {n}", when="Kvar kveld", responsible=family)
        Activity.create(goal=goal, title=f"Skule {n}", responsible=holder)
        Activity.create(goal=goal, title=f"Skule B {n}", responsible=holder)
    for n in range(300):
        _message(plan, world.coordinator, f"Melding nummer {n}", people,
                 kind=Message.MINUTES if n % 10 == 0 else Message.MESSAGE)
    Lysglimt.insert_many([{"plan": plan.id, "author": world.coordinator.id,
                           "text": "Eit lysglimt som fyller mykje. " * 16,
                           "created_at": utcnow()} for _ in range(120)]).execute()
    for n in range(30):
        Meeting.create(plan=plan, kind="evaluation",
                       starts_at=datetime(NEXT_YEAR, 1, 1) + timedelta(days=n), place="Rom")


@pytest.fixture
def small_and_large(app, world):
    small = world.plan("valid_consent", owner_name="Lita Plan")
    large = world.plan("valid_consent", owner_name="Stor Plan")
    _message(small, world.coordinator, "Ei melding", [world.coordinator, *small.guardians])
    Lysglimt.create(plan=small, author=world.coordinator, text="Eitt glimt")
    goal = Goal.create(plan=small, title="Eitt mål", created_by=world.coordinator)
    Activity.create(goal=goal, title="Eitt tiltak", responsible=_participant(
        small, small.guardians[0]))
    _large(world, large)
    return small, large


def test_the_same_queries_for_a_small_and_a_large_plan(app, world, small_and_large):
    small, large = small_and_large
    counts = []
    for plan in (small, large):
        client = sign_in(app.test_client(), plan.guardians[0])
        client.get(f"/plans/{plan.id}")  # the first visit writes the visit's row
        counts.append(queries_for(client, f"/plans/{plan.id}"))
        _end_visit(plan, plan.guardians[0])  # and the start of a new visit is no dearer
        counts.append(queries_for(client, f"/plans/{plan.id}"))
    assert counts[0] == counts[1] == counts[2] == counts[3], counts


def test_the_page_is_under_50_kb_with_its_stylesheet_and_loads_no_script(app, world,
                                                                        small_and_large):
    _small, large = small_and_large
    client = sign_in(app.test_client(), large.guardians[0])
    html = client.get(f"/plans/{large.id}").get_data()
    page = html.decode()
    assert "<script" not in page
    loaded = re.findall(r'<link[^>]+href="(/static/[^"?]+)', page)
    assert loaded, page[:500]
    assets = sum(len(client.get(path).get_data()) for path in loaded)
    assert len(html) + assets < 50_000, (len(html), assets)
    assert len(html) < 40_000, len(html)  # the HTML alone, for a plan two years on


def test_a_closed_or_archived_log_still_opens_for_the_family(app, world):
    plan = world.plan("valid_consent")
    Lysglimt.create(plan=plan, author=world.coordinator, text="Målet er nådd")
    for status in ("closed", "archived"):
        type(plan).update(status=status).where(type(plan).id == plan.id).execute()
        response = sign_in(app.test_client(), plan.guardians[0]).get(f"/plans/{plan.id}")
        assert response.status_code == 200
        assert "Målet er nådd" in response.text
        assert tr("Add lysglimt") not in response.text  # nothing new is written
