"""Who may do what, on which object: the one access policy (SPEC §2, §5).

Every view is marked with the access it needs, through one of the decorators below, and the
route-walking test fails for a route that has none. Rules, in plain words:

- Nobody sees a plan's content without an active role in that plan.
- Guardians, the plan owner and the stafetthaldar keep access while the plan exists, also when
  consent is withdrawn (the plan is then passive).
- A service provider sees content only while the plan is active on a valid consent.
- A unit administrator (leader) sees the unit's plans as metadata only, unless also a participant;
  a group administrator likewise for the group's units.
- A deactivated employee, or a participant whose access has ended, has no access at all.

Views never test roles themselves: they ask ``can()`` or declare ``requires_plan(action)``.
Every read of plan content through ``requires_plan`` is written to the audit trail.
"""

from datetime import date
from functools import wraps

from flask import abort, g, request
from flask_login import current_user, login_required

from webapp.models import ESTABLISH_LEADER, Membership, Municipality, Participant, Plan, Unit

# Actions on a plan.
PLAN_METADATA = "plan.metadata"  # owner's name, status, BTI level, stafetthaldar, next evaluation
PLAN_READ = "plan.read"  # the content of the log
PLAN_CONTRIBUTE = "plan.contribute"  # write messages, answer, add bright spots
PLAN_MANAGE = "plan.manage"  # the stafetthaldar's work: participants, consent, goals, minutes
CONSENT_DECIDE = "consent.decide"  # sign, refuse or withdraw: the guardians or the youth
PLAN_ACTIONS = (PLAN_METADATA, PLAN_READ, PLAN_CONTRIBUTE, PLAN_MANAGE, CONSENT_DECIDE)

# Actions without a plan.
PUBLIC = "public"
AUTHENTICATED = "authenticated"  # anyone logged in
EMPLOYEE = "employee"
CREATE_PLAN = "plan.create"
DEVELOPMENT = "development"  # development-only pages (the outbox); 404 in production

FAMILY_ROLES = (Participant.GUARDIAN, Participant.OWNER)
CONTENT_ROLES = (*FAMILY_ROLES, Participant.STAFETTHALDAR, Participant.SERVICE_PROVIDER)


def active_roles(person, plan):
    """The roles ``person`` holds in ``plan`` right now (one query, cached per request)."""
    if not getattr(person, "is_authenticated", False):
        return frozenset()
    cache = g.setdefault("_plan_roles", {})
    key = (person.id, plan.id)
    if key not in cache:
        today = date.today()
        rows = Participant.select(Participant.role, Participant.access_until).where(
            (Participant.plan == plan)
            & (Participant.person == person)
            & (Participant.status == Participant.ACTIVE)
        )
        cache[key] = frozenset(
            row.role for row in rows if row.access_until is None or row.access_until >= today
        )
    return cache[key]


def prime_roles(person, plans):
    """Load ``person``'s roles in all of ``plans`` with one query into the per-request cache,
    so that checking a list of plans costs the same for 1 plan and for 100."""
    if not getattr(person, "is_authenticated", False):
        return
    cache = g.setdefault("_plan_roles", {})
    ids = {plan.id for plan in plans} - {pid for (who, pid) in cache if who == person.id}
    if not ids:
        return
    today = date.today()
    found = {pid: set() for pid in ids}
    rows = Participant.select(Participant.plan, Participant.role, Participant.access_until).where(
        Participant.plan.in_(list(ids))
        & (Participant.person == person)
        & (Participant.status == Participant.ACTIVE)
    )
    for row in rows:
        if row.access_until is None or row.access_until >= today:
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
    """Unit administrator of the plan's unit, or group administrator of its group."""
    for role, unit_id, group_id in memberships(person):
        if role == Membership.UNIT_ADMIN and unit_id == plan.unit_id:
            return True
        if role == Membership.GROUP_ADMIN and group_id == plan.unit.group_id:
            return True
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
    if not getattr(person, "is_authenticated", False) or not person.is_active:
        return False
    if action == AUTHENTICATED:
        return True
    if action == EMPLOYEE:
        return person.is_employee
    if action == CREATE_PLAN:
        return bool(units_for_new_plan(person))
    if action == DEVELOPMENT:
        return True
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
    raise ValueError(f"Unknown action {action!r}")


