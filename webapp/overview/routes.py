"""The plan overview (SPEC §3.2.1): a short description of the child, agreed together, written
by the stafetthaldar and read by every participant. Concurrent edits are detected."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from webapp import guards, policy, routine
from webapp.audit import add_event
from webapp.concurrency import VersionField, save_or_conflict
from webapp.fields import Form
from webapp.guards import enforces
from webapp.models import Plan, utcnow
from webapp.plainlang import AS_YOU_TYPE, readability

bp = Blueprint("overview", __name__, url_prefix="/plans/<int:plan_id>/overview")

OVERVIEW_MAX = 3000


class OverviewForm(Form):
    overview = TextAreaField(
        _l("Short description of the child or youth"),
        validators=[DataRequired(_l("Write the description.")),
                    Length(max=OVERVIEW_MAX, message=_l("Write at most 3000 characters."))],
        render_kw=AS_YOU_TYPE,
    )
    version = VersionField()


@bp.route("")
@guards.requires_plan(policy.PLAN_READ)
def show(plan):
    """The overview. Every participant with content access (policy.PLAN_READ)."""
    return render_template(
        "overview/show.html", plan=plan,
        may_edit=guards.may("overview.edit", plan),
    )


@bp.route("/edit", methods=["GET", "POST"])
@guards.requires_plan(policy.PLAN_MANAGE)
@enforces("write_overview")
def edit(plan):
    """Write or change the overview. The stafetthaldar (policy.PLAN_MANAGE), once the consent
    is valid (routine step 2.1). A save from an out-of-date version is refused with both texts
    shown (409), never written over."""
    form = OverviewForm(data={"overview": plan.overview, "version": plan.overview_version})
    conflict = None
    if form.validate_on_submit():
        conflict = save_or_conflict(Plan, plan, Plan.overview_version, form, plan=plan,
                                    editor=current_user,
                                    overview=form.overview.data.strip(), updated_at=utcnow())
        if conflict is None:
            add_event(plan, "overview_written", current_user.id)
            flash(_("The overview is saved."))
            return redirect(url_for("overview.show", plan_id=plan.id))
    status = 409 if conflict else 422 if form.errors else 200
    return render_template(
        "overview/edit.html", plan=plan, form=form, conflict=conflict,
        step=routine.STEPS_BY_ID["overview"],
        readability=readability(form.overview.data or ""),
    ), status
