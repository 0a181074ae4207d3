"""Minutes (SPEC §3.2.2, §3.3.1, §3.8) and the meeting-room display.

Minutes are messages to the plan's participants, started from the template for the meeting's
type and BTI level. They are written during the meeting and saved as you go (htmx), and a save
from an out-of-date version is refused with both texts kept: nothing is lost, nothing silently
overwritten. The display shows them on a projector as they are written, with a blank screen the
stafetthaldar controls.
"""

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import (
    SelectChoice,
)

from webapp import guards, policy, routine
from webapp.audit import record_access
from webapp.concurrency import parse_version
from webapp.display import service as screen
from webapp.extensions import htmx
from webapp.fields import ConfirmForm
from webapp.guards import enforces
from webapp.labels import (
    format_datetime,
    meeting_kind_label,
)
from webapp.minutes import service
from webapp.minutes.forms import HELD_NOW, MinutesForm, NewMinutesForm
from webapp.models import Meeting, Message, MessageRecipient, utcnow
from webapp.plainlang import readability
from webapp.safe_urls import safe_next

bp = Blueprint("minutes", __name__, url_prefix="/plans/<int:plan_id>")
def _minutes_or_404(plan, message_id):
    """Minutes of one of the plan's meetings (a message of the minutes kind), or 404."""
    return guards.plan_child_or_404(Message, plan, message_id, Message.kind == Message.MINUTES,
                                    Message.meeting.is_null(False))


def _may_write_or_403(plan, meeting):
    if not policy.may_write_minutes(current_user, plan, meeting):
        abort(403)


@bp.route("/minutes/new", methods=["GET", "POST"])
@guards.requires_plan(policy.PLAN_CONTRIBUTE)
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
        message = service.start_minutes(plan, meeting, form.kind.data or "startup",
                                        current_user.id)
        return redirect(url_for("minutes.edit", plan_id=plan.id, message_id=message.id))
    if not policy.may_start_minutes(current_user, plan):
        abort(403)
    chosen = next((m for m in meetings if m.id == form.meeting.data), None)
    return render_template(
        "minutes/new.html", plan=plan, form=form,
        step=routine.minutes_step(chosen.kind if chosen else None),
    ), 422 if form.errors else 200


def _edit_page(plan, message, form, conflict=None, status=200, mine=None):
    may_blank = policy.can(current_user, policy.PLAN_MANAGE, plan)
    return render_template(
        "minutes/edit.html", plan=plan, message=message, meeting=message.meeting, form=form,
        step=routine.minutes_step(message.meeting.kind),
        conflict=conflict, mine=mine, readability=readability(form.body.data or ""),
        may_blank=may_blank,
        projector=screen.projector(message.meeting, session.get(screen.WAITING_CODE))
        if may_blank else None,
    ), status


@bp.route("/minutes/<int:message_id>/edit", methods=["GET", "POST"])
@guards.requires_plan(policy.PLAN_CONTRIBUTE)
@enforces("write_minutes")
def edit(plan, message_id):
    """Write the minutes; "Save" posts the whole text (works without JavaScript), htmx saves
    as you type through ``minutes.save``. The stafetthaldar or the minute-taker."""
    message = _minutes_or_404(plan, message_id)
    _may_write_or_403(plan, message.meeting)
    form = MinutesForm(data={"body": message.body, "version": message.version})
    take_over = parse_version(request.form.get("take_over")) if request.form.get(
        "take_over") else None
    if take_over is not None:
        # "Save my text instead", after seeing the other text: from the version they saved.
        form.version.data = take_over
    if form.validate_on_submit():
        if form.use_saved.data:
            # Continue from the saved text: it goes in the box, and the writer's own text stays
            # on the page beside it, so nothing typed is lost.
            mine = form.body.data
            form.body.data, form.version.data = message.body, message.version
            return _edit_page(plan, message, form, mine=mine)
        conflict = service.save_minutes(plan, message, form, current_user.id)
        if conflict is None:
            flash(_("The minutes are saved."))
            return redirect(url_for("minutes.edit", plan_id=plan.id, message_id=message.id))
        return _edit_page(plan, message, form, conflict, 409)
    return _edit_page(plan, message, form, status=422 if form.errors else 200)


