"""Development-only pages: the outbox, so a newcomer running ``make run`` can read the codes
and links that would have been sent by e-mail and SMS."""

from flask import Blueprint, render_template

from webapp import guards
from webapp.models import OutboxMessage

bp = Blueprint("dev", __name__, url_prefix="/dev")

RECENT = 50


@bp.route("/outbox")
@guards.development
def outbox():
    """The most recent outbox messages, newest first; development only, from this machine."""
    messages = OutboxMessage.select().order_by(OutboxMessage.id.desc()).limit(RECENT)
    return render_template("dev/outbox.html", messages=list(messages), recent=RECENT)
