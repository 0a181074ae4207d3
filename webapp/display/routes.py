"""The meeting-room display (SPEC §1): the stafetthaldar pairs the room's browser to one meeting
with a short code instead of a staff login; the paired screen shows that meeting's minutes and
goals, read-only and live, and nothing else, until the stafetthaldar ends it or the day is over.

The display session is not a login: it is a token in the room browser's session cookie, checked
on the server on every request (``guards.paired_display``). Pairing logs out whoever was logged
in on that browser, so the room's browser holds the display session only.
"""

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp import guards, policy
from webapp.display import service
from webapp.display.forms import PairForm
from webapp.extensions import htmx, limiter
from webapp.fields import ConfirmForm
from webapp.models import Meeting
from webapp.safe_urls import safe_next
from webapp.sessions import end_session

bp = Blueprint("display", __name__)


def _pair_limit():
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/display", methods=["GET", "POST"])
@limiter.limit(_pair_limit, methods=["POST"])
@guards.public
def pair():
    """The public pairing page the room's browser opens: write the code from the minutes
    editor. Anyone may open it; a wrong, used or expired code gets the same answer. Rate
    limited as the login."""
    form = PairForm()
    error = None
    if form.validate_on_submit():
        token = service.pair(form.code.data)
        if token is not None:
            if current_user.is_authenticated:
                end_session(current_user)  # the room's browser holds the display only
            language = session.get("language")
            session.clear()
            if language:
                session["language"] = language
            session[guards.DISPLAY_TOKEN] = token
            return redirect(url_for("display.screen"))
        error = _("The code is wrong or no longer valid. Ask the stafetthaldar for a new code.")
        form.code.errors.append(error)
    status = 422 if form.errors else 200
    return render_template("display/pair.html", form=form), status


@bp.route("/display/screen")
@guards.paired_display()
def screen(pairing):
    """The paired display, full screen: the meeting's minutes as they are written (without the
    template's prompts) and the goals and activities; no menu, no link. Refreshes every 2 s.
    Only the display session paired to this meeting (``guards.paired_display``)."""
    meeting, plan = pairing.meeting, pairing.meeting.plan
    content, _seen = service.fragment(plan, meeting)
    return render_template("minutes/display.html", plan=plan, meeting=meeting, content=content,
                           poll_url=url_for("display.content"))


@bp.route("/display/screen/content")
@guards.paired_display(audit="by_view")
def content(pairing):
    """What the paired display shows, for its 2-second poll; nothing to swap when unchanged
    (``seen``), and only a poll that sends content is an audited read. As ``display.screen``;
    an ended pairing empties the screen (``HX-Redirect`` to the pairing page)."""
    meeting, plan = pairing.meeting, pairing.meeting.plan
    seen = service.fingerprint(plan, meeting)
    if request.args.get("seen") == seen:
        return "", 200, {"HX-Reswap": "none"}
    guards.record_display_read(pairing)
    return service.fragment(plan, meeting, seen)[0]


def _projector_answer(plan, meeting):
    """The editor's "On the projector" section for htmx, or back to the editor without it."""
    if htmx:
        waiting = session.get(service.WAITING_CODE)
        return render_template("display/_projector.html", plan=plan, meeting=meeting,
                               back=safe_next(request.form.get("back")),
                               projector=service.projector(meeting, waiting))
    back = safe_next(request.form.get("back"))
    return redirect(back or url_for("meetings.show", plan_id=plan.id, meeting_id=meeting.id))


@bp.route("/plans/<int:plan_id>/meetings/<int:meeting_id>/display/projector")
@guards.requires_plan(policy.PLAN_MANAGE, audit="by_view")
def projector(plan, meeting_id):
    """The editor's "On the projector" section alone, which polls itself while a code waits
    so the stafetthaldar sees the display paired (htmx); the meeting's page without htmx. It
    holds no plan content (a code, a count), so it is not an audited read. The stafetthaldar
    (policy.PLAN_MANAGE)."""
    meeting = guards.plan_child_or_404(Meeting, plan, meeting_id)
    if htmx:
        waiting = session.get(service.WAITING_CODE)
        return render_template("display/_projector.html", plan=plan, meeting=meeting,
                               back=safe_next(request.args.get("back")),
                               projector=service.projector(meeting, waiting))
    return redirect(url_for("meetings.show", plan_id=plan.id, meeting_id=meeting.id))


@bp.route("/plans/<int:plan_id>/meetings/<int:meeting_id>/display/pairing", methods=["POST"])
@guards.requires_plan(policy.PLAN_MANAGE)
def start_pairing(plan, meeting_id):
    """Make a code that pairs a meeting-room display to this meeting, shown in the editor for
    10 minutes. The stafetthaldar (policy.PLAN_MANAGE)."""
    meeting = guards.plan_child_or_404(Meeting, plan, meeting_id)
    if ConfirmForm().validate_on_submit():
        pairing, code = service.make_code(meeting, current_user)
        session[service.WAITING_CODE] = {"pairing": pairing.id, "code": code}
    return _projector_answer(plan, meeting)


@bp.route("/plans/<int:plan_id>/meetings/<int:meeting_id>/display/pairing/end",
          methods=["POST"])
@guards.requires_plan(policy.PLAN_MANAGE)
def end_pairing(plan, meeting_id):
    """End every display paired to this meeting (and a code not yet used): they show nothing
    from their next poll. The stafetthaldar (policy.PLAN_MANAGE)."""
    meeting = guards.plan_child_or_404(Meeting, plan, meeting_id)
    if ConfirmForm().validate_on_submit():
        service.end(meeting)
        session.pop(service.WAITING_CODE, None)
    return _projector_answer(plan, meeting)
