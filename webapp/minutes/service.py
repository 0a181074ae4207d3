"""Minutes: made from a template as a message to the plan's participants, saved as they are
written with a version check, and read by the meeting-room display. Every function runs a fixed
number of queries, whatever the plan's size."""

from flask import abort
from flask_login import current_user

from webapp import policy
from webapp.audit import add_event
from webapp.db import database
from webapp.labels import format_date, format_datetime
from webapp.minutes import templates_text
from webapp.models import (
    Activity,
    Goal,
    Meeting,
    Message,
    MessageRecipient,
    Participant,
    Person,
    utcnow,
)


def active_participants(plan):
    """The plan's active participants with their person, in one query."""
    return list(
        Participant.select(Participant, Person)
        .join(Person)
        .where((Participant.plan == plan) & (Participant.status == Participant.ACTIVE))
        .order_by(Participant.id)
    )


def meetings_of(plan):
    """The plan's meetings, newest first, with the minute-taker's participant id."""
    return list(
        Meeting.select().where(Meeting.plan == plan).order_by(Meeting.starts_at.desc(),
                                                              Meeting.id.desc())
    )


def takes_minutes(plan, meeting):
    """The stafetthaldar writes minutes; so does the minute-taker the stafetthaldar chose for the
    meeting (SPEC §3.8: "referent veljast av stafetthaldar")."""
    if policy.can(current_user, policy.PLAN_MANAGE, plan):
        return True
    if meeting is None or meeting.minute_taker_id is None:
        return False
    return (
        Participant.select()
        .where((Participant.id == meeting.minute_taker_id) & (Participant.plan == plan)
               & (Participant.person == current_user.id)
               & (Participant.status == Participant.ACTIVE))
        .exists()
    )


def load_minutes(plan, message_id, write=False):
    """The minutes ``message_id`` of ``plan`` with their meeting, or 404; with ``write``, 403
    for a reader who is neither the stafetthaldar nor the meeting's minute-taker."""
    message = (
        Message.select(Message, Meeting)
        .join(Meeting, on=(Message.meeting == Meeting.id), join_type="LEFT OUTER")
        .where((Message.plan == plan) & (Message.id == message_id)
               & (Message.kind == Message.MINUTES))
        .first()
    )
    if message is None:
        abort(404)
    if write and not takes_minutes(plan, message.meeting if message.meeting_id else None):
        abort(403)
    return message


def load_meeting(plan, meeting_id):
    meeting = Meeting.select().where((Meeting.plan == plan) & (Meeting.id == meeting_id)).first()
    if meeting is None:
        abort(404)
    return meeting


def minutes_of_meeting(meeting):
    """The meeting's latest minutes, or ``None``."""
    return (
        Message.select()
        .where((Message.meeting == meeting) & (Message.kind == Message.MINUTES))
        .order_by(Message.updated_at.desc(), Message.id.desc())
        .first()
    )


def hold_meeting_now(plan, kind, person_id):
    """A meeting of ``kind`` held now, with the writer as minute-taker."""
    taker = (
        Participant.select(Participant.id)
        .where((Participant.plan == plan) & (Participant.person == person_id)
               & (Participant.status == Participant.ACTIVE))
        .order_by(Participant.id)
        .first()
    )
    meeting = Meeting.create(
        plan=plan, kind=kind, bti_level=templates_text.level_of(kind, plan.bti_level),
        starts_at=utcnow(), minute_taker=taker.id if taker else None,
    )
    add_event(plan, "meeting_held", person_id)
    return meeting


def create_minutes(plan, meeting, author_id, language):
    """Minutes for ``meeting`` from the template of its kind and level, in ``language``, sent to
    the plan's active participants. The meeting's existing minutes are returned instead, so a
    second click or a second writer does not make a copy."""
    with database.atomic():
        existing = minutes_of_meeting(meeting)
        if existing is not None:
            return existing
        participants = active_participants(plan)
        level = templates_text.level_of(meeting.kind, meeting.bti_level)
        text = templates_text.body(
            meeting.kind, level, language,
            present=[(p.person.name, p.role) for p in participants],
            date=format_datetime(meeting.starts_at), place=meeting.place,
            next_meeting=format_date(plan.next_evaluation) if plan.next_evaluation else "",
        )
        now = utcnow()
        message = Message.create(
            plan=plan, kind=Message.MINUTES, meeting=meeting, author=author_id,
            subject=templates_text.title(meeting.kind, level, language), body=text,
            created_at=now, updated_at=now,
        )
        people = list(dict.fromkeys(p.person_id for p in participants))
        if people:
            MessageRecipient.insert_many(
                [{"message": message.id, "person": person,
                  "read_at": now if person == author_id else None} for person in people]
            ).execute()
    return message


def save_text(plan, message, started_from, text, person_id):
    """Save ``text`` over version ``started_from`` of ``message``: compare and swap on the
    version, so a save from an out-of-date version writes nothing. Returns the new version, or
    ``None`` on a conflict. A text equal to the saved one is no conflict (a double submission,
    or an autosave that came first) and writes nothing."""
    from webapp.concurrency import save_if_current

    if text == message.body:
        return message.version
    if not save_if_current(Message, message.id, Message.version, started_from,
                           body=text, updated_at=utcnow()):
        current = Message.select(Message.body, Message.version).where(
            Message.id == message.id).first()
        return current.version if current.body == text else None
    if started_from == 1:
        # The first save of the template's text: once per minutes, not per keystroke.
        add_event(plan, "minutes_written", person_id, str(message.id))
    return started_from + 1


def mark_read(message, person_id):
    MessageRecipient.update(read_at=utcnow()).where(
        (MessageRecipient.message == message.id) & (MessageRecipient.person == person_id)
        & (MessageRecipient.read_at.is_null())
    ).execute()


def goals_with_activities(plan):
    """The plan's goals, each with ``.shown_activities`` (responsible participant and person
    joined): two queries in all."""
    goals = list(Goal.select().where(Goal.plan == plan).order_by(Goal.position, Goal.id))
    by_goal = {goal.id: goal for goal in goals}
    for goal in goals:
        goal.shown_activities = []
    if goals:
        activities = (
            Activity.select(Activity, Participant, Person)
            .join(Participant, join_type="LEFT OUTER")
            .join(Person, join_type="LEFT OUTER")
            .where(Activity.goal.in_(list(by_goal)))
            .order_by(Activity.id)
        )
        for activity in activities:
            by_goal[activity.goal_id].shown_activities.append(activity)
    return goals


def next_evaluation(plan):
    """The next evaluation date: the plan's, or else the next evaluation meeting's."""
    if plan.next_evaluation:
        return format_date(plan.next_evaluation)
    meeting = (
        Meeting.select(Meeting.starts_at)
        .where((Meeting.plan == plan) & (Meeting.kind == templates_text.EVALUATION)
               & (Meeting.starts_at >= utcnow()))
        .order_by(Meeting.starts_at)
        .first()
    )
    return format_datetime(meeting.starts_at) if meeting else ""
