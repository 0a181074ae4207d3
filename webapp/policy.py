"""Who may do what, on which object: the one access policy (SPEC §2, §5).

Every view is marked with the access it needs, through one of the decorators below, and the
route-walking test fails for a route that has none. Rules, in plain words:

- Nobody sees a plan's content without an active role in that plan.
- Guardians, the plan owner and the stafetthaldar keep access while the plan exists, also when
  consent is withdrawn (the plan is then passive).
- A service provider sees content only while the plan is active on a valid consent that names
  their service (``Participant.admitted``): a new version without it, or a withdrawal, ends their
  access on the very next request (SPEC §4).
- A unit administrator (leader) sees the unit's plans as metadata only, unless also a participant;
  a group administrator likewise for the group's units, and the municipality's administrator
  for all its units (``administered_unit_ids``). They appoint a new stafetthaldar and ask for
  overdue evaluations there (``may_oversee``), still without the content.
- A transfer of a log to a new unit is proposed by the stafetthaldar or the leader of the plan's
  unit, and answered only by the leader (unit administrator) of the receiving unit, who has no
  role in the plan until then: they see the transfer's metadata, never the content (SPEC §3.6).
- A deactivated employee, or a participant whose access has ended, has no access at all.
- A paired meeting-room display is no person: it shows one meeting's minutes and goals while
  ``display_shows`` says so, and opens nothing else (``DISPLAY``).

Views never test roles themselves: they ask ``can()``, or declare the action through the route
decorators of ``webapp.guards``, which load the plan, refuse, and audit. This module holds only
the rules: it imports the models and no area of the app.
"""


from flask import current_app, g

from webapp.db import Prepared
from webapp.models import (
    ESTABLISH_LEADER,
    Meeting,
    Membership,
    Municipality,
    Participant,
    Plan,
    ServiceGroup,
    Unit,
    access_today,
    oslo_today,
)

# Actions on a plan.
PLAN_METADATA = "plan.metadata"  # owner's name, status, BTI level, stafetthaldar, next evaluation
PLAN_READ = "plan.read"  # the content of the log
PLAN_CONTRIBUTE = "plan.contribute"  # write messages, answer, add bright spots
PLAN_MANAGE = "plan.manage"  # the stafetthaldar's work: participants, consent, goals, minutes
CONSENT_DECIDE = "consent.decide"  # sign, refuse or withdraw: the guardians or the youth
# Delete an archived plan (SPEC §3.7): the stafetthaldar, also once the plan is archived and
# no longer managed; the routine decides when (only after archiving).
PLAN_DISPOSE = "plan.dispose"
# Who has read the log (SPEC §4): the family — guardians and the plan owner — sees every read
# of its content in the audit trail; nobody else (employees' reads of each other are not theirs
# to survey here).
PLAN_ACCESS_LOG = "plan.access_log"
PLAN_ACTIONS = (PLAN_METADATA, PLAN_READ, PLAN_CONTRIBUTE, PLAN_MANAGE, CONSENT_DECIDE,
                PLAN_DISPOSE, PLAN_ACCESS_LOG)

# Actions without a plan.
PUBLIC = "public"
AUTHENTICATED = "authenticated"  # anyone logged in
EMPLOYEE = "employee"
CREATE_PLAN = "plan.create"
TRANSFER_ANSWER = "transfer.answer"  # accept or decline a transfer to one's unit (a Transfer)
# The leader's pages (routine 000 "Årleg gjennomgang", "Kontinuitet ved fråvær"): the overview
# and review worklist of the units one oversees (``administered_unit_ids``), metadata only.
LEAD = "units.lead"
DEVELOPMENT = "development"  # development-only pages (the outbox); 404 in production
DISPLAY = "display"  # the paired meeting-room display: a display session, not a login
# The administration (webapp/admin): any administrator (unit, group or municipality), and the
# municipality's administrator only. Which unit, group or employee: the object rules below.
ADMINISTER = "admin"
ADMINISTER_MUNICIPALITY = "admin.municipality"
# Reports (SPEC §3.9): any administrator (unit, group, municipality) has some; which report of
# which unit, group or municipality is ``may_see_report``.
REPORTS = "reports"

FAMILY_ROLES = (Participant.GUARDIAN, Participant.OWNER)
CONTENT_ROLES = (*FAMILY_ROLES, Participant.STAFETTHALDAR, Participant.SERVICE_PROVIDER)


_roles_in_plan = Prepared(lambda plan_id, person_id, today: (
    Participant.select(Participant.role)
    .where((Participant.plan == plan_id) & (Participant.person == person_id)
           & Participant.with_access(today))
    .tuples()
))


