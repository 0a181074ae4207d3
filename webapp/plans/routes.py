"""The plan page (metadata and the routine's checklist) and the create-plan wizard (SPEC §3.1).

The wizard asks one thing per page; its answers are kept in a server-side draft
(``webapp.plans.wizard``), and the final POST re-checks every precondition on the server.
"""

from flask import Blueprint, current_app, redirect, render_template, url_for
from flask_login import current_user

from webapp import guards, identity, nav, policy, routine
from webapp.audit import record_access
from webapp.family.service import family_page
from webapp.fields import ConfirmForm, normalise_mobile
from webapp.lysglimt.forms import LysglimtForm
from webapp.models import stafetthaldar_names, utcnow
from webapp.plans import wizard
from webapp.plans.forms import (
    InformFamilyForm,
    OwnerLoginForm,
    PlanOwnerForm,
    StafetthaldarForm,
    UnitForm,
)

bp = Blueprint("plans", __name__, url_prefix="/plans")

# The routine step whose title and guidance each question page shows (SPEC §6).
STEP_OF_PAGE = {
    wizard.INFORM: "inform-family",
    wizard.UNIT: "create-plan",
    wizard.HOLDER: "account",
    wizard.OWNER: "plan-owner",
    wizard.LOGIN: "owner-login",
}
# The form field on the owner-login page that answers each of the routine's requirements.
LOGIN_FIELD_OF_REQUIREMENT = {"owner_login_by_age": "logs_in", "owner_contact": "mobile"}


@bp.app_template_global()
def has_wizard_draft():
    """True when the logged-in employee has a create-plan draft to continue (home page)."""
    return wizard.Draft(current_user).exists


@bp.route("/<int:plan_id>")
@guards.requires_plan(policy.PLAN_METADATA)
def show(plan):
    """The plan page. A guardian or the youth gets the family's own page (SPEC §4): what is
    new since their last visit, the next meeting, the goals with the family's activities,
    lysglimt first, a consent waiting for their signature and how to withdraw; it shows
    content, so it is audited as a content read. Everyone else who may open it (participants
    and the unit's leaders, policy.PLAN_METADATA) gets the metadata and the routine's
    checklist (``checklist``)."""
    if policy.sees_family_page(current_user, plan):
        record_access(current_user, plan, "plans.show", "GET")
        return render_template(
            "family/show.html", plan=plan, **family_page(current_user, plan),
            lysglimt_form=LysglimtForm() if guards.may("lysglimt.new", plan) else None,
            may_withdraw=guards.may("consent.withdraw", plan),
        )
    return _checklist_page(plan)


@bp.route("/<int:plan_id>/checklist")
@guards.requires_plan(policy.PLAN_METADATA)
def checklist(plan):
    """The plan's metadata, the next step and the routine's checklist, each step linked to
    where it is done: the employees' plan page, one link away on the family's. Participants
    and the unit's leaders (policy.PLAN_METADATA)."""
    return _checklist_page(plan)


def _checklist_page(plan):
    checklist = routine.checklist(guards.page_facts(plan))
    links, actionable = nav.step_links(plan)
    return render_template(
        "plans/show.html",
        plan=plan,
        stafetthaldar=stafetthaldar_names([plan]).get(plan.id),
        checklist=checklist,
        next_status=next((s for s in checklist if s.state == "next"), None),
        links=links,
        actionable=actionable,
        phase_titles=routine.PHASE_TITLES,
    )


# --- The create-plan wizard ------------------------------------------------------------------


def _ahead(draft):
    """Where to go after an answer: the first page still missing, else the check page."""
    return redirect(url_for(wizard.first_missing(draft) or "plans.check_answers"))


def _question(template, page, draft, form, **context):
    step = routine.STEPS_BY_ID[STEP_OF_PAGE[page]]
    previous = wizard.previous_page(draft, page)
    return render_template(
        template, form=form, draft=draft, step=step,
        back=url_for(previous or "plans.start_wizard"), **context,
    ), 422 if form.errors or context.get("problem") else 200


@bp.route("/new")
@guards.requires(policy.CREATE_PLAN)
def start_wizard():
    """The start of the wizard: what the routine asks, step by step, and "continue your draft"
    when there is one. Coordinators and unit administrators (policy.CREATE_PLAN)."""
    draft = wizard.Draft(current_user)
    steps = [s for s in routine.STEPS if s.phase == routine.CREATE]
    resume = (wizard.first_missing(draft) or "plans.check_answers") if draft.exists else None
    return render_template("plans/new/start.html", steps=steps, draft=draft, resume=resume,
                           form=ConfirmForm())


