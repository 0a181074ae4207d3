"""Minutes (SPEC §3.2.2, §3.3.1, §3.8) and the meeting-room display.

Minutes are messages to the plan's participants, started from the template for the meeting's
type and BTI level. They are written during the meeting and saved as you go (htmx), and a save
from an out-of-date version is refused with both texts kept: nothing is lost, nothing silently
overwritten. The display shows them on a projector as they are written, with a blank screen the
stafetthaldar controls.
"""

import hashlib

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import InputRequired, Length

from webapp import policy, routine
from webapp.audit import add_event, record_access
from webapp.concurrency import save_if_current
from webapp.db import immediate
from webapp.goals.routes import goals_with_activities
from webapp.labels import (
    MEETING_KIND,
    current_locale,
    format_date,
    format_datetime,
    meeting_kind_label,
)
from webapp.minutes import templates_text
from webapp.models import Meeting, Message, MessageRecipient, Participant, Person, utcnow
from webapp.plainlang import AS_YOU_TYPE, readability
from webapp.plans.enforce import enforces
from webapp.safe_urls import safe_next

bp = Blueprint("minutes", __name__, url_prefix="/plans/<int:plan_id>")
MINUTES_MAX = 50_000
HELD_NOW = 0


class NewMinutesForm(FlaskForm):
    meeting = SelectField(_l("Which meeting?"), coerce=int, validate_choice=False)
    kind = RadioField(
        _l("Type of meeting"),
        choices=[SelectChoice(code, label) for code, label in MEETING_KIND.items()],
        default="startup",
    )

    def validate_meeting(self, field):
        if field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(_l("Choose the meeting."))


class MinutesForm(FlaskForm):
    body = TextAreaField(
        _l("Minutes"),
        validators=[Length(max=MINUTES_MAX, message=_l("Write at most 50000 characters."))],
        render_kw={**AS_YOU_TYPE, "rows": 20},
    )
    version = HiddenField(validators=[InputRequired()])
    # The conflict panel's "Continue from the saved text" (a button, so the text is posted).
    use_saved = StringField()


def _minutes_or_404(plan, message_id):
    message = (
        Message.select(Message, Meeting)
        .join(Meeting, on=(Message.meeting == Meeting.id))
        .where((Message.id == message_id) & (Message.plan == plan)
               & (Message.kind == Message.MINUTES))
        .first()
    )
    if message is None:
        abort(404)
    return message


def _may_write_or_403(plan, meeting):
    if not policy.may_write_minutes(current_user, plan, meeting):
        abort(403)


@bp.route("/minutes/new", methods=["GET", "POST"])
@policy.requires_plan(policy.PLAN_CONTRIBUTE)
@enforces("write_minutes")
def new(plan):
    """Start minutes from the template for the meeting's type and BTI level: for a planned
    meeting, or a meeting held now. The stafetthaldar or the meeting's minute-taker, once the
    consent is valid (policy.PLAN_CONTRIBUTE, then policy.may_write_minutes)."""
    meetings = list(Meeting.select().where(Meeting.plan == plan).order_by(Meeting.starts_at.desc()))
    form = NewMinutesForm(data={"meeting": request.args.get("meeting", type=int) or HELD_NOW})
    form.meeting.choices = [SelectChoice(HELD_NOW, _("A meeting held now"))] + [
        SelectChoice(m.id, f"{meeting_kind_label(m.kind)}, {format_datetime(m.starts_at)}")
        for m in meetings
    ]
    if form.validate_on_submit():
        meeting = next((m for m in meetings if m.id == form.meeting.data), None)
        _may_write_or_403(plan, meeting)
        message = _start(plan, meeting, form.kind.data or "startup")
        return redirect(url_for("minutes.edit", plan_id=plan.id, message_id=message.id))
    if not policy.may_write_minutes(current_user, plan, None) and not any(
        policy.may_write_minutes(current_user, plan, m) for m in meetings
    ):
        abort(403)
    return render_template("minutes/new.html", plan=plan, form=form,
                           step=routine.STEPS_BY_ID["minutes"]), 422 if form.errors else 200


