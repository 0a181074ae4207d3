"""Writing minutes (SPEC §3.2.2, §3.3.1, §3.5): starting them from the template for the
meeting's kind and BTI level, and saving them without overwriting someone else's save."""

from webapp.audit import add_event, record_write
from webapp.concurrency import save_or_conflict
from webapp.db import immediate
from webapp.labels import current_locale, format_date, format_datetime
from webapp.meetings.service import record_level_of
from webapp.messages.service import send_message
from webapp.minutes import templates_text
from webapp.models import Meeting, Message, Participant, utcnow


def start_minutes(plan, meeting, kind, author):
    """Minutes from the template for ``meeting`` (``None``: a meeting of ``kind`` held now),
    to every participant with access, and the timeline event; one transaction."""
    with immediate():
        if meeting is None:
            holder = Participant.get_or_none((Participant.plan == plan)
                                             & (Participant.person == author))
            meeting = Meeting.create(plan=plan, kind=kind,
                                     bti_level=templates_text.level_of(kind, plan.bti_level),
                                     starts_at=utcnow(), minute_taker=holder)
        participants = list(Participant.active_in(plan).order_by(Participant.id))
        # The plan's language is the writer's (SPEC §3.2.2): the text is theirs from now on.
        language, level = current_locale(), meeting.bti_level
        body = templates_text.body(
            meeting.kind, level, language,
            present=[(p.person.name, p.role) for p in participants],
            date=format_datetime(meeting.starts_at), place=meeting.place,
            next_meeting=format_date(plan.next_evaluation),
        )
        # No notification: minutes are written over the meeting, read when they are done.
        message = send_message(
            plan, author, templates_text.title(meeting.kind, level, language), body,
            [p.person for p in participants], notification=None, kind=Message.MINUTES,
            meeting=meeting,
        )
        add_event(plan, "minutes_written", author, meeting.kind)
    return message


def save_minutes(plan, message, form, author):
    """Save if nobody saved since the editor's version; else the saved message (conflict).
    The same text already saved is no conflict: "Save" and the autosave that leaving the box
    fires cross each other, and a double click posts twice. Saved minutes of a start-up meeting
    on level 2 or 3 that has been held put the plan on that level."""
    text = form.body.data or ""
    with immediate():
        conflict = save_or_conflict(Message, message, Message.version, form, plan=plan,
                                    editor=author, body=text,
                                    updated_at=utcnow())
        if conflict is None:
            # The level first: a change locks the plan's row before its audit chain, the
            # order every event takes (``audit.add_event``), so two writers never wait for
            # each other's lock (PostgreSQL).
            record_level_of(plan, message.meeting, author)
            record_write(plan, author, f"minutes {message.id}")
    return None if conflict is None or conflict.body == text else conflict