@bp.route("/new/discard", methods=["POST"])
@guards.requires(policy.CREATE_PLAN)
def discard_draft():
    """Throw away the draft and start again. The draft's own employee (policy.CREATE_PLAN)."""
    if ConfirmForm().validate_on_submit():
        wizard.Draft(current_user).delete()
    return redirect(url_for("plans.start_wizard"))


@bp.route("/new/info-letter")
@guards.requires(policy.CREATE_PLAN)
def info_letter():
    """A printable, plain-language letter to the family about the stafettlogg (SPEC §3.1.1),
    signed with the employee's municipality. Employees who may create a plan."""
    units = wizard.units(current_user)
    unit = wizard.chosen_unit(wizard.Draft(current_user)) or (units[0] if units else None)
    return render_template("plans/new/info_letter.html", unit=unit)


@bp.route("/new/inform-family", methods=["GET", "POST"])
@guards.requires(policy.CREATE_PLAN)
def inform_family():
    """Step 1.1: confirm the family is informed and asked for consent. Coordinators and unit
    administrators (policy.CREATE_PLAN)."""
    draft = wizard.Draft(current_user)
    form = InformFamilyForm(data={"informed": bool(draft.get("family_informed_at"))})
    if form.validate_on_submit():
        draft.save(family_informed_at=draft.get("family_informed_at") or utcnow().isoformat())
        return _ahead(draft)
    return _question("plans/new/inform_family.html", wizard.INFORM, draft, form)


@bp.route("/new/unit", methods=["GET", "POST"])
@guards.requires(policy.CREATE_PLAN)
def choose_unit():
    """Which of the employee's units the plan belongs to (only asked of an employee of more
    than one). Coordinators and unit administrators (policy.CREATE_PLAN)."""
    draft = wizard.Draft(current_user)
    if not wizard.may_open(draft, wizard.UNIT):
        return _ahead(draft)
    form = UnitForm(data={"unit": draft.get("unit_id")})
    form.unit.choices = [(u.id, u.name) for u in wizard.units(current_user)]
    if form.validate_on_submit():
        draft.save(unit_id=form.unit.data)
        return _ahead(draft)
    return _question("plans/new/unit.html", wizard.UNIT, draft, form)


@bp.route("/new/stafetthaldar", methods=["GET", "POST"])
@guards.requires(policy.CREATE_PLAN)
def choose_stafetthaldar():
    """SPEC §3.1.0, routine 004: the unit administrator appoints the stafetthaldar among the
    unit's employees; the family may have wished for one. Only where the municipality's leader
    appoints the stafetthaldar (policy.CREATE_PLAN gives this page to unit administrators)."""
    draft = wizard.Draft(current_user)
    if not wizard.may_open(draft, wizard.HOLDER):
        return _ahead(draft)
    form = StafetthaldarForm(data={"stafetthaldar": draft.get("stafetthaldar_id"),
                                   "family_wish": draft.get("family_wish", False)})
    form.stafetthaldar.choices = wizard.unit_staff(wizard.chosen_unit(draft))
    if form.validate_on_submit():
        draft.save(stafetthaldar_id=form.stafetthaldar.data, family_wish=form.family_wish.data)
        return _ahead(draft)
    return _question("plans/new/stafetthaldar.html", wizard.HOLDER, draft, form)


@bp.route("/new/plan-owner", methods=["GET", "POST"])
@guards.requires(policy.CREATE_PLAN)
def enter_plan_owner():
    """Step 1.3: the plan owner's identity number and name, and whether the plan owner is a
    pregnant person. A plan that already exists for the number is pointed to, not duplicated.
    Coordinators and unit administrators (policy.CREATE_PLAN)."""
    draft = wizard.Draft(current_user)
    if not wizard.may_open(draft, wizard.OWNER):
        return _ahead(draft)
    form = PlanOwnerForm(data={"national_id": draft.get("national_id"),
                               "name": draft.get("owner_name"),
                               "pregnant": draft.get("pregnant", False)})
    existing = None
    if form.is_submitted():
        form.validate()  # every message at once: the number is checked even if the name is not
        number = _identity_number(form.national_id)
        if number and not form.errors:
            existing = wizard.existing_plan(number, wizard.chosen_unit(draft).municipality_id)
            if existing is None:
                draft.save(national_id=number, owner_name=form.name.data,
                           pregnant=form.pregnant.data)
                return _ahead(draft)
    return _question("plans/new/plan_owner.html", wizard.OWNER, draft, form,
                     problem=existing, **_existing_context(existing))


