"""The leader's overview and review worklist as queries, and the leader's writes (SPEC §3.9).

Everything here reads plan *metadata* only: the plan owner's name, status, BTI level, the
stafetthaldar's name, dates and flags. No overview, goal, minutes or message text is ever
selected. Every list is one query (with a count), whatever the number of plans, so the pages
run a constant number of SQL statements (SPEC §5).

- ``plan_rows(units, filters, sort, page)``: the overview, sorted, filtered and paginated;
- ``worklist(units)``: the review's lists (routine 000 "Årleg gjennomgang", routine 004
  "minimum to gangar pr. år");
- ``appoint(...)``: a new stafetthaldar at absence (routine 000 "Kontinuitet ved fråvær"),
  through ``participants.service.hand_over_baton``;
- ``ask_for_evaluation(...)``, ``mark_review_done(...)``.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import peewee
from flask import current_app
from peewee import JOIN, SQL, fn

from webapp.db import Prepared
from webapp.models import (
    ESTABLISH_LEADER,
    Consent,
    Handover,
    Membership,
    Municipality,
    Participant,
    Person,
    Plan,
    Unit,
    UnitReview,
    oslo_today,
    utcnow,
)
from webapp.notify import notify
from webapp.participants import service as participants

PER_PAGE = 50
# Rows of each worklist list: the first ten, with a link to all of them in the overview
# (filtered, sortable, paged). Six lists of 25 made a page of 150 rows that took longer to
# render than its queries took to run with 10,000 plans, and longer to read on a phone.
SECTION_ROWS = 10

# Review interval (SPEC §3.9): routine 000 asks for a yearly review, routine 004 for at least
# two a year; a municipality follows one of them (``Municipality.establishment``).
YEARLY = timedelta(days=365)
HALF_YEARLY = timedelta(days=182)

Holder = Participant.alias("holder")
HolderPerson = Person.alias("holder_person")

# The plan's lifecycle order, for sorting by status.
STATUS_ORDER = {status: n for n, status in enumerate(Plan.STATUSES)}
# The overview's status filter: a status, or passive and closed logs not yet archived.
NOT_ARCHIVED = "not_archived"
STATUS_FILTERS = (*[s for s in Plan.STATUSES if s != Plan.DELETED], NOT_ARCHIVED)


def review_interval(establishment):
    return HALF_YEARLY if establishment == ESTABLISH_LEADER else YEARLY


def quiet_cutoff():
    """Before this (UTC), a log's last entry makes it quiet (``QUIET_LOG_WEEKS``, SPEC §4)."""
    return utcnow() - timedelta(weeks=current_app.config["QUIET_LOG_WEEKS"])


def idle_cutoff():
    """Employees who last logged in before this (UTC) are listed (``IDLE_EMPLOYEE_MONTHS``)."""
    return utcnow() - timedelta(days=30 * current_app.config["IDLE_EMPLOYEE_MONTHS"])


def last_activity():
    """SQL: when the plan last had an entry on its timeline, else when it was created."""
    return Plan.last_activity()


def overdue(today=None):
    """SQL: an active log whose evaluation date (Norwegian; ``today``, else Oslo's today) has
    passed with no outcome (``Plan.evaluation_overdue``)."""
    return (Plan.status == Plan.ACTIVE) & (Plan.next_evaluation
                                           < (oslo_today() if today is None else today))


def needs_holder():
    """SQL: no stafetthaldar, or one who has been deactivated (SPEC §2: their plans need a
    new stafetthaldar)."""
    return Holder.id.is_null() | (HolderPerson.active == False)  # noqa: E712 - SQL


def quiet(cutoff=None):
    """SQL: an open log (waiting for consent, or active) created before the cutoff
    (``quiet_cutoff()`` unless given) with no entry on its timeline since, read from the plan's
    row (``Plan.last_event_at``, migration 019), not from each plan's newest event: 10,000
    index seeks for a group's worklist."""
    cutoff = quiet_cutoff() if cutoff is None else cutoff
    return Plan.status.in_((Plan.DRAFT, Plan.ACTIVE)) & Plan.no_entry_since(cutoff)