# --- Route decorators: every view carries one ------------------------------------------------


def _mark(view, action):
    view.policy_action = action
    return view


def public(view):
    """A page anyone may open (login, language choice)."""
    return _mark(view, PUBLIC)


def requires(action):
    """A page for a logged-in person allowed ``action`` (no plan involved)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if action == DEVELOPMENT:
                from flask import current_app

                if current_app.config["ENV_NAME"] == "production":
                    abort(404)
            if not can(current_user, action):
                abort(403)
            return view(*args, **kwargs)

        return _mark(wrapped, action)

    return decorator


def development(view):
    """A development-only page (the outbox), open without login so a newcomer can read the login
    codes sent to the demo people: 404 unless ``ENV_NAME`` is ``development`` and the request
    comes from this machine."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        from flask import current_app

        # A request through a proxy on this machine is not "from this machine": an install that
        # forgot STAFETTLOGG_ENV=production behind nginx must not show login codes.
        proxied = any(h in request.headers for h in ("X-Forwarded-For", "Forwarded", "X-Real-IP"))
        if (
            current_app.config["ENV_NAME"] != "development"
            or request.remote_addr not in ("127.0.0.1", "::1")
            or proxied
        ):
            abort(404)
        return view(*args, **kwargs)

    return _mark(wrapped, DEVELOPMENT)


def load_plan(plan_id, action):
    """Load a plan for ``action``, or abort: 404 for a plan the person has no relation to
    (its existence is not revealed), 403 for one they know of but may not do this on."""
    plan = Plan.select(Plan).where(Plan.id == plan_id).first()
    if plan is None:
        abort(404)
    if not can(current_user, action, plan):
        if action == PLAN_CONTRIBUTE and plan.status == Plan.DRAFT and can(
            current_user, PLAN_READ, plan
        ):
            _refuse_before_consent(plan)
        if can(current_user, PLAN_METADATA, plan):
            abort(403)
        abort(404)
    return plan


def _refuse_before_consent(plan):
    """A participant writing in a plan whose consent is not yet valid: the routine's
    explanation (409), not a bare "no access"."""
    from flask import make_response

    from webapp import routine
    from webapp.plans.enforce import render_blocked

    step = routine.STEPS_BY_ID["consent-signed"]
    abort(make_response(render_blocked(plan, routine.StepBlocked(step, routine.CONSENT_VALID))))


def requires_plan(action, audit="always"):
    """A plan page: loads ``plan_id`` for ``action``, passes ``plan`` to the view, and writes
    an audit entry for every read of plan content. ``audit="by_view"`` is for a view that
    sometimes answers without any content (the display's unchanged poll): it then calls
    ``webapp.audit.record_access`` itself whenever it does send content."""
    if action not in PLAN_ACTIONS:
        raise ValueError(f"Unknown plan action {action!r}")
    if audit not in ("always", "by_view"):
        raise ValueError(f"Unknown audit mode {audit!r}")

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(plan_id, *args, **kwargs):
            plan = load_plan(plan_id, action)
            if action != PLAN_METADATA and audit == "always":
                from webapp.audit import record_access

                record_access(current_user, plan, request.endpoint, request.method)
            return view(plan, *args, **kwargs)

        return _mark(wrapped, action)

    return decorator


def load_own_signature(plan, consent_id):
    """The current person's unanswered signature on a consent of ``plan`` that is out for
    signing, or 404: only those a consent asks may sign or refuse it (SPEC §3.1.5)."""
    from webapp.models import pending_signature

    signature = pending_signature(plan, consent_id, current_user.id)
    if signature is None:
        abort(404)
    return signature
