"""The plan's participants (SPEC §2, §3.1.5, §3.4): the list, adding participants, and removing
one added by mistake.

Before consent only those who must consent can be added (guardians, or the plan owner from the
consent age, once); a service provider only after the valid consent names the service; a
participant is removed only before any consent has been sent. The routine decides
(``routine.enforce``); who may do it is the policy's (``PLAN_MANAGE``: the stafetthaldar).
"""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from webapp import guards, policy, routine
from webapp.db import immediate
from webapp.facts import facts_for
from webapp.fields import normalise_mobile
from webapp.guards import render_blocked
from webapp.models import Handover, Participant
from webapp.participants import service
from webapp.participants.forms import FORMS, HandOverForm, RoleForm, check_access

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
@guards.requires_plan(policy.PLAN_READ)
def index(plan):
    """Everyone in the plan with role, status and unit; the family's contact details. Anyone
    who may read the plan (policy.PLAN_READ); the stafetthaldar also sees "Add a participant",
    and "Remove" for a participant added by mistake while the routine allows it."""
    may_manage = policy.can(current_user, policy.PLAN_MANAGE, plan)
    return render_template(
        "participants/index.html",
        plan=plan,
        participants=service.participants_of(plan),
        may_manage=may_manage,
        may_remove=may_manage and routine.allowed("remove_participant", facts_for(plan)),
        removable=service.removable,
        handovers=service.handovers_of(plan),
        may_hand_over=may_manage and guards.may("participants.hand_over", plan),
    )


def _blocked(facts):
    """``{role: reason}`` for each kind of participant the routine does not allow yet."""
    blocked = {role: routine.blocker(action, facts) for role, action in ACTION_OF_ROLE.items()}
    return {role: b.reason for role, b in blocked.items() if b is not None}


def _choose(plan, form, facts, status=200):
    return render_template(
        "participants/choose.html", plan=plan, form=form, blocked=_blocked(facts),
        step=routine.adding_step(facts),
    ), status


@bp.route("/new", methods=["GET", "POST"])
@guards.requires_plan(policy.PLAN_MANAGE)
def add_participant(plan):
    """Add a guardian, the plan owner or a service provider, and invite them by e-mail or SMS.
    The stafetthaldar only (policy.PLAN_MANAGE). ``?role=`` picks the form; a blocked kind is
    refused with the routine's explanation (409), and nothing is saved."""
    facts = facts_for(plan)
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
    blocked = routine.blocker(ACTION_OF_ROLE[role], facts)
    if blocked is not None:
        if request.method == "POST":
            return render_blocked(plan, blocked)
        return _choose(plan, role_form, facts)
    form = FORMS[role]()
    search = ""
    if role == Participant.SERVICE_PROVIDER:
        # A plain GET with ``q`` narrows the list; the POST checks against every consented one.
        search = (request.args.get("q") or "").strip()[:100] if request.method == "GET" else ""
        form.provider.choices = service.provider_choices(plan, search)
    problem = None
    if form.validate_on_submit():
        try:
            added = _add(plan, role, form)
        except service.NotConsented:
            # The consent changed since the form was shown: nothing is written.
            return render_blocked(plan, routine.StepBlocked(routine.step_of("invite_service"),
                                                            routine.SERVICES_CONSENTED))
        except service.OwnerExists:
            # Another request added the plan owner since the routine was asked.
            return render_blocked(plan, routine.StepBlocked(routine.step_of("add_owner"),
                                                            routine.OWNER_NOT_ADDED))
        if added is not None:
            flash(_("The participant is invited. Their role becomes active when they log in."))
            return redirect(url_for("participants.index", plan_id=plan.id))
        problem = _("This person already has that role in the plan.")
    return render_template(
        TEMPLATE_OF_ROLE[role], plan=plan, form=form, role=role,
        step=routine.adding_step(facts), problem=problem, search=search,
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


@bp.route("/<int:participant_id>/remove", methods=["POST"])
@guards.requires_plan(policy.PLAN_MANAGE)
def remove_participant(plan, participant_id):
    """Remove a participant added by mistake (a wrong address, the plan owner twice): only
    before any consent has been sent (the routine), never the stafetthaldar. The stafetthaldar
    (policy.PLAN_MANAGE). A plain form POST; the timeline records it."""
    participant = service.participant_of(plan, participant_id)
    if participant is None:
        abort(404)
    blocked = routine.blocker("remove_participant", facts_for(plan))
    if blocked is not None:
        return render_blocked(plan, blocked)
    if not service.removable(participant):
        return render_template(
            "plans/blocked.html", plan=plan,
            step=routine.step_of("remove_participant"),
            reason=_("A plan has exactly one stafetthaldar. To change who it is, hand the baton "
                     "on to another participant."),
        ), 409
    with immediate():
        service.remove(plan, participant, current_user.id)
    flash(_("The participant is removed from the plan."))
    return redirect(url_for("participants.index", plan_id=plan.id))


@bp.route("/hand-over", methods=["GET", "POST"])
@guards.requires_plan(policy.PLAN_MANAGE)
@guards.enforces("hand_over_baton")
def hand_over(plan):
    """Hand the baton on (SPEC §3.6): the stafetthaldar (policy.PLAN_MANAGE) gives the role to
    another active employee in the plan, records the family's wish, and chooses whether they
    stay as a service provider of their unit or leave the plan. A plain form POST; two
    hand-overs at once leave one stafetthaldar (the second gets 409, nothing changed)."""
    holder = service.stafetthaldar_of(plan)
    if holder is None or holder.person_id != current_user.id:
        # The policy let the request in as the stafetthaldar, and someone else holds the baton
        # now: a hand-over that came first. Never hand on a baton that is not one's own.
        return _baton_moved(plan)
    candidates = service.baton_candidates(plan, holder.person_id)
    unit_name = holder.unit.name if holder.unit_id else "–"
    form = HandOverForm()
    form.setup(candidates, unit_name)
    if form.validate_on_submit() and check_access(
        form, service.consent_names_unit(plan, holder.unit_id)
    ):
        to_person = int(form.new_holder.data)
        wish, wished_for = _wish(form.wish.data, to_person)
        keeps = form.access.data == "keep"
        try:
            with immediate():
                service.hand_over_baton(plan, holder, to_person, current_user.id,
                                        keeps_access=keeps, wish=wish, wished_for=wished_for,
                                        note=form.note.data)
        except service.BatonMoved:
            return _baton_moved(plan)
        flash(_("The baton is handed on. The new stafetthaldar has been told."))
        if keeps:
            return redirect(url_for("participants.index", plan_id=plan.id))
        return redirect(url_for("main.home"))
    return render_template(
        "participants/hand_over.html", plan=plan, form=form, holder=holder,
        step=routine.step_of("hand_over_baton"),
    ), 422 if form.errors else 200


def _wish(choice, to_person):
    """The family's wish as stored: whom, if a participant, and how it relates to the choice."""
    if choice.startswith("person:"):
        wished = int(choice.split(":", 1)[1])
        return (Handover.WISHED_NEW if wished == to_person else Handover.WISHED_OTHER), wished
    return {"elsewhere": Handover.WISHED_OTHER, "no_wish": Handover.NO_WISH}.get(
        choice, Handover.NOT_ASKED), None


def _baton_moved(plan):
    return render_template(
        "plans/blocked.html", plan=plan, step=routine.step_of("hand_over_baton"),
        reason=_("The baton was handed on by someone else just now. A plan has exactly one "
                 "stafetthaldar."),
    ), 409