@bp.route("/minutes/<int:message_id>/save", methods=["POST"])
@guards.requires_plan(policy.PLAN_CONTRIBUTE)
@enforces("write_minutes")
def save(plan, message_id):
    """Autosave for htmx: answers with the save status (and the new version), or 409 with the
    conflict panel. The stafetthaldar or the minute-taker."""
    message = _minutes_or_404(plan, message_id)
    _may_write_or_403(plan, message.meeting)
    form = MinutesForm()
    if not form.validate_on_submit():
        return render_template("minutes/_status.html", form=form, error=True), 422
    conflict = service.save_minutes(plan, message, form, current_user.id)
    response = render_template("minutes/_status.html", form=form, conflict=conflict,
                               plan=plan, message=message, saved_at=utcnow())
    return response, 409 if conflict else 200


@bp.route("/minutes/<int:message_id>")
@guards.requires_plan(policy.PLAN_READ)
def show(plan, message_id):
    """The minutes, read-only. Every participant with content access (policy.PLAN_READ)."""
    message = _minutes_or_404(plan, message_id)
    MessageRecipient.mark_read(message, current_user.id)
    return render_template(
        "minutes/show.html", plan=plan, message=message, meeting=message.meeting,
        may_write=policy.may_write_minutes(current_user, plan, message.meeting),
    )


# --- The meeting-room display ----------------------------------------------------------------


@bp.route("/meetings/<int:meeting_id>/display")
@guards.requires_plan(policy.PLAN_READ)
def display(plan, meeting_id):
    """Full screen for the projector: the minutes as they are written, the goals and activities
    with who is responsible, the next evaluation date; no menu, no identity number. Refreshes
    every 2 s. Logged-in participants with content access (policy.PLAN_READ), on their own
    computer (a stafetthaldar's laptop on the projector); the room's computer is paired
    instead, without a login (``display.pair``)."""
    meeting = guards.plan_child_or_404(Meeting, plan, meeting_id)
    content, _seen = screen.fragment(plan, meeting)
    return render_template(
        "minutes/display.html", plan=plan, meeting=meeting, content=content,
        poll_url=url_for("minutes.display_content", plan_id=plan.id, meeting_id=meeting.id))


@bp.route("/meetings/<int:meeting_id>/display/content")
@guards.requires_plan(policy.PLAN_READ, audit="by_view")
def display_content(plan, meeting_id):
    """What the display shows, for its 2-second poll (htmx); nothing to swap when it is what
    the display already shows (``seen``). As ``minutes.display``. Only a poll that sends
    content is an audited read (not 1,800 entries an hour for an unchanged screen)."""
    meeting = guards.plan_child_or_404(Meeting, plan, meeting_id)
    seen = screen.fingerprint(plan, meeting)
    if request.args.get("seen") == seen:
        return "", 200, {"HX-Reswap": "none"}
    record_access(current_user, plan, request.endpoint, request.method)
    return screen.fragment(plan, meeting, seen)[0]


@bp.route("/meetings/<int:meeting_id>/display/blank", methods=["POST"])
@guards.requires_plan(policy.PLAN_MANAGE)
def blank(plan, meeting_id):
    """Blank the projector, or show it again: one click. The button says which (``blank`` is
    1 or 0), so a double click does not blank and unblank; without it, it toggles. The
    stafetthaldar (policy.PLAN_MANAGE)."""
    meeting = guards.plan_child_or_404(Meeting, plan, meeting_id)
    if ConfirmForm().validate_on_submit():
        wanted = request.form.get("blank")
        value = (wanted == "1") if wanted in ("0", "1") else ~Meeting.display_blank
        Meeting.update(display_blank=value).where(Meeting.id == meeting.id).execute()
        meeting = Meeting.get_by_id(meeting.id)
    if htmx:
        return render_template("minutes/_blank_button.html", plan=plan, meeting=meeting)
    back = safe_next(request.form.get("back"))
    return redirect(back or url_for("minutes.display", plan_id=plan.id, meeting_id=meeting.id))
