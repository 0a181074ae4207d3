"""Who has read the log (SPEC §4; Normen fact sheet 15: let the person see who has accessed
their data): the reads in a plan's audit chain, newest first, with who read (name, role in the
plan, service), what and when. Two queries a page, whatever the number of reads."""

from flask_babel import lazy_gettext as _l
from peewee import JOIN

from webapp.audit import READ
from webapp.models import AuditEntry, Participant, Person, Unit

PAGE_SIZE = 50
LAST_PAGE = 100_000  # a larger page number would overflow the database's OFFSET

# What was read, by the page's area (the endpoint before the dot), or by the whole endpoint
# where one area holds more than one kind of content. An area added later reads as "another
# page of the log" until it is named here.
WHAT = {
    "overview": _l("Plan overview"),
    "goals": _l("Goals and activities"),
    "minutes": _l("Minutes"),
    "display": _l("Minutes on the meeting-room display"),
    "messages": _l("Messages"),
    "meetings": _l("Meetings and calendar"),
    "timeline": _l("Timeline"),
    "participants": _l("Participants"),
    "consent": _l("Consent"),
    "transfers": _l("Moving the log to a new unit"),
    "archive": _l("Closing and archiving"),
    "archive.download": _l("The archive PDF"),
    "plans": _l("Where the plan stands"),
    "plans.show": _l("The plan's front page"),
    "lysglimt": _l("Lysglimt"),
}
OTHER = _l("Another page of the log")

# When a person holds more than one role in the plan, the one shown (the first found here).
ROLE_ORDER = (Participant.STAFETTHALDAR, Participant.SERVICE_PROVIDER, Participant.GUARDIAN,
              Participant.OWNER)


def what_was_read(section):
    """The words for an entry's section (``minutes.show``, ``display.screen pairing=12``)."""
    endpoint = section.split(" ", 1)[0]
    return WHAT.get(endpoint) or WHAT.get(endpoint.split(".", 1)[0]) or OTHER


def reads_of(plan, page):
    """``(rows, more)``: page ``page`` of the reads of ``plan``'s content, newest first, each
    ``{"at", "actor_id", "name", "role", "unit", "section"}``; ``more`` if older ones exist."""
    rows = list(
        AuditEntry.select(AuditEntry.at, AuditEntry.actor_id, AuditEntry.section,
                          Person.name.alias("name"))
        .join(Person, JOIN.LEFT_OUTER, on=(Person.id == AuditEntry.actor_id))
        .where((AuditEntry.plan_id == plan.id) & (AuditEntry.action == READ))
        .order_by(AuditEntry.seq.desc())
        .limit(PAGE_SIZE + 1)  # one more, to know whether there is an older page
        .offset((page - 1) * PAGE_SIZE)
        .dicts()
    )
    more, rows = len(rows) > PAGE_SIZE, rows[:PAGE_SIZE]
    roles = _roles_in_plan(plan, {row["actor_id"] for row in rows} - {None})
    for row in rows:
        row["role"], row["unit"] = roles.get(row["actor_id"], (None, None))
    return rows, more


def _roles_in_plan(plan, person_ids):
    """``{person_id: (role, unit name)}`` for the people's roles in ``plan`` (one query): the
    role they hold now, or held last if their access has ended."""
    if not person_ids:
        return {}
    found = {}
    rows = (
        Participant.select(Participant.person, Participant.role, Participant.status,
                           Unit.name.alias("unit_name"))
        .join(Unit, JOIN.LEFT_OUTER, on=(Participant.unit == Unit.id))
        .where((Participant.plan == plan) & Participant.person.in_(list(person_ids)))
        .dicts()
    )
    for row in sorted(rows, key=lambda r: (r["status"] == Participant.ENDED,
                                           ROLE_ORDER.index(r["role"])
                                           if r["role"] in ROLE_ORDER else len(ROLE_ORDER))):
        found.setdefault(row["person"], (row["role"], row["unit_name"]))
    return found
