"""Lysglimt (SPEC §4): every lysglimt of a plan, and adding one. The family's plan page
shows the newest first and carries the same form (``templates/lysglimt/_section.html``)."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp import guards, policy
from webapp.lysglimt.forms import LysglimtForm
from webapp.lysglimt.service import add_lysglimt
from webapp.models import Lysglimt
from webapp.numbers import page_number

bp = Blueprint("lysglimt", __name__, url_prefix="/plans/<int:plan_id>/lysglimt")
PAGE_SIZE = 50
LAST_PAGE = 100_000  # a larger page number would overflow the database's OFFSET
# The lysglimt section of the family's plan page, where its form goes back to.
SECTION_ID = "lysglimt"


@bp.route("")
@guards.requires_plan(policy.PLAN_READ)
def index(plan):
    """Every lysglimt of the plan, newest first, 50 a page, and the form to add one.
    Every participant with content access (policy.PLAN_READ)."""
    page = page_number(LAST_PAGE)
    rows = list(
        Lysglimt.newest_in(plan).limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)
    )
    may_add = guards.may("lysglimt.new", plan)
    return render_template(
        "lysglimt/index.html", plan=plan, lysglimt=rows[:PAGE_SIZE], page=page,
        more=len(rows) > PAGE_SIZE, form=LysglimtForm() if may_add else None,
    )


@bp.route("/new", methods=["GET", "POST"])
@guards.requires_plan(policy.PLAN_CONTRIBUTE)
@guards.enforces("write_message")
def new(plan):
    """Add a lysglimt: what went well, in a few words. Every participant with content access
    while the plan is active (policy.PLAN_CONTRIBUTE). A plain POST: bad input is answered on
    the same form (422) with the text kept; from the family's plan page (``?from=plan``) it
    goes back there, to the lysglimt, the new one first."""
    form = LysglimtForm()
    from_plan = request.args.get("from") == "plan"
    if form.validate_on_submit():
        add_lysglimt(plan, current_user.id, form.text.data)
        flash(_("The lysglimt is saved."))
        if from_plan:
            return redirect(url_for("plans.show", plan_id=plan.id, _anchor=SECTION_ID))
        return redirect(url_for("lysglimt.index", plan_id=plan.id))
    return render_template("lysglimt/new.html", plan=plan, form=form,
                           from_plan=from_plan), 422 if form.errors else 200