def _from(columns, unit_ids, unit=True, holder=True):
    """``columns`` from the plans of ``unit_ids`` (not deleted; all plans for ``None``), with
    the unit joined when ``unit``, the stafetthaldar's participation and person when ``holder``
    (one row per plan: one holder a plan). A query that neither shows, sorts nor filters by
    them leaves them out: the joins were most of the time of sorting 10,000 plans."""
    query = Plan.select(*columns)
    if unit:
        query = query.join(Unit, on=(Plan.unit == Unit.id)).switch(Plan)
    if holder:
        query = (
            query.join(Holder, JOIN.LEFT_OUTER,
                       on=((Holder.plan == Plan.id) & (Holder.role == Participant.STAFETTHALDAR)))
            .join(HolderPerson, JOIN.LEFT_OUTER, on=(Holder.person == HolderPerson.id))
        )
    if unit_ids is not None:
        # A list as it is (a prepared query's placeholders); a set in order.
        ids = unit_ids if isinstance(unit_ids, list) else sorted(unit_ids)
        query = query.where(Plan.unit.in_(ids) & (Plan.status != Plan.DELETED))
    return query


def _in_order(query):
    """The plans ``query`` (of plan ids, sorted and limited) names, with their columns: two
    queries, so the last activity is looked up for the rows shown only, not for every plan
    the sort passes over."""
    ids = [plan_id for (plan_id,) in query.tuples()]
    rows = _by_id(ids)
    return [rows[plan_id] for plan_id in ids if plan_id in rows]


def _by_id(ids):
    """``{id: PlanRow}`` of the plans ``ids`` (one query; none for no ids)."""
    if not ids:
        return {}
    return {row["id"]: PlanRow(**row) for row in _rows_by_id(sorted(ids))}


_rows_by_id = Prepared(lambda ids: _from(_columns(), None).where(Plan.id.in_(ids)).dicts())


@dataclass(frozen=True)
class PlanRow:
    """One plan as the leader sees it: metadata only."""

    id: int
    owner_name: str
    status: str
    bti_level: int
    created_at: datetime
    next_evaluation: date | None
    unit_id: int
    unit_name: str
    holder_name: str | None
    holder_active: bool | None
    last_activity: datetime | None

    @property
    def overdue(self):
        return (self.status == Plan.ACTIVE and self.next_evaluation is not None
                and self.next_evaluation < oslo_today())

    @property
    def needs_holder(self):
        return self.holder_name is None or not self.holder_active


def _columns():
    return (
        Plan.id, Plan.owner_name, Plan.status, Plan.bti_level, Plan.created_at,
        Plan.next_evaluation, Plan.unit.alias("unit_id"), Unit.name.alias("unit_name"),
        HolderPerson.name.alias("holder_name"), HolderPerson.active.alias("holder_active"),
        last_activity().alias("last_activity"),
    )


# --- The overview -----------------------------------------------------------------------------

SORTS = ("owner", "status", "level", "holder", "created", "activity", "evaluation", "overdue",
         "unit")
DEFAULT_SORT = "evaluation"


def _sort_key(name):
    return {
        "owner": Plan.owner_name,
        "status": peewee.Case(Plan.status, list(STATUS_ORDER.items()), len(STATUS_ORDER)),
        "level": Plan.bti_level,
        "holder": HolderPerson.name,
        "created": Plan.created_at,
        "activity": last_activity(),
        "evaluation": Plan.next_evaluation,
        "overdue": peewee.Case(None, [(overdue(), 1)], 0),
        "unit": Unit.name,
    }[name]


@dataclass(frozen=True)
class Filters:
    """The overview's filters, each checked against what it may be: an unknown value is no
    filter (never an error), so an old or hand-written link still shows a page."""

    status: str = ""
    level: int | None = None
    unit: int | None = None
    overdue: str = ""  # "yes" | "no"
    quiet: bool = False
    holder_missing: bool = False

    @classmethod
    def from_args(cls, args, unit_ids):
        status = args.get("status", "")
        level = args.get("level", "")
        unit = args.get("unit", "")
        return cls(
            status=status if status in STATUS_FILTERS else "",
            level=int(level) if level in ("1", "2", "3") else None,
            unit=int(unit) if unit.isascii() and unit.isdigit() and len(unit) < 19
            and int(unit) in unit_ids else None,
            overdue=args.get("overdue", "") if args.get("overdue") in ("yes", "no") else "",
            quiet=args.get("quiet") == "yes",
            holder_missing=args.get("holder") == "missing",
        )

    def args(self):
        """The filters as query parameters (for sort and page links)."""
        values = {"status": self.status, "level": self.level, "unit": self.unit,
                  "overdue": self.overdue, "quiet": "yes" if self.quiet else "",
                  "holder": "missing" if self.holder_missing else ""}
        return {key: value for key, value in values.items() if value not in ("", None)}

    def apply(self, query):
        if self.status == NOT_ARCHIVED:
            query = query.where(Plan.status.in_((Plan.PASSIVE, Plan.CLOSED)))
        elif self.status:
            query = query.where(Plan.status == self.status)
        if self.level:
            query = query.where(Plan.bti_level == self.level)
        if self.unit:
            query = query.where(Plan.unit == self.unit)
        if self.overdue == "yes":
            query = query.where(overdue())
        elif self.overdue == "no":
            query = query.where(~overdue())
        if self.quiet:
            query = query.where(quiet())
        if self.holder_missing:
            query = query.where(needs_holder())
        return query


