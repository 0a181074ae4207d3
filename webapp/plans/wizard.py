"""The create-plan wizard's state and its final step (SPEC §3.1.0-4).

What the employee has answered is kept on the server in a ``WizardDraft`` (it holds an identity
number), so the wizard can be left and resumed. The routine decides what is missing: the answers
are turned into ``PlanFacts`` and checked against the "create-plan" step's requirements.
"""

import json
from dataclasses import dataclass
from datetime import datetime

from flask import current_app

from webapp import identity, policy, routine
from webapp.audit import add_event
from webapp.db import database, immediate, is_sqlite
from webapp.facts import facts_for_answers
from webapp.levels import start_stay
from webapp.models import (
    Membership,
    Participant,
    Person,
    Plan,
    Unit,
    WizardDraft,
    utcnow,
)
from webapp.notify import notify
from webapp.participants.service import invite_family

# The wizard's question pages, in order (endpoints of the plans blueprint).
INFORM, UNIT, HOLDER, OWNER, LOGIN = (
    "plans.inform_family",
    "plans.choose_unit",
    "plans.choose_stafetthaldar",
    "plans.enter_plan_owner",
    "plans.ask_owner_login",
)
# The page on which each of the "create-plan" step's requirements is answered.
PAGE_OF_REQUIREMENT = {
    "family_informed": INFORM,
    "owner_identified": OWNER,
    "owner_login_by_age": LOGIN,
    "owner_contact": LOGIN,
}


class Draft:
    """The current employee's draft: ``data`` is a dict of answers."""

    def __init__(self, person):
        self.person = person
        self.row = (
            WizardDraft.select()
            .where(WizardDraft.person == person.id)
            .order_by(WizardDraft.updated_at.desc(), WizardDraft.id.desc())
            .first()
        )
        self.data = json.loads(self.row.data) if self.row else {}

    @property
    def exists(self):
        return self.row is not None

    def get(self, key, default=None):
        return self.data.get(key, default)

    def save(self, **answers):
        self.data.update(answers)
        text = json.dumps(self.data)
        if self.row is None:
            self.row = WizardDraft.create(person=self.person.id, data=text, updated_at=utcnow())
        else:
            WizardDraft.update(data=text, updated_at=utcnow()).where(
                WizardDraft.id == self.row.id
            ).execute()

    def delete(self):
        WizardDraft.delete().where(WizardDraft.person == self.person.id).execute()
        self.row, self.data = None, {}


# --- Reading the answers ---------------------------------------------------------------------


def units(person):
    return policy.units_for_new_plan(person)


def chosen_unit(draft):
    """The unit the plan will belong to: the chosen one, or the only one the person has."""
    choices = units(draft.person)
    if len(choices) == 1:
        return choices[0]
    return next((u for u in choices if u.id == draft.get("unit_id")), None)


def unit_staff(unit):
    """``[(person_id, name)]`` of the unit's active employees (one query)."""
    return list(
        Person.select(Person.id, Person.name)
        .join(Membership, on=(Membership.person == Person.id))
        .where((Membership.unit == unit) & Person.active & Person.is_employee)
        .distinct()
        .order_by(Person.name, Person.id)
        .tuples()
    )


def owner_identity(draft):
    """``(number, birth_date)`` from the draft, checked again, or ``None``."""
    if not draft.get("national_id") or not draft.get("owner_name"):
        return None
    try:
        return identity.parse(draft.get("national_id"),
                              allow_synthetic=current_app.config["ALLOW_SYNTHETIC_IDS"])
    except identity.InvalidIdentityNumber:
        return None


def facts(draft, **answers):
    """The routine's view of the plan the draft describes; ``answers`` override the draft's."""
    data = {**draft.data, **answers}
    owner = owner_identity(draft)
    unit = chosen_unit(draft)
    return facts_for_answers(
        family_informed=bool(data.get("family_informed_at")),
        birth_date=owner[1] if owner else None,
        pregnant=bool(data.get("pregnant")),
        municipality=unit.municipality if unit is not None else None,
        logs_in=data.get("logs_in") == "yes",
        has_contact=bool(data.get("email") or data.get("mobile")),
    )


def pages(draft):
    """The question pages this draft goes through: the unit only for an employee of several
    units, the stafetthaldar only where the leader appoints one (SPEC §3.1.0)."""
    unit = chosen_unit(draft)
    result = [INFORM]
    if len(units(draft.person)) > 1:
        result.append(UNIT)
    if unit is None or policy.appoints_stafetthaldar(unit):
        result.append(HOLDER)
    return [*result, OWNER, LOGIN]