def _start(plan, meeting, kind):
    with immediate():
        if meeting is None:
            holder = Participant.get_or_none((Participant.plan == plan)
                                             & (Participant.person == current_user.id))
            meeting = Meeting.create(plan=plan, kind=kind, bti_level=plan.bti_level,
                                     starts_at=utcnow(), minute_taker=holder)
        participants = list(
            Participant.select(Participant.role, Person.id, Person.name)
            .join(Person, on=(Participant.person == Person.id))
            .where((Participant.plan == plan) & (Participant.status == Participant.ACTIVE))
            .order_by(Participant.id)
        )
        # The plan's language is the writer's (SPEC §3.2.2): the text is theirs from now on.
        language, level = current_locale(), meeting.bti_level
        message = Message.create(
            plan=plan, kind=Message.MINUTES, meeting=meeting, author=current_user.id,
            subject=templates_text.title(meeting.kind, level, language),
            body=templates_text.body(
                meeting.kind, level, language,
                present=[(p.person.name, p.role) for p in participants],
                date=format_datetime(meeting.starts_at), place=meeting.place,
                next_meeting=format_date(plan.next_evaluation),
            ),
        )
        now = utcnow()
        MessageRecipient.insert_many(
            [{"message": message.id, "person": pid,
              "read_at": now if pid == current_user.id else None}
             for pid in dict.fromkeys(p.person.id for p in participants)]
        ).execute()
        add_event(plan, "minutes_written", current_user.id, meeting.kind)
    return message


def _edit_page(plan, message, form, conflict=None, status=200, mine=None):
    return render_template(
        "minutes/edit.html", plan=plan, message=message, meeting=message.meeting, form=form,
        conflict=conflict, mine=mine, readability=readability(form.body.data or ""),
        may_blank=policy.can(current_user, policy.PLAN_MANAGE, plan),
    ), status


@bp.route("/minutes/<int:message_id>/edit", methods=["GET", "POST"])
@policy.requires_plan(policy.PLAN_CONTRIBUTE)
@enforces("write_minutes")
def edit(plan, message_id):
    """Write the minutes; "Save" posts the whole text (works without JavaScript), htmx saves
    as you type through ``minutes.save``. The stafetthaldar or the minute-taker."""
    message = _minutes_or_404(plan, message_id)
    _may_write_or_403(plan, message.meeting)
    form = MinutesForm(data={"body": message.body, "version": message.version})
    if request.form.get("take_over", "").isdigit():
        # "Save my text instead", after seeing the other text: from the version they saved.
        form.version.data = request.form["take_over"]
    if form.validate_on_submit():
        if form.use_saved.data:
            # Continue from the saved text: it goes in the box, and the writer's own text stays
            # on the page beside it, so nothing typed is lost.
            mine = form.body.data
            form.body.data, form.version.data = message.body, message.version
            return _edit_page(plan, message, form, mine=mine)
        conflict = _save(plan, message, form)
        if conflict is None:
            flash(_("The minutes are saved."))
            return redirect(url_for("minutes.edit", plan_id=plan.id, message_id=message.id))
        return _edit_page(plan, message, form, conflict, 409)
    return _edit_page(plan, message, form, status=422 if form.errors else 200)


def _save(plan, message, form):
    """Save if nobody saved since the editor's version; else the saved message (conflict).
    The same text already saved is no conflict: "Save" and the autosave that leaving the box
    fires cross each other, and a double click posts twice."""
    text = form.body.data or ""
    if save_if_current(Message, message.id, Message.version, int(form.version.data or 0),
                       body=text, updated_at=utcnow()):
        form.version.data = int(form.version.data or 0) + 1
        return None
    current = Message.get_by_id(message.id)
    form.version.data = current.version  # saving again after reading both keeps this text
    return None if current.body == text else current


@bp.route("/minutes/<int:message_id>/save", methods=["POST"])
@policy.requires_plan(policy.PLAN_CONTRIBUTE)
@enforces("write_minutes")
def save(plan, message_id):
    """Autosave for htmx: answers with the save status (and the new version), or 409 with the
    conflict panel. The stafetthaldar or the minute-taker."""
    message = _minutes_or_404(plan, message_id)
    _may_write_or_403(plan, message.meeting)
    form = MinutesForm()
    if not form.validate_on_submit():
        return render_template("minutes/_status.html", form=form, error=True), 422
    conflict = _save(plan, message, form)
    response = render_template("minutes/_status.html", form=form, conflict=conflict,
                               plan=plan, message=message, saved_at=utcnow())
    return response, 409 if conflict else 200