def count_plans(unit_ids, filters):
    if not unit_ids:
        return 0
    query = _from([fn.COUNT(Plan.id)], unit_ids, unit=False, holder=filters.holder_missing)
    return filters.apply(query).scalar() or 0


def plan_rows(unit_ids, filters, sort, descending, page, per_page=PER_PAGE):
    """One page of the overview (two queries)."""
    if not unit_ids:
        return []
    key = _sort_key(sort)
    order = key.desc(nulls="LAST") if descending else key.asc(nulls="LAST")
    query = filters.apply(_from([Plan.id], unit_ids, unit=sort == "unit",
                                holder=sort == "holder" or filters.holder_missing))
    query = query.order_by(order, Plan.id)
    return _in_order(query.paginate(page, per_page))


def units_of(unit_ids):
    """``[(id, name)]`` of the units, by name (one query)."""
    if not unit_ids:
        return []
    return list(Unit.select(Unit.id, Unit.name).where(Unit.id.in_(sorted(unit_ids)))
                .order_by(Unit.name, Unit.id).tuples())


# --- The review worklist ----------------------------------------------------------------------

SECTIONS = ("needs_holder", "quiet", "not_archived", "archived", "overdue")


def _section_condition(name, cutoff, today):
    return {
        "needs_holder": needs_holder(),
        "quiet": quiet(cutoff),
        "not_archived": Plan.status.in_((Plan.PASSIVE, Plan.CLOSED)),
        "archived": Plan.status == Plan.ARCHIVED,
        "overdue": overdue(today),
    }[name]


def worklist(unit_ids, limit=SECTION_ROWS):
    """``(counts, rows)``: ``{section: number of plans}`` and ``{section: [PlanRow]}``, the
    first ``limit`` plans of each section, in two queries. The first reads the scope's plans
    once — the stafetthaldar joined, each quiet log's recent events sought once — into a
    materialised CTE with a flag for each section, and takes each section's count and first
    ids from it (a plan may be in several sections); the second reads the rows shown."""
    if not unit_ids:
        return dict.fromkeys(SECTIONS, 0), {name: [] for name in SECTIONS}
    counts, ids = dict.fromkeys(SECTIONS, 0), {name: [] for name in SECTIONS}
    rows = _first_of_sections(sorted(unit_ids), Plan.created_at.db_value(quiet_cutoff()),
                              Plan.next_evaluation.db_value(oslo_today()), limit)
    for number, plan_id, total in rows:
        counts[SECTIONS[number]] = total
        ids[SECTIONS[number]].append(plan_id)
    found = _by_id({plan_id for section in ids.values() for plan_id in section})
    return counts, {name: [found[plan_id] for plan_id in section if plan_id in found]
                    for name, section in ids.items()}


def _first_of_sections_query(unit_ids, cutoff, today, limit):
    """The worklist's first query (``worklist``): ``(section number, plan id, section's
    count)`` of the first ``limit`` plans of each section."""
    flags = [peewee.Case(None, [(_section_condition(name, cutoff, today), 1)], 0).alias(name)
             for name in SECTIONS]
    scoped = (_from([Plan.id, Plan.owner_name, Plan.next_evaluation, Plan.archived_at, *flags],
                    unit_ids, unit=False)
              .cte("scoped", materialized=True))
    order = {"overdue": scoped.c.next_evaluation.asc(),
             "archived": scoped.c.archived_at.asc(nulls="LAST")}
    parts = []
    for number, name in enumerate(SECTIONS):
        first = (
            peewee.Select([scoped], [peewee.Value(number).alias("section"), scoped.c.id,
                                     fn.COUNT(SQL("*")).over().alias("total")])
            .where(getattr(scoped.c, name) == 1)
            .order_by(order.get(name, scoped.c.owner_name.asc()), scoped.c.id)
            .limit(limit)
        )
        # Each section's ORDER BY and LIMIT inside its own subquery: SQLite allows them only
        # on the whole of a UNION otherwise.
        parts.append(peewee.Select([first.alias(f"first_{name}")], [SQL("*")]))
    query = parts[0]
    for part in parts[1:]:
        query = query.union_all(part)
    return query.with_cte(scoped).tuples()