def active_roles(person, plan):
    """The roles ``person`` holds in ``plan`` right now (one query, cached per request)."""
    if not getattr(person, "is_authenticated", False):
        return frozenset()
    cache = g.setdefault("_plan_roles", {})
    key = (person.id, plan.id)
    if key not in cache:
        cache[key] = frozenset(
            role for (role,) in _roles_in_plan(plan.id, person.id, access_today()))
    return cache[key]


def sees_family_page(person, plan):
    """A guardian or the youth (plan owner) gets the family's own plan page, not the
    stafetthaldar's checklist (SPEC §4); someone who is also an employee in the plan keeps the
    employee's page."""
    roles = active_roles(person, plan)
    return bool(set(FAMILY_ROLES) & roles) and not (set(CONTENT_ROLES) - set(FAMILY_ROLES)) & roles


def prime_roles(person, plans):
    """Load ``person``'s roles in all of ``plans`` with one query into the per-request cache,
    so that checking a list of plans costs the same for 1 plan and for 100."""
    if not getattr(person, "is_authenticated", False):
        return
    cache = g.setdefault("_plan_roles", {})
    ids = {plan.id for plan in plans} - {pid for (who, pid) in cache if who == person.id}
    if not ids:
        return
    found = {pid: set() for pid in ids}
    rows = Participant.select(Participant.plan, Participant.role).where(
        Participant.plan.in_(list(ids))
        & (Participant.person == person)
        & Participant.with_access(oslo_today())
    )
    for row in rows:
        found[row.plan_id].add(row.role)
    for pid, roles in found.items():
        cache[(person.id, pid)] = frozenset(roles)


def may_write_minutes(person, plan, meeting):
    """The stafetthaldar, or the meeting's minute-taker, while they may contribute (SPEC §3.8:
    the stafetthaldar chooses the minute-taker)."""
    if not can(person, PLAN_CONTRIBUTE, plan):
        return False
    if Participant.STAFETTHALDAR in active_roles(person, plan):
        return True
    return bool(meeting and meeting.minute_taker_id) and Participant.select().where(
        (Participant.id == meeting.minute_taker_id) & (Participant.person == person)
    ).exists()


def may_start_minutes(person, plan):
    """Start minutes (``minutes.new``): the stafetthaldar, or the minute-taker of one of the
    plan's meetings, while they may contribute (one query)."""
    if not can(person, PLAN_CONTRIBUTE, plan):
        return False
    if Participant.STAFETTHALDAR in active_roles(person, plan):
        return True
    return (
        Meeting.select()
        .join(Participant, on=(Meeting.minute_taker == Participant.id))
        .where((Meeting.plan == plan) & (Participant.person == person))
        .exists()
    )


def leads_unit(person, unit_id):
    """Unit administrator (leader) of the unit ``unit_id``: not a group administrator, nor a
    coordinator."""
    return any(role == Membership.UNIT_ADMIN and unit == unit_id
               for role, unit, _ in memberships(person))


def may_propose_transfer(person, plan):
    """Propose moving the log to a new unit (``transfers.propose``): the stafetthaldar, or the
    leader of the plan's unit (SPEC §3.6: the leader informs the new unit)."""
    return can(person, PLAN_MANAGE, plan) or (
        can(person, PLAN_METADATA, plan) and leads_unit(person, plan.unit_id)
    )


def may_answer_transfer(person, transfer):
    """Accept or decline ``transfer`` (a ``Transfer``): only the leader of the receiving unit;
    not another unit's leader, the sending leader, a group administrator or a coordinator."""
    return leads_unit(person, transfer.to_unit_id)


def may_oversee(person, plan):
    """The leader's duties on a plan of a unit they oversee (SPEC §3.9): appoint a new
    stafetthaldar (routine 000 "Kontinuitet ved fråvær"), ask for an overdue evaluation. Only
    metadata: appointing gives the leader no access to the content."""
    return can(person, PLAN_METADATA, plan) and leads_unit_of(person, plan)


# Views whose rule is finer than the action they declare, where the finer rule needs only the
# plan: a link or a button to them is shown only to those it lets in.
FINER_RULES = {"minutes.new": may_start_minutes, "transfers.propose": may_propose_transfer,
               "leader.appoint": may_oversee, "leader.ask_evaluation": may_oversee}


def may_open(person, endpoint, plan):
    """True if ``person`` may open ``endpoint`` of ``plan``: the action its view declares, and
    its finer rule (``FINER_RULES``). Pages ask this before they show a link."""
    view = current_app.view_functions.get(endpoint)
    if view is None or not can(person, view.policy_action, plan):
        return False
    finer = FINER_RULES.get(endpoint)
    return finer is None or finer(person, plan)


def memberships(person):
    """The person's employee roles as ``(role, unit_id, group_id)`` (one query per request)."""
    if not getattr(person, "is_authenticated", False) or not person.is_employee:
        return ()
    if "_memberships" not in g:
        g._memberships = tuple(
            (m.role, m.unit_id, m.group_id)
            for m in Membership.select(Membership.role, Membership.unit, Membership.group).where(
                Membership.person == person
            )
        )
    return g._memberships


