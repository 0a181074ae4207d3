"""Who has read the log (SPEC §4): the family's view of the audit trail."""

from flask import Blueprint, render_template
from flask_login import current_user

from webapp import guards, policy
from webapp.accesslog.service import LAST_PAGE, reads_of, what_was_read
from webapp.numbers import page_number

bp = Blueprint("accesslog", __name__, url_prefix="/plans/<int:plan_id>/access-log")


@bp.route("")
@guards.requires_plan(policy.PLAN_ACCESS_LOG, audit="never")
def index(plan):
    """Every read of the log's content — who (name, role in the plan, service), what and when
    (Norwegian time) — newest first, 50 a page. The guardians and the plan owner
    (policy.PLAN_ACCESS_LOG). It shows the trail, not the log's content, so viewing it is not
    itself a read in the trail."""
    page = page_number(LAST_PAGE)
    rows, more = reads_of(plan, page)
    return render_template("accesslog/index.html", plan=plan, rows=rows, page=page, more=more,
                           me=current_user.id, what_was_read=what_was_read)
