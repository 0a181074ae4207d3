"""Transfer of a log to a new unit (SPEC §3.6: kindergarten → school).

The stafetthaldar or the leader of the plan's unit proposes a unit of the same municipality
(``policy.may_propose_transfer``); the receiving unit's leader, who has no role in the plan,
accepts and appoints a stafetthaldar there, or declines with a reason
(``policy.TRANSFER_ANSWER``). Leaders see metadata only: the plan owner's name, the units, who
proposed it and when. The routine's step 6 ("transfer-unit") must be open (``enforces``).
"""

from functools import wraps

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from webapp import guards, policy, routine
from webapp.db import immediate
from webapp.facts import facts_for
from webapp.fields import ConfirmForm
from webapp.guards import render_blocked
from webapp.participants import service as participants
from webapp.participants.forms import access_choices, check_access
from webapp.transfers import service
from webapp.transfers.forms import REASON_LABELS, AnswerForm, ProposeForm

bp = Blueprint("transfers", __name__)


@bp.context_processor
def _labels():
    return {"decline_reasons": REASON_LABELS}


def _proposers_only(view):
    """The finer rule (policy.may_propose_transfer), before the routine is asked: someone who
    may not propose learns nothing of the plan's state."""

    @wraps(view)
    def wrapped(plan, *args, **kwargs):
        if not policy.may_propose_transfer(current_user, plan):
            abort(403)
        return view(plan, *args, **kwargs)

    return wrapped


@bp.route("/plans/<int:plan_id>/transfer", methods=["GET", "POST"])
@guards.requires_plan(policy.PLAN_METADATA)
@_proposers_only
@guards.enforces("transfer_unit")
def propose(plan):
    """Propose moving the log to another unit of the municipality, or see the proposal that
    waits. The stafetthaldar or the leader of the plan's unit (policy.may_propose_transfer);
    metadata only. A second proposal while one waits is refused (409), nothing changed."""
    holder = participants.stafetthaldar_of(plan)
    unit_id = holder.unit_id if holder else None
    form = ProposeForm()
    form.to_unit.choices = service.receiving_units(plan)
    access_choices(form, holder.unit.name if holder and holder.unit_id else "–",
                   yourself=False)
    if form.is_submitted():
        blocked = routine.blocker("propose_transfer", facts_for(plan))
        if blocked is not None:
            return render_blocked(plan, blocked)
    if form.validate_on_submit() and check_access(
        form, participants.consent_names_unit(plan, unit_id)
    ):
        with immediate():
            transfer = service.propose(plan, int(form.to_unit.data), form.access.data == "keep",
                                       current_user.id)
        if transfer is None:
            return render_blocked(plan, routine.StepBlocked(
                routine.step_of("propose_transfer"), routine.NO_TRANSFER_WAITING))
        flash(_("The transfer is proposed. The receiving unit's leader has been told."))
        return redirect(url_for("transfers.propose", plan_id=plan.id))
    return render_template(
        "transfers/propose.html", plan=plan, form=form, waiting=service.waiting(plan),
        history=service.history(plan), step=routine.step_of("transfer_unit"),
    ), 422 if form.errors else 200


@bp.route("/plans/<int:plan_id>/transfer/withdraw", methods=["POST"])
@guards.requires_plan(policy.PLAN_METADATA)
@_proposers_only
def withdraw(plan):
    """Take back a proposal the receiving leader has not answered: the stafetthaldar or the
    leader of the plan's unit (policy.may_propose_transfer). A plain form POST; nothing waits
    afterwards, and a proposal already answered stays as it was."""
    form = ConfirmForm()
    if form.validate_on_submit():
        with immediate():
            withdrawn = service.withdraw(plan, current_user.id)
        if withdrawn:
            flash(_("The proposal is withdrawn."))
    return redirect(url_for("plans.show", plan_id=plan.id))


@bp.route("/transfers/<int:transfer_id>", methods=["GET", "POST"])
@guards.requires_transfer
def answer(transfer):
    """Accept a log into one's unit and appoint its stafetthaldar, or decline with a reason.
    Only the receiving unit's leader (policy.TRANSFER_ANSWER); they see who the log is for and
    where it comes from, never its content. An answered transfer, or a plan the routine no
    longer lets move (closed, passive), is refused (409) with nothing changed."""
    plan = transfer.plan
    form = AnswerForm()
    form.new_holder.choices = [SelectChoice("", _("Choose a person")),
                               *service.receiving_employees(transfer)]
    blocked = routine.blocker("transfer_unit", facts_for(plan))
    if transfer.status != transfer.WAITING or blocked is not None:
        return _answered(transfer, blocked)
    if form.validate_on_submit():
        try:
            with immediate():
                if form.decision.data == "accept":
                    service.accept(transfer, int(form.new_holder.data), current_user.id)
                else:
                    service.decline(transfer, form.reason.data, current_user.id)
        except (service.AlreadyAnswered, participants.BatonMoved):
            return _answered(transfer, None)
        if form.decision.data == "accept":
            flash(_("The log is now in your unit, with its new stafetthaldar."))
        else:
            flash(_("The transfer is declined. The sending unit sees your reason."))
        return redirect(url_for("main.home"))
    return render_template(
        "transfers/answer.html", transfer=transfer, plan=plan, form=form,
        from_unit=transfer.from_unit, proposer=transfer.proposed_by,
    ), 422 if form.errors else 200


def _answered(transfer, blocked):
    return render_template("transfers/answered.html", transfer=transfer,
                           reason=blocked.reason if blocked else None), 409