# Built once per database kind and number of units (webapp.db.Prepared).
_first_of_sections = Prepared(_first_of_sections_query)


def idle_employees(unit_ids, limit=SECTION_ROWS):
    """``(count, rows)`` of the active employees of the units who have not logged in since
    ``idle_cutoff()`` (or never, and were added before it): a leaver not yet deactivated, or
    someone who needs help (routine 000 "Tilgangsstyring"). Two queries."""
    if not unit_ids:
        return 0, []
    cutoff = idle_cutoff()
    query = (
        Membership.select(Person.id, Person.name, Person.last_login_at, Unit.name)
        .join(Person, on=(Membership.person == Person.id))
        .switch(Membership)
        .join(Unit, on=(Membership.unit == Unit.id))
        .where(Membership.unit.in_(sorted(unit_ids)) & Person.active & Person.is_employee
               & ((Person.last_login_at < cutoff)
                  | (Person.last_login_at.is_null() & (Person.created_at < cutoff))))
        .distinct()
    )
    count = query.count()
    rows = list(query.order_by(Person.last_login_at.asc(nulls="FIRST"), Person.name, Person.id,
                               Unit.name).limit(limit).tuples())
    return count, rows


@dataclass(frozen=True)
class UnitReviewState:
    unit_id: int
    unit_name: str
    last_at: datetime | None
    last_by: str | None
    interval: timedelta

    @property
    def next_due(self):
        """The date the next review is due; today when the unit was never reviewed."""
        if self.last_at is None:
            return oslo_today()
        return self.last_at.date() + self.interval

    @property
    def due(self):
        return self.next_due <= oslo_today()


def review_states(unit_ids):
    """Each unit's last review (when, by whom) and when the next is due (one query)."""
    if not unit_ids:
        return []
    review, reviewer = UnitReview.alias("r"), Person.alias("reviewer")
    latest = review.select(fn.MAX(review.at)).where(review.unit == Unit.id)
    by = (review.select(reviewer.name).join(reviewer, on=(review.by == reviewer.id))
          .where(review.unit == Unit.id).order_by(review.at.desc(), review.id.desc()).limit(1))
    rows = (
        Unit.select(Unit.id, Unit.name, Municipality.establishment,
                    latest.alias("last_at"),
                    by.alias("last_by"))
        .join(Municipality, on=(Unit.municipality == Municipality.id))
        .where(Unit.id.in_(sorted(unit_ids)))
        .order_by(Unit.name, Unit.id)
        .tuples()
    )
    return [UnitReviewState(uid, name, UnitReview.at.adapt(last_at), last_by,
                            review_interval(establishment))
            for uid, name, establishment, last_at, last_by in rows]


def mark_review_done(unit_id, actor):
    """The leader has gone through the unit's logs and employees: a record (unit, who, when)."""
    return UnitReview.create(unit=unit_id, by=actor, at=utcnow())


# --- Asking for an evaluation -------------------------------------------------------------------


def ask_for_evaluation(plan):
    """Ask the stafetthaldar for the evaluation whose deadline has passed (routine 004:
    "Tenesteleiar etterspør evalueringar"): a content-free notification, at most one within
    ``NOTIFY_WINDOW_MINUTES`` per plan (``webapp.notify``). Returns whether one was queued;
    ``None`` when there is no active stafetthaldar to ask."""
    holder = participants.stafetthaldar_of(plan)
    if holder is None or not holder.person.active:
        return None
    return bool(notify(holder.person, "evaluation_asked", plan))


# --- Continuity at absence (routine 000 "Kontinuitet ved fråvær") ------------------------------