@bp.route("/minutes/<int:message_id>")
@policy.requires_plan(policy.PLAN_READ)
def show(plan, message_id):
    """The minutes, read-only. Every participant with content access (policy.PLAN_READ)."""
    message = _minutes_or_404(plan, message_id)
    MessageRecipient.update(read_at=utcnow()).where(
        (MessageRecipient.message == message) & (MessageRecipient.person == current_user.id)
        & MessageRecipient.read_at.is_null()).execute()
    return render_template(
        "minutes/show.html", plan=plan, message=message, meeting=message.meeting,
        may_write=policy.may_write_minutes(current_user, plan, message.meeting),
    )


# --- The meeting-room display ----------------------------------------------------------------


def _meeting_or_404(plan, meeting_id):
    meeting = Meeting.get_or_none((Meeting.id == meeting_id) & (Meeting.plan == plan))
    if meeting is None:
        abort(404)
    return meeting


def _display_context(plan, meeting):
    minutes = (
        Message.select(Message.id, Message.subject, Message.body, Message.version)
        .where((Message.meeting == meeting) & (Message.kind == Message.MINUTES))
        .order_by(Message.id.desc())
        .first()
    )
    return {"plan": plan, "meeting": meeting, "minutes": minutes,
            "goals": [] if meeting.display_blank else goals_with_activities(plan)}


def _display_fragment(plan, meeting):
    """What the display shows, with a hidden field holding its fingerprint: the next poll sends
    the fingerprint back, and an unchanged display is then answered without a swap."""
    context = _display_context(plan, meeting)
    shown = render_template("minutes/_display_content.html", **context)
    seen = hashlib.sha256(shown.encode()).hexdigest()[:20]
    return render_template("minutes/_display_content.html", seen=seen, **context), seen


@bp.route("/meetings/<int:meeting_id>/display")
@policy.requires_plan(policy.PLAN_READ)
def display(plan, meeting_id):
    """Full screen for the projector: the minutes as they are written, the goals and activities
    with who is responsible, the next evaluation date; no menu, no identity number. Refreshes
    every 2 s. Logged-in participants with content access (policy.PLAN_READ)."""
    meeting = _meeting_or_404(plan, meeting_id)
    content, _seen = _display_fragment(plan, meeting)
    return render_template("minutes/display.html", plan=plan, meeting=meeting, content=content)


@bp.route("/meetings/<int:meeting_id>/display/content")
@policy.requires_plan(policy.PLAN_READ, audit="by_view")
def display_content(plan, meeting_id):
    """What the display shows, for its 2-second poll (htmx); nothing to swap when it is what
    the display already shows (``seen``). As ``minutes.display``. Only a poll that sends
    content is an audited read (not 1,800 entries an hour for an unchanged screen)."""
    meeting = _meeting_or_404(plan, meeting_id)
    content, seen = _display_fragment(plan, meeting)
    if request.args.get("seen") == seen:
        return "", 200, {"HX-Reswap": "none"}
    record_access(current_user, plan, request.endpoint, request.method)
    return content


@bp.route("/meetings/<int:meeting_id>/display/blank", methods=["POST"])
@policy.requires_plan(policy.PLAN_MANAGE)
def blank(plan, meeting_id):
    """Blank the projector, or show it again: one click. The button says which (``blank`` is
    1 or 0), so a double click does not blank and unblank; without it, it toggles. The
    stafetthaldar (policy.PLAN_MANAGE)."""
    meeting = _meeting_or_404(plan, meeting_id)
    if FlaskForm().validate_on_submit():
        wanted = request.form.get("blank")
        value = (wanted == "1") if wanted in ("0", "1") else ~Meeting.display_blank
        Meeting.update(display_blank=value).where(Meeting.id == meeting.id).execute()
        meeting = Meeting.get_by_id(meeting.id)
    if request.headers.get("HX-Request"):
        return render_template("minutes/_blank_button.html", plan=plan, meeting=meeting)
    back = safe_next(request.form.get("back"))
    return redirect(back or url_for("minutes.display", plan_id=plan.id, meeting_id=meeting.id))
