"""Meetings and the calendar (SPEC §3.2.4, §3.8): the stafetthaldar plans a meeting with type,
time, place, invited participants and a minute-taker; the invitation is a message in the log and
a notification without content; the plan's calendar, each person's own upcoming meetings, and a
calendar file (.ics) without personal data for employees' own calendars."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, current_app, flash, redirect, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from webapp import guards, policy, routine
from webapp.audit import add_event
from webapp.db import immediate
from webapp.guards import enforces
from webapp.labels import format_datetime, meeting_kind_label, role_label
from webapp.meetings.forms import MeetingForm
from webapp.messages.service import send_message
from webapp.minutes.templates_text import level_of
from webapp.models import (
    Meeting,
    MeetingInvite,
    Message,
    Participant,
    Person,
    Plan,
    utcnow,
)

bp = Blueprint("meetings", __name__)
OSLO = ZoneInfo("Europe/Oslo")
MEETING_LENGTH = timedelta(hours=1)


def to_utc(day, at):
    """A Norwegian date and time from the form, as the naive UTC time the database keeps."""
    local = datetime.combine(day, at, tzinfo=OSLO)
    return local.astimezone(UTC).replace(tzinfo=None)


@bp.route("/plans/<int:plan_id>/calendar")
@guards.requires_plan(policy.PLAN_READ)
def calendar(plan):
    """The plan's meetings, upcoming first, then the past ones. Every participant with content
    access (policy.PLAN_READ); the stafetthaldar also plans new ones."""
    meetings = list(Meeting.select().where(Meeting.plan == plan).order_by(Meeting.starts_at))
    now = utcnow()
    return render_template(
        "meetings/calendar.html", plan=plan,
        upcoming=[m for m in meetings if m.starts_at >= now],
        past=[m for m in reversed(meetings) if m.starts_at < now],
        may_plan=guards.may("meetings.new_meeting", plan),
    )


@bp.route("/plans/<int:plan_id>/meetings/new", methods=["GET", "POST"])
@guards.requires_plan(policy.PLAN_MANAGE)
@enforces("plan_meeting")
def new_meeting(plan):
    """Plan a meeting: the invitation goes as a message and a content-free notification; an
    evaluation meeting sets the plan's evaluation date. The stafetthaldar (policy.PLAN_MANAGE),
    once the consent is valid (routine step 2.4)."""
    people = list(Participant.active_in(plan))
    choices = [SelectChoice(p.id, f"{p.person.name} ({role_label(p.role)})") for p in people]
    holder = next((p.id for p in people if p.role == Participant.STAFETTHALDAR), None)
    form = MeetingForm(data={"kind": "evaluation", "invited": [p.id for p in people],
                             "minute_taker": holder})
    form.invited.choices = choices
    form.minute_taker.choices = choices
    if form.validate_on_submit():
        try:
            starts_at = to_utc(form.day.data, form.starts.data)
        except OverflowError:  # 1 January year 1 after midnight: before UTC can count
            starts_at = None
        if starts_at is None or starts_at < utcnow():
            form.day.errors.append(_("The meeting must be in the future."))
        else:
            meeting = _create(plan, form, starts_at, people)
            flash(_("The meeting is planned and the invitation is sent."))
            return redirect(url_for("meetings.show", plan_id=plan.id, meeting_id=meeting.id))
    for name in ("day", "starts"):
        if form[name].process_errors:  # not a date or time the form could read
            form[name].errors[:] = [_("Write the date as day, month and year, for example "
                                      "24.03.2027.") if name == "day" else
                                    _("Write the time, for example 14:00.")]
    return render_template(
        "meetings/new.html", plan=plan, form=form, step=routine.STEPS_BY_ID["evaluation-meeting"],
    ), 422 if form.errors else 200


def _create(plan, form, starts_at, people):
    invited = [p for p in people if p.id in set(form.invited.data)]
    with immediate():
        meeting = Meeting.create(
            plan=plan, kind=form.kind.data, starts_at=starts_at,
            # A start-up meeting on level 2 or 3 is on that level, whatever the plan says yet.
            bti_level=level_of(form.kind.data, plan.bti_level),
            place=form.place.data or "", minute_taker=form.minute_taker.data,
        )
        MeetingInvite.insert_many(
            [{"meeting": meeting.id, "participant": p.id} for p in invited]
        ).execute()
        with force_locale(plan_language()):
            subject = _("Invitation: %(kind)s", kind=meeting_kind_label(meeting.kind))
            body = _("You are invited to a %(kind)s on %(time)s. Place: %(place)s.",
                     kind=meeting_kind_label(meeting.kind).lower(),
                     time=format_datetime(starts_at), place=meeting.place or "–")
        send_message(plan, current_user.id, subject, body, [p.person for p in invited],
                     notification="meeting", meeting=meeting)
        if meeting.kind == "evaluation":
            # The Norwegian date: a meeting at 00:30 is on the 10th, though 23:30 UTC on the 9th.
            Plan.update(next_evaluation=form.day.data, updated_at=utcnow()).where(
                Plan.id == plan.id).execute()
        add_event(plan, "meeting_planned", current_user.id, meeting.kind)
    return meeting


def plan_language():
    from webapp.labels import current_locale

    return current_locale()


@bp.route("/plans/<int:plan_id>/meetings/<int:meeting_id>")
@guards.requires_plan(policy.PLAN_READ)
def show(plan, meeting_id):
    """A meeting: type, time, place, who is invited, the minute-taker, its minutes. Every
    participant with content access (policy.PLAN_READ)."""
    meeting = guards.plan_child_or_404(Meeting, plan, meeting_id)
    invited = list(
        Participant.select(Participant, Person)
        .join(Person, on=(Participant.person == Person.id))
        .join(MeetingInvite, on=(MeetingInvite.participant == Participant.id))
        .where(MeetingInvite.meeting == meeting)
        .order_by(Person.name)
    )
    minutes = list(Message.select(Message.id, Message.subject).where(
        (Message.meeting == meeting) & (Message.kind == Message.MINUTES)).order_by(Message.id))
    views = current_app.view_functions
    return render_template(
        "meetings/show.html", plan=plan, meeting=meeting, invited=invited, minutes=minutes,
        minute_taker=next((p for p in invited if p.id == meeting.minute_taker_id), None),
        has_minutes_pages="minutes.edit" in views,
        may_write=policy.may_write_minutes(current_user, plan, meeting),
        may_evaluate=guards.may("meetings.evaluation", plan),
    )


def _ics_text(lines):
    """RFC 5545: CRLF line ends, lines folded at 75 octets."""
    folded = []
    for line in lines:
        data = line.encode()
        while len(data) > 75:
            cut = 75
            while (data[cut] & 0xC0) == 0x80:  # never split a UTF-8 character
                cut -= 1
            folded.append(data[:cut].decode())
            data = b" " + data[cut:]
        folded.append(data.decode())
    return "\r\n".join(folded) + "\r\n"


def _ics_escape(text):
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


@bp.route("/plans/<int:plan_id>/meetings/<int:meeting_id>/calendar-file")
@guards.requires_plan(policy.PLAN_READ)
def ics(plan, meeting_id):
    """The meeting as a calendar file for one's own calendar, with no personal data (SPEC
    §3.2.4): the title is "Stafettlogg" and the text points to the invitation in the log. There
    is no place (it can name the family's home) and no names. Participants (policy.PLAN_READ)."""
    meeting = guards.plan_child_or_404(Meeting, plan, meeting_id)
    stamp = "%Y%m%dT%H%M%SZ"
    host = current_app.config.get("ICS_UID_DOMAIN", "stafettlogg.invalid")
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Stafettlogg//NONSGML v1//NO",
        "CALSCALE:GREGORIAN", "METHOD:PUBLISH", "BEGIN:VEVENT",
        f"UID:meeting-{meeting.id}@{host}",
        f"DTSTAMP:{utcnow().strftime(stamp)}",
        f"DTSTART:{meeting.starts_at.strftime(stamp)}",
        f"DTEND:{(meeting.starts_at + MEETING_LENGTH).strftime(stamp)}",
        "SUMMARY:Stafettlogg",
        "DESCRIPTION:" + _ics_escape(_("See the meeting invitation in the stafettlogg.")),
        "CLASS:CONFIDENTIAL",
        "END:VEVENT", "END:VCALENDAR",
    ]
    return Response(
        _ics_text(lines), mimetype="text/calendar",
        headers={"Content-Disposition": 'attachment; filename="stafettlogg.ics"'},
    )


@bp.route("/meetings")
@guards.requires(policy.AUTHENTICATED)
def mine():
    """The logged-in person's upcoming meetings in the plans whose content they may read.
    Anyone logged in; only their own meetings are listed."""
    rows = (
        Meeting.select(Meeting, Plan)
        .join(Plan)
        .switch(Meeting)
        .join(MeetingInvite)
        .join(Participant, on=(MeetingInvite.participant == Participant.id))
        .where((Participant.person == current_user.id)
               & (Participant.status == Participant.ACTIVE)
               & (Meeting.starts_at >= utcnow()))
        .order_by(Meeting.starts_at)
        .limit(100)
    )
    rows = list(rows)
    policy.prime_roles(current_user, [m.plan for m in rows])
    meetings = [m for m in rows if policy.can(current_user, policy.PLAN_READ, m.plan)]
    return render_template("meetings/mine.html", meetings=meetings)

from webapp.meetings import evaluation as _evaluation  # noqa: E402,F401  (routes on this bp)