def first_missing(draft):
    """The first question page whose answer is missing or no longer holds, or ``None`` when
    the draft is complete (the routine's "create-plan" preconditions included)."""
    unit = chosen_unit(draft)
    for page in pages(draft):
        if page == INFORM and not draft.get("family_informed_at"):
            return page
        if page == UNIT and unit is None:
            return page
        if page == HOLDER and (
            unit is None or draft.get("stafetthaldar_id") not in dict(unit_staff(unit))
        ):
            return page
        if page == OWNER and owner_identity(draft) is None:
            return page
        if page == LOGIN and draft.get("logs_in") not in ("yes", "no"):
            return page
    blocked = routine.blocker("create_plan", facts(draft))
    return PAGE_OF_REQUIREMENT[blocked.requirement.id] if blocked else None


def may_open(draft, page):
    """A question page opens once every page before it is answered (and only if this draft
    goes through it)."""
    order = pages(draft)
    if page not in order:
        return False
    missing = first_missing(draft)
    return missing is None or order.index(page) <= order.index(missing)


def previous_page(draft, page):
    """The page before ``page``, for the back link; ``None`` for the first."""
    order = pages(draft)
    index = order.index(page) if page in order else len(order)
    return order[index - 1] if index > 0 else None


@dataclass
class Existing:
    """A plan that already exists for the identity number: whom to contact (metadata only)."""

    plan: Plan
    holder: str
    unit: str


def existing_plan(number, municipality_id):
    """The municipality's plan for this identity number that is not archived, or ``None``."""
    plan = (
        Plan.select(Plan, Unit)
        .join(Unit)
        .where(
            (Plan.owner_national_id == number)
            & (Plan.municipality == municipality_id)
            & (Plan.status != Plan.ARCHIVED)
        )
        .first()
    )
    if plan is None:
        return None
    holder = (
        Person.select(Person.name)
        .join(Participant, on=(Participant.person == Person.id))
        .where((Participant.plan == plan) & (Participant.role == Participant.STAFETTHALDAR))
        .scalar()
    )
    return Existing(plan, holder or "", plan.unit.name)


# --- Creating the plan -----------------------------------------------------------------------


class AlreadyExists(Exception):
    def __init__(self, existing):
        super().__init__("plan exists")
        self.existing = existing


def create_plan(draft):
    """Create the plan from a complete draft (SPEC §3.1.2-4): the plan (status draft), the
    stafetthaldar, the plan owner when they log in (invited), the timeline, and delete the
    draft. Raises ``AlreadyExists`` when a plan exists for the identity number."""
    unit = chosen_unit(draft)
    number, birth = owner_identity(draft)
    creator = draft.person
    holder_id = draft.get("stafetthaldar_id") if policy.appoints_stafetthaldar(unit) else None
    with immediate():
        if not is_sqlite():
            # Two employees creating a plan for the same child at once: one waits for the other.
            database.execute_sql("SELECT pg_advisory_xact_lock(%s)", (int(number) % 2**31,))
        existing = existing_plan(number, unit.municipality_id)
        if existing is not None:
            raise AlreadyExists(existing)
        plan = Plan.create(
            municipality=unit.municipality_id, unit=unit, owner_name=draft.get("owner_name"),
            owner_national_id=number, owner_birth_date=birth,
            owner_is_pregnant=bool(draft.get("pregnant")),
            owner_logs_in=draft.get("logs_in") == "yes",
            family_informed_at=datetime.fromisoformat(draft.get("family_informed_at")),
            status=Plan.DRAFT, created_by=creator.id,
        )
        add_event(plan, "family_informed", creator.id)
        add_event(plan, "plan_created", creator.id)
        start_stay(plan.id, plan.bti_level, plan.created_at)
        Participant.create(
            plan=plan, person=holder_id or creator.id, role=Participant.STAFETTHALDAR,
            unit=unit, status=Participant.ACTIVE, activated_at=utcnow(),
        )
        if holder_id:
            add_event(plan, "stafetthaldar_appointed", creator.id,
                      "family_wish" if draft.get("family_wish") else "leader")
            if holder_id != creator.id:
                notify(Person.get_by_id(holder_id), "invitation")
        else:
            add_event(plan, "participant_added", creator.id, Participant.STAFETTHALDAR)
        if plan.owner_logs_in:
            invite_family(plan, Participant.OWNER, plan.owner_name, draft.get("email"),
                          draft.get("mobile"), creator.id)
        draft.delete()
    return plan
