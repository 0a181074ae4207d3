"""Closing, reopening, archiving and deleting a plan (SPEC §3.7): one page where the
stafetthaldar sees where the plan stands at its end and does each step, each step its own URL.

The routine decides when (``routine.ACTIONS``: close_plan, reopen_plan, archive_plan,
delete_plan, through ``guards.enforces``); the policy decides who (the stafetthaldar; the
family may read the plan's end and download its archive PDF). Writes live in
``webapp.archive.service``.
"""

import os

from flask import Blueprint, abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp import guards, policy, routine
from webapp.archive import service
from webapp.archive.forms import CloseForm, DeleteForm
from webapp.facts import facts_for
from webapp.fields import ConfirmForm
from webapp.guards import enforces

bp = Blueprint("archive", __name__, url_prefix="/plans/<int:plan_id>")


@bp.route("/closing")
@guards.requires_plan(policy.PLAN_READ)
def index(plan):
    """The plan's end (SPEC §3.7): its status and why, the archive PDF with its checksum, and
    the next step — close, reopen, archive or delete — or why it is blocked. Anyone who may
    read the plan; the buttons only for the stafetthaldar, when the routine allows them."""
    facts = facts_for(plan)
    steps = {
        action: routine.blocker(action, facts)
        for action in ("close_plan", "reopen_plan", "archive_plan", "delete_plan")
    }
    offer = {endpoint: guards.may(f"archive.{endpoint}", plan) for endpoint in steps}
    return render_template(
        "archive/index.html", plan=plan, archive=service.latest_archive(plan), blocked=steps,
        offer=offer,
        step=routine.step_of("close_plan"), archive_step=routine.step_of("archive_plan"),
        delete_step=routine.step_of("delete_plan"),
    )


@bp.route("/close", methods=["GET", "POST"])
@guards.requires_plan(policy.PLAN_MANAGE)
@enforces("close_plan")
def close_plan(plan):
    """Close the log with a reason (SPEC §3.7): the stafetthaldar, while it is not closed."""
    form = CloseForm()
    if form.validate_on_submit():
        if service.close_plan(plan, current_user.id, form.reason.data):
            flash(_("The log is closed. Archive it when the work is ended."))
        return redirect(url_for("archive.index", plan_id=plan.id))
    status = 422 if form.errors else 200
    return render_template("archive/close.html", plan=plan, form=form,
                           step=routine.step_of("close_plan")), status


@bp.route("/reopen", methods=["GET", "POST"])
@guards.requires_plan(policy.PLAN_MANAGE)
@enforces("reopen_plan")
def reopen_plan(plan):
    """Open a passive or closed log again (SPEC §3.7), only on a valid consent: the
    stafetthaldar."""
    form = ConfirmForm()
    if form.validate_on_submit():
        if service.reopen_plan(plan, current_user.id):
            flash(_("The log is open again."))
        return redirect(url_for("plans.show", plan_id=plan.id))
    return render_template("archive/reopen.html", plan=plan, form=form)


@bp.route("/archive", methods=["GET", "POST"])
@guards.requires_plan(policy.PLAN_MANAGE)
@enforces("archive_plan")
def archive_plan(plan):
    """Make and store the archive PDF, and mark the plan archived (SPEC §3.7): the
    stafetthaldar, once the log is closed or passive."""
    form = ConfirmForm()
    if form.validate_on_submit():
        if service.archive_plan(plan, current_user.id) is not None:
            flash(_("The plan is archived. Download the PDF and upload it to the archive "
                    "system."))
        return redirect(url_for("archive.index", plan_id=plan.id))
    return render_template("archive/archive.html", plan=plan, form=form,
                           step=routine.step_of("archive_plan"))


@bp.route("/archive.pdf")
@guards.requires_plan(policy.PLAN_READ)
def download(plan):
    """The stored archive PDF, as it was archived: anyone who may read the plan; every
    download is in the audit trail (``requires_plan``)."""
    archive = service.latest_archive(plan)
    if archive is None:
        abort(404)
    path = service.archive_path(archive)
    if not os.path.isfile(path):
        abort(404)
    response = send_file(path, mimetype="application/pdf", as_attachment=True,
                         download_name=f"stafettlogg-{plan.id}.pdf", max_age=0)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/delete", methods=["GET", "POST"])
@guards.requires_plan(policy.PLAN_DISPOSE)
@enforces("delete_plan")
def delete_plan(plan):
    """Delete an archived plan (SPEC §3.7): every personal detail and all content go; only
    what statistics need stays. The stafetthaldar, after archiving."""
    form = DeleteForm()
    if form.validate_on_submit():
        service.delete_plan(plan, current_user.id)
        # Not a redirect: the plan's pages are gone (404), and the start page shows no notices.
        return render_template("archive/deleted.html")
    status = 422 if form.errors else 200
    return render_template("archive/delete.html", plan=plan, form=form,
                           step=routine.step_of("delete_plan")), status
