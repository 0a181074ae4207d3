"""The plan overview (SPEC §3.2.1): a short description of the child, agreed together, written
by the stafetthaldar and read by every participant. Concurrent edits are detected."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import DataRequired, Length

from webapp import policy, routine
from webapp.audit import add_event
from webapp.concurrency import save_if_current
from webapp.models import Plan, utcnow
from webapp.plainlang import AS_YOU_TYPE, readability
from webapp.plans.enforce import enforces

bp = Blueprint("overview", __name__, url_prefix="/plans/<int:plan_id>/overview")

OVERVIEW_MAX = 3000


class OverviewForm(FlaskForm):
    overview = TextAreaField(
        _l("Short description of the child or youth"),
        validators=[DataRequired(_l("Write the description.")),
                    Length(max=OVERVIEW_MAX, message=_l("Write at most 3000 characters."))],
        render_kw=AS_YOU_TYPE,
    )
    version = HiddenField()


@bp.route("")
@policy.requires_plan(policy.PLAN_READ)
def show(plan):
    """The overview. Every participant with content access (policy.PLAN_READ)."""
    return render_template(
        "overview/show.html", plan=plan,
        may_edit=policy.can(current_user, policy.PLAN_MANAGE, plan),
    )


@bp.route("/edit", methods=["GET", "POST"])
@policy.requires_plan(policy.PLAN_MANAGE)
@enforces("write_overview")
def edit(plan):
    """Write or change the overview. The stafetthaldar (policy.PLAN_MANAGE), once the consent
    is valid (routine step 2.1). A save from an out-of-date version is refused with both texts
    shown (409), never written over."""
    form = OverviewForm(data={"overview": plan.overview, "version": plan.overview_version})
    conflict = None
    if form.validate_on_submit():
        started = int(form.version.data or 0)
        if save_if_current(Plan, plan.id, Plan.overview_version, started,
                           overview=form.overview.data.strip(), updated_at=utcnow()):
            add_event(plan, "overview_written", current_user.id)
            flash(_("The overview is saved."))
            return redirect(url_for("overview.show", plan_id=plan.id))
        conflict = Plan.get_by_id(plan.id)
        form.version.data = conflict.overview_version  # saving again keeps their text
    status = 409 if conflict else 422 if form.errors else 200
    return render_template(
        "overview/edit.html", plan=plan, form=form, conflict=conflict,
        step=routine.STEPS_BY_ID["overview"],
        readability=readability(form.overview.data or ""),
    ), status