def _identity_number(field):
    """The checked identity number, or ``None`` with the reason added to the field's errors."""
    if field.errors or not field.data:
        return None
    try:
        number, _ = identity.parse(field.data,
                                   allow_synthetic=current_app.config["ALLOW_SYNTHETIC_IDS"])
    except identity.InvalidIdentityNumber as error:
        field.errors.append(error.message)
        return None
    return number


def _existing_context(existing):
    """A plan found for the identity number: whom to contact, and a link only to a plan page
    the employee may open (its metadata)."""
    if existing is None:
        return {"existing": None, "existing_url": None}
    may_see = policy.can(current_user, policy.PLAN_METADATA, existing.plan)
    return {
        "existing": existing,
        "existing_url": url_for("plans.show", plan_id=existing.plan.id) if may_see else None,
    }


@bp.route("/new/owner-login", methods=["GET", "POST"])
@guards.requires(policy.CREATE_PLAN)
def ask_owner_login():
    """Step 1.4: will the plan owner log in? The routine answers it from the age: no under the
    consent age, yes from it, and then a mobile number or e-mail is required. Coordinators and
    unit administrators (policy.CREATE_PLAN)."""
    draft = wizard.Draft(current_user)
    if not wizard.may_open(draft, wizard.LOGIN):
        return _ahead(draft)
    derived = "yes" if routine.owner_consents(wizard.facts(draft)) else "no"
    form = OwnerLoginForm(data={"logs_in": draft.get("logs_in") or derived,
                                "mobile": draft.get("mobile"), "email": draft.get("email")})
    if form.validate_on_submit():
        logs_in = form.logs_in.data == "yes"
        answers = {
            "logs_in": form.logs_in.data,
            "mobile": normalise_mobile(form.mobile.data) if logs_in else None,
            "email": (form.email.data or None) if logs_in else None,
        }
        facts = wizard.facts(draft, **answers)
        for requirement in routine.STEPS_BY_ID["create-plan"].requires:
            name = LOGIN_FIELD_OF_REQUIREMENT.get(requirement.id)
            if name and not requirement.check(facts):
                form[name].errors.append(requirement.unblock)
        if not form.errors:
            draft.save(**answers)
            return _ahead(draft)
    facts = wizard.facts(draft)
    return _question("plans/new/owner_login.html", wizard.LOGIN, draft, form,
                     derived=derived, age=facts.owner_age, consent_age=facts.consent_age)


@bp.route("/new/check")
@guards.requires(policy.CREATE_PLAN)
def check_answers():
    """Check your answers, with a link to change each, before the plan is created.
    Coordinators and unit administrators (policy.CREATE_PLAN)."""
    draft = wizard.Draft(current_user)
    missing = wizard.first_missing(draft)
    if missing:
        return redirect(url_for(missing))
    return _check_page(draft)


def _check_page(draft, existing=None):
    unit = wizard.chosen_unit(draft)
    holder = (dict(wizard.unit_staff(unit)).get(draft.get("stafetthaldar_id"))
              if policy.appoints_stafetthaldar(unit) else None)
    return render_template(
        "plans/new/check.html", draft=draft, unit=unit, holder=holder,
        pages=wizard.pages(draft), form=ConfirmForm(), **_existing_context(existing),
    ), 409 if existing else 200


@bp.route("/new/check", methods=["POST"])
@guards.requires(policy.CREATE_PLAN)
def create_plan():
    """Create the plan (SPEC §3.1.2-4) after re-checking every answer and the routine's
    preconditions on the server; refused (409) with the routine's reason when one is missing.
    Coordinators and unit administrators (policy.CREATE_PLAN)."""
    form = ConfirmForm()
    draft = wizard.Draft(current_user)
    missing = wizard.first_missing(draft)
    if missing or not form.validate_on_submit():
        try:
            routine.enforce("create_plan", wizard.facts(draft))
            reason = None
        except routine.StepBlocked as blocked:
            reason = blocked.reason
        return render_template(
            "plans/new/blocked.html", reason=reason, missing=missing or "plans.check_answers",
        ), 409
    try:
        plan = wizard.create_plan(draft)
    except wizard.AlreadyExists as error:
        return _check_page(draft, error.existing)
    return redirect(url_for("plans.show", plan_id=plan.id))