def leads_unit_of(person, plan):
    """Unit administrator of the plan's unit, group administrator of its group, or the
    administrator of its municipality (``administered_unit_ids``: no query per plan)."""
    return plan.unit_id in administered_unit_ids(person)


def administered_unit_ids(person):
    """The ids of the units whose plans ``person`` oversees as a leader (metadata only): the
    units they administer, every unit of a service group they administer, and every unit of
    their municipality if they are its administrator. One query, cached per request."""
    if not getattr(person, "is_authenticated", False) or not person.is_employee:
        return frozenset()
    if "_administered_unit_ids" not in g:
        units, groups, whole = set(), set(), False
        for role, unit_id, group_id in memberships(person):
            if role == Membership.UNIT_ADMIN and unit_id is not None:
                units.add(unit_id)
            elif role == Membership.GROUP_ADMIN and group_id is not None:
                groups.add(group_id)
            elif role == Membership.MUNICIPALITY_ADMIN:
                whole = True
        condition = Unit.id.in_(list(units)) if units else None
        for extra in (
            Unit.group.in_(list(groups)) if groups else None,
            (Unit.municipality == person.municipality_id) if whole else None,
        ):
            if extra is not None:
                condition = extra if condition is None else condition | extra
        g._administered_unit_ids = frozenset(
            unit.id for unit in Unit.select(Unit.id).where(condition)
        ) if condition is not None else frozenset()
    return g._administered_unit_ids


def may_see_report(person, scope):
    """Open the report of ``scope`` (a ``Unit``, ``ServiceGroup`` or ``Municipality``),
    always metadata counts, never plan content (SPEC §3.9):

    - a unit's own report, with exact counts, only to that unit's administrator;
    - a service group's report (small counts hidden) to its group administrator, and to the
      administrator of the group's municipality;
    - a municipality's report (counts only, small counts hidden) to its administrator.

    A group administrator does not open a unit's report: its exact small counts are what the
    group's own report hides."""
    if not getattr(person, "is_authenticated", False) or not person.is_employee:
        return False
    if isinstance(scope, Unit):
        return leads_unit(person, scope.id)
    whole = any(role == Membership.MUNICIPALITY_ADMIN for role, _, _ in memberships(person))
    if isinstance(scope, ServiceGroup):
        return (whole and scope.municipality_id == person.municipality_id) or any(
            role == Membership.GROUP_ADMIN and group == scope.id
            for role, _, group in memberships(person))
    if isinstance(scope, Municipality):
        return whole and scope.id == person.municipality_id
    return False


def units_for_new_plan(person):
    """The units in which ``person`` may create a plan, with their municipality (SPEC §3.1.0):
    a coordinator or unit administrator creates the log directly (routine 000); where the
    municipality's leader appoints the stafetthaldar (routine 004), only the unit administrator
    creates it. One query, cached per request."""
    if not getattr(person, "is_authenticated", False) or not person.is_employee:
        return ()
    if "_units_for_new_plan" not in g:
        roles = {}
        for role, unit_id, _ in memberships(person):
            if unit_id is not None:
                roles.setdefault(unit_id, set()).add(role)
        units = (
            Unit.select(Unit, Municipality)
            .join(Municipality)
            .where(Unit.id.in_(list(roles)))
            .order_by(Unit.name, Unit.id)
            if roles
            else ()
        )
        g._units_for_new_plan = tuple(
            unit for unit in units
            if Membership.UNIT_ADMIN in roles[unit.id]
            or (
                Membership.COORDINATOR in roles[unit.id]
                and unit.municipality.establishment != ESTABLISH_LEADER
            )
        )
    return g._units_for_new_plan


def appoints_stafetthaldar(unit):
    """Where the leader appoints the stafetthaldar (routine 004), the creator chooses one of the
    unit's employees; otherwise the creator is the stafetthaldar (routine 000)."""
    return unit.municipality.establishment == ESTABLISH_LEADER


# --- The administration (SPEC §2): who manages which group, unit and employee ----------------

ADMIN_ROLES = (Membership.MUNICIPALITY_ADMIN, Membership.GROUP_ADMIN, Membership.UNIT_ADMIN)
# The roles an administrator gives in a unit; a unit administrator gives the first two only.
UNIT_ROLES = (Membership.EMPLOYEE, Membership.COORDINATOR, Membership.UNIT_ADMIN)


def is_municipality_admin(person):
    """The administrator of ``person``'s own municipality (kommuneadministrator)."""
    return person.municipality_id is not None and any(
        role == Membership.MUNICIPALITY_ADMIN for role, _unit, _group in memberships(person))