@dataclass(frozen=True)
class Candidate:
    person_id: int
    name: str
    unit_id: int | None
    unit_name: str
    in_plan: bool  # an active employee participant already; else an employee of the unit


def candidates(plan, holder):
    """Who the leader may appoint stafetthaldar (three or four queries): the plan's active
    employee participants whom the valid consent admits (``participants.baton_candidates``),
    and the active employees of the plan's unit when the valid consent admits the unit's
    service (the rule for inviting a service, SPEC §3.4), or when there is no valid consent at
    all: a log waiting for its first consent, or passive or closed after a withdrawal, where
    what is left is to finish what the unit started (get the consent; close and archive the
    log) and routine 000 "Kontinuitet ved fråvær" leaves the choice to the leader. A log with
    a valid consent that does not name the unit's service needs a new consent first. Not the
    present holder."""
    holder_id = holder.person_id if holder is not None else None
    found = {}
    for p in participants.baton_candidates(plan, holder_id):
        found[p.person_id] = Candidate(p.person_id, p.person.name, p.unit_id,
                                       p.unit.name if p.unit_id else "", True)
    if participants.consent_names_unit(plan, plan.unit_id) or not Consent.select().where(
            (Consent.plan == plan) & (Consent.status == Consent.VALID)).exists():
        rows = (
            Person.select(Person.id, Person.name, Unit.name)
            .join(Membership, on=(Membership.person == Person.id))
            .join(Unit, on=(Membership.unit == Unit.id))
            .where((Membership.unit == plan.unit_id) & Person.active & Person.is_employee)
            .distinct()
            .order_by(Person.name, Person.id)
            .tuples()
        )
        for person_id, name, unit_name in rows:
            if person_id != holder_id and person_id not in found:
                found[person_id] = Candidate(person_id, name, plan.unit_id, unit_name, False)
    return sorted(found.values(), key=lambda c: (c.name, c.person_id))


def family_of(plan):
    """The family's people in the plan (guardians, the plan owner) whose participation has
    not ended: they are told of a new stafetthaldar."""
    return list(
        Person.select(Person)
        .join(Participant, on=(Participant.person == Person.id))
        .where((Participant.plan == plan)
               & Participant.role.in_((Participant.GUARDIAN, Participant.OWNER))
               & (Participant.status != Participant.ENDED))
        .distinct()
    )


class NotACandidate(Exception):
    """The person chosen may not (any longer) be appointed: checked again in the transaction."""


def appoint(plan, holder, candidate_id, actor, *, keeps_access, wish, note=""):
    """Appoint ``candidate_id`` stafetthaldar of ``plan`` in the caller's transaction: the
    choice is checked against ``candidates`` again, the baton moves through
    ``hand_over_baton`` (the new holder is told; a ``stafetthaldar_appointed`` event with
    "appointed by the leader" is on the timeline), and the family gets a content-free
    notification. Raises ``NotACandidate`` or ``participants.BatonMoved``."""
    chosen = next((c for c in candidates(plan, holder) if c.person_id == candidate_id), None)
    if chosen is None:
        raise NotACandidate()
    keeps = keeps_access and holder is not None and holder.person.active
    participants.hand_over_baton(
        plan, holder, chosen.person_id, actor, keeps_access=keeps, wish=wish,
        wished_for=chosen.person_id if wish == Handover.WISHED_NEW else None, note=note,
        unit_id=chosen.unit_id, by_leader=True,
    )
    for person in family_of(plan):
        notify(person, "new_stafetthaldar")
    return chosen


def quiet_plans_held_by(person, plans):
    """The ids of those of ``plans`` where ``person`` is the stafetthaldar and the log is quiet
    (SPEC §4: flagged to its stafetthaldar on "my plans"). One query."""
    ids = [plan.id for plan in plans]
    if not ids or not getattr(person, "is_employee", False):
        return frozenset()
    rows = _quiet_held(person.id, Plan.created_at.db_value(quiet_cutoff()), ids)
    return frozenset(plan_id for (plan_id,) in rows)


def _quiet_held_query(person_id, cutoff, plan_ids):
    held = Participant.select(Participant.plan).where(
        (Participant.person == person_id) & (Participant.role == Participant.STAFETTHALDAR))
    return (Plan.select(Plan.id)
            .where(Plan.id.in_(plan_ids) & Plan.id.in_(held) & quiet(cutoff)).tuples())


_quiet_held = Prepared(_quiet_held_query)
