"""The plan's participants (SPEC §2, §3.1.5, §3.4): the list, and adding participants.

Before consent only those who must consent can be added (guardians, or the plan owner from the
consent age); a service provider only after the valid consent names the service. The routine
decides (``routine.enforce``); who may do it is the policy's (``PLAN_MANAGE``: the stafetthaldar).
"""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from webapp import policy, routine
from webapp.db import immediate
from webapp.models import Participant
from webapp.participants import service
from webapp.participants.forms import FORMS, RoleForm
from webapp.plans.enforce import plan_facts, render_blocked
from webapp.plans.forms import normalise_mobile

bp = Blueprint("participants", __name__, url_prefix="/plans/<int:plan_id>/participants")

# The routine's action for adding each kind of participant.
ACTION_OF_ROLE = {
    Participant.GUARDIAN: "add_consenter",
    Participant.OWNER: "add_owner",
    Participant.SERVICE_PROVIDER: "invite_service",
}
TEMPLATE_OF_ROLE = {
    Participant.GUARDIAN: "participants/guardian.html",
    Participant.OWNER: "participants/owner.html",
    Participant.SERVICE_PROVIDER: "participants/provider.html",
}

STATUS = {
    Participant.INVITED: _l("Invited"),
    Participant.ACTIVE: _l("Active"),
    Participant.ENDED: _l("Access ended"),
}


@bp.context_processor
def _labels():
    return {"participant_status": STATUS}


@bp.route("")
@policy.requires_plan(policy.PLAN_READ)
def index(plan):
    """Everyone in the plan with role, status and unit; the family's contact details. Anyone
    who may read the plan (policy.PLAN_READ); the stafetthaldar also sees "Add a participant"."""
    return render_template(
        "participants/index.html",
        plan=plan,
        participants=service.participants_of(plan),
        may_manage=policy.can(current_user, policy.PLAN_MANAGE, plan),
    )


def _blocked(facts):
    """``{role: reason}`` for each kind of participant the routine does not allow yet."""
    reasons = {}
    for role, action in ACTION_OF_ROLE.items():
        try:
            routine.enforce(action, facts)
        except routine.StepBlocked as blocked:
            reasons[role] = blocked.reason
    return reasons


def _choose(plan, form, facts, status=200):
    return render_template(
        "participants/choose.html", plan=plan, form=form, blocked=_blocked(facts),
        step=routine.STEPS_BY_ID["add-consenters"],
    ), status


@bp.route("/new", methods=["GET", "POST"])
@policy.requires_plan(policy.PLAN_MANAGE)
def add_participant(plan):
    """Add a guardian, the plan owner or a service provider, and invite them by e-mail or SMS.
    The stafetthaldar only (policy.PLAN_MANAGE). ``?role=`` picks the form; a blocked kind is
    refused with the routine's explanation (409), and nothing is saved."""
    facts = plan_facts(plan)
    if request.method == "POST":
        role_form = RoleForm()
        if not role_form.validate():
            return _choose(plan, role_form, facts, 422)
        role = role_form.role.data
    else:
        role = request.args.get("role")
        role_form = RoleForm(formdata=None, data={"role": role})
        if role not in FORMS:
            return _choose(plan, role_form, facts)
    try:
        step = routine.enforce(ACTION_OF_ROLE[role], facts)
    except routine.StepBlocked as blocked:
        if request.method == "POST":
            return render_blocked(plan, blocked)
        return _choose(plan, role_form, facts)
    form = FORMS[role]()
    if role == Participant.SERVICE_PROVIDER:
        form.provider.choices = service.provider_choices(plan)
    problem = None
    if form.validate_on_submit():
        if _add(plan, role, form) is not None:
            flash(_("The participant is invited. Their role becomes active when they log in."))
            return redirect(url_for("participants.index", plan_id=plan.id))
        problem = _("This person already has that role in the plan.")
    return render_template(
        TEMPLATE_OF_ROLE[role], plan=plan, form=form, role=role, step=step, problem=problem,
    ), 422 if form.errors or problem else 200


def _add(plan, role, form):
    actor = current_user.id
    with immediate():
        if role == Participant.SERVICE_PROVIDER:
            return service.invite_provider(plan, form.provider.data, actor)
        name = form.name.data if role == Participant.GUARDIAN else plan.owner_name
        shares = role != Participant.GUARDIAN or form.shares.data == "yes"
        return service.invite_family(
            plan, role, name, form.email.data or None, normalise_mobile(form.mobile.data),
            actor, shares=shares,
        )