def in_own_municipality(person, municipality_id):
    """Objects of another municipality are not found at all (404), whoever asks."""
    return municipality_id is not None and municipality_id == person.municipality_id


def administers_group(person, group):
    """The municipality's administrator, or the group's administrator: manages the group's
    units and their unit administrators."""
    if not in_own_municipality(person, group.municipality_id):
        return False
    return is_municipality_admin(person) or any(
        role == Membership.GROUP_ADMIN and group_id == group.id
        for role, _unit, group_id in memberships(person))


def administers_unit(person, unit):
    """A unit's administrator (leader), its group's administrator, or the municipality's:
    manages the unit's employees."""
    return in_own_municipality(person, unit.municipality_id) and unit.id in \
        administered_unit_ids(person)


def grantable_roles(person, unit):
    """The roles ``person`` may give in ``unit``: employee and coordinator for its leader,
    unit administrator too for the group's or the municipality's administrator."""
    if not administers_unit(person, unit):
        return ()
    if administers_group(person, unit.group):
        return UNIT_ROLES
    return UNIT_ROLES[:2]


def may_manage_employee(person, employee, employee_memberships):
    """Deactivate, reactivate or re-invite ``employee``: an employee of one's own municipality,
    not oneself, with a role in a unit one administers (the municipality's administrator: any
    employee of it), and no role above what one may give (a leader does not deactivate another
    leader; only the municipality's administrator deactivates a group administrator).
    ``employee_memberships``: ``[(role, unit, group)]``, units with their groups."""
    if not in_own_municipality(person, employee.municipality_id) or not employee.is_employee:
        return False
    if employee.id == person.id:
        return False
    if is_municipality_admin(person):
        return True
    reached = False
    for role, unit, _group in employee_memberships:
        if role in (Membership.MUNICIPALITY_ADMIN, Membership.GROUP_ADMIN):
            return False
        if unit is None:
            continue
        if role == Membership.UNIT_ADMIN and not administers_group(person, unit.group):
            return False
        reached = reached or administers_unit(person, unit)
    return reached


def _content_roles(person, plan):
    roles = active_roles(person, plan)
    if plan.status == Plan.ACTIVE:
        return roles
    # Withdrawn consent, passive or closed: only the family and the stafetthaldar keep access.
    return roles - {Participant.SERVICE_PROVIDER}


def can(person, action, obj=None):
    """True if ``person`` may do ``action`` (on ``obj``, a ``Plan`` for plan actions)."""
    if action == PUBLIC:
        return True
    if action == DISPLAY:
        return False  # no person has it: a display session is not a login (display_shows)
    if not getattr(person, "is_authenticated", False) or not person.is_active:
        return False
    if action == AUTHENTICATED:
        return True
    if action == EMPLOYEE:
        return person.is_employee
    if action == LEAD:
        return bool(administered_unit_ids(person))
    if action == CREATE_PLAN:
        return bool(units_for_new_plan(person))
    if action == DEVELOPMENT:
        return True
    if action == ADMINISTER:
        return any(role in ADMIN_ROLES for role, _unit, _group in memberships(person))
    if action == ADMINISTER_MUNICIPALITY:
        return is_municipality_admin(person)
    if action == REPORTS:
        return bool(administered_unit_ids(person))
    if action == TRANSFER_ANSWER:
        return person.is_employee and (obj is None or may_answer_transfer(person, obj))
    plan = obj
    if action == PLAN_METADATA:
        return bool(active_roles(person, plan)) or leads_unit_of(person, plan)
    if action == PLAN_READ:
        return bool(_content_roles(person, plan))
    if action == PLAN_CONTRIBUTE:
        return plan.status == Plan.ACTIVE and bool(_content_roles(person, plan))
    if action == PLAN_MANAGE:
        return plan.status != Plan.ARCHIVED and Participant.STAFETTHALDAR in _content_roles(
            person, plan
        )
    if action == CONSENT_DECIDE:
        return bool(set(FAMILY_ROLES) & active_roles(person, plan))
    if action == PLAN_DISPOSE:
        return Participant.STAFETTHALDAR in active_roles(person, plan)
    if action == PLAN_ACCESS_LOG:
        return bool(set(FAMILY_ROLES) & active_roles(person, plan))
    raise ValueError(f"Unknown action {action!r}")


def display_shows(pairing, today):
    """A paired meeting-room display shows its meeting while the pairing is neither ended nor
    from another day (``today``, Oslo), and the one who paired it still manages the plan: a
    hand-over, a deactivation or an archived plan ends it on the next poll (SPEC §1)."""
    return (
        pairing is not None
        and pairing.ended_at is None
        and pairing.day == today
        and can(pairing.paired_by, PLAN_MANAGE, pairing.meeting.plan)
    )
