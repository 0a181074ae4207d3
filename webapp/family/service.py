"""What the family's plan page shows, and the family member's visits to it.

New since the last visit: a visit is page views of the plan page less than
``SESSION_IDLE_MINUTES`` apart (the idle timeout: after it the person logs in again anyway).
What came after the end of the previous visit (``PlanVisit.new_since``) is new, and stays
marked new through the whole visit, so a reload does not hide it; on the first visit, the
messages not yet read are new. Every query below runs once, whatever the plan's size.
"""

from collections import namedtuple
from datetime import timedelta

from flask import current_app
from peewee import fn

from webapp.db import Prepared
from webapp.lysglimt.service import newest
from webapp.models import (
    Consent,
    Goal,
    Meeting,
    Message,
    MessageRecipient,
    Participant,
    Person,
    PlanVisit,
    Signature,
    utcnow,
)
from webapp.policy import FAMILY_ROLES

# How many new messages and minutes the page lists; the rest are in the messages.
NEW_SHOWN = 5

Visit = namedtuple("Visit", "first since")


def visit_gap():
    return timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])


def record_visit(person, plan, now=None):
    """Count a view of the plan page by ``person`` at ``now`` and return the ``Visit``:
    ``first`` on the very first, and ``since``, the end of the previous visit (``None`` on the
    first visit). Two queries."""
    now = now or utcnow()
    found = _visit_of(person.id, plan.id)
    visit = found[0] if found else None
    if visit is None:
        PlanVisit.insert(person=person, plan=plan, last_seen_at=now,
                         new_since=None).on_conflict_ignore().execute()
        return Visit(first=True, since=None)
    since = visit.new_since
    changes = {PlanVisit.last_seen_at: now}
    if now - visit.last_seen_at >= visit_gap():  # a new visit: the previous one ended then
        since = changes[PlanVisit.new_since] = visit.last_seen_at
    PlanVisit.update(changes).where(PlanVisit.id == visit.id).execute()
    return Visit(first=since is None, since=since)


def new_messages(person, plan, visit):
    """``(count, newest)``: the messages and minutes to ``person`` in ``plan`` that are new
    since their last visit (written, or minutes changed, after it; on the first visit, those
    not read), not their own, and the newest ``NEW_SHOWN`` of them with the author (two
    queries)."""
    if visit.since is None:
        new = MessageRecipient.read_at.is_null()
    else:
        new = (Message.created_at > visit.since) | (
            (Message.kind == Message.MINUTES) & (Message.updated_at > visit.since))
    condition = ((Message.plan == plan) & (MessageRecipient.person == person)
                 & (Message.author != person) & new)
    count = (Message.select(fn.COUNT(Message.id))
             .join(MessageRecipient, on=(MessageRecipient.message == Message.id))
             .where(condition).scalar())
    rows = list(
        Message.select(Message.id, Message.kind, Message.subject, Message.created_at,
                       Message.updated_at, MessageRecipient.read_at,
                       Person.name.alias("author_name"))
        .join(MessageRecipient, on=(MessageRecipient.message == Message.id))
        .switch(Message)
        .join(Person, on=(Message.author == Person.id))
        .where(condition)
        .order_by(Message.updated_at.desc(), Message.id.desc())
        .limit(NEW_SHOWN)
        .dicts()
    )
    return count, rows


def next_meeting(plan, now=None):
    """The plan's next meeting (not yet started), or ``None`` (one query)."""
    return next(iter(_next_meeting(plan.id, now or utcnow())), None)


def waiting_signature(person, plan):
    """A consent of ``plan`` out for signing that waits for ``person``'s signature, oldest
    first, with the consent (one query), or ``None``."""
    return next(iter(_waiting_signature(plan.id, person.id)), None)


# The page's queries, built once (webapp.db.Prepared).
_visit_of = Prepared(lambda person_id, plan_id: PlanVisit.select().where(
    (PlanVisit.person == person_id) & (PlanVisit.plan == plan_id)).limit(1))
_next_meeting = Prepared(lambda plan_id, now: (
    Meeting.select()
    .where((Meeting.plan == plan_id) & (Meeting.starts_at >= now))
    .order_by(Meeting.starts_at, Meeting.id)
    .limit(1)))
_waiting_signature = Prepared(lambda plan_id, person_id: (
    Signature.select(Signature, Consent)
    .join(Consent)
    .where((Consent.plan == plan_id) & (Consent.status == Consent.SENT)
           & (Signature.person == person_id) & (Signature.decision == Signature.PENDING))
    .order_by(Consent.version, Consent.id)
    .limit(1)))
_stafetthaldar = Prepared(lambda plan_id: (
    Participant.select(Participant, Person)
    .join(Person, on=(Participant.person == Person.id))
    .where((Participant.plan == plan_id) & (Participant.role == Participant.STAFETTHALDAR))
    .limit(1)))


def goals_for_family(plan):
    """The plan's goals, each with ``family_activities`` (the activities a guardian or the
    youth is responsible for) and ``other_activities`` (the services' and the
    stafetthaldar's): two queries."""
    goals = Goal.with_activities(plan)
    for goal in goals:
        goal.family_activities = [a for a in goal.activity_list
                                  if a.responsible.role in FAMILY_ROLES]
        goal.other_activities = [a for a in goal.activity_list
                                 if a.responsible.role not in FAMILY_ROLES]
    return goals


def family_page(person, plan):
    """Everything the family's plan page shows, in a fixed number of queries; records the
    visit."""
    visit = record_visit(person, plan)
    count, messages = new_messages(person, plan, visit)
    lysglimt, more_lysglimt = newest(plan)
    return {
        "visit": visit,
        "new_count": count,
        "new_messages": messages,
        "next_meeting": next_meeting(plan),
        "signature": waiting_signature(person, plan),
        "goals": goals_for_family(plan),
        "lysglimt": lysglimt,
        "more_lysglimt": more_lysglimt,
        "stafetthaldar": next(iter(_stafetthaldar(plan.id)), None),
    }
