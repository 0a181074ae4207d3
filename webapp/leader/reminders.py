"""Reminders for cron (SPEC §4: "Reminders before and after evaluation deadlines; leader review
reminders"): ``flask --app run send-reminders``.

- To the stafetthaldar of an active log, a week before its evaluation date, and once the date
  has passed with no outcome recorded.
- To each leader (unit administrator) of a unit whose review is due: never reviewed, or a
  review interval (a year, or half a year under routine 004) after the last one.

Idempotent: each reminder has a key naming what it is about and the date it concerns
(``evaluation_soon:<plan>:<date>:<person>``); ``SentReminder`` holds the keys sent, unique, and
the reminder is queued in the outbox in the same transaction as its key. A second run on the
same day sends nothing; a new evaluation date or a new review makes a new key. Every reminder
is content-free (``webapp.notify``): no name, no plan, only that something is due.
"""

from datetime import timedelta

import click
from peewee import fn

from webapp.db import database, immediate
from webapp.leader.service import review_interval
from webapp.models import (
    Membership,
    Municipality,
    Participant,
    Person,
    Plan,
    SentReminder,
    Unit,
    UnitReview,
    oslo_today,
)
from webapp.notify import notify

SOON = timedelta(days=7)  # "a week before an evaluation deadline"


def _send_once(key, kind, person, plan_id=None, unit_id=None):
    """Queue ``kind`` to ``person`` unless ``key`` was sent already; True if queued now."""
    with immediate():
        inserted = (
            SentReminder.insert(key=key, kind=kind, person=person.id, plan=plan_id,
                                unit=unit_id)
            .on_conflict_ignore()
            .as_rowcount()
            .execute()
        )
        if inserted:
            notify(person, kind)
    return bool(inserted)


def _holders_due(today):
    """``(kind, key, person, plan_id)`` for every active log with an evaluation within a week
    or past, to its stafetthaldar (still employed); one query."""
    people = (
        Plan.select(Plan.id, Plan.next_evaluation, Person.id.alias("person_id"), Person.email,
                    Person.mobile, Person.language)
        .join(Participant, on=((Participant.plan == Plan.id)
                               & (Participant.role == Participant.STAFETTHALDAR)))
        .join(Person, on=(Participant.person == Person.id))
        .where((Plan.status == Plan.ACTIVE) & Plan.next_evaluation.is_null(False)
               & (Plan.next_evaluation <= today + SOON) & Person.active)
        .order_by(Plan.id)
        .dicts()
    )
    for row in people:
        person = Person(id=row["person_id"], email=row["email"], mobile=row["mobile"],
                        language=row["language"])
        kind = "evaluation_overdue" if row["next_evaluation"] < today else "evaluation_soon"
        key = f"{kind}:{row['id']}:{row['next_evaluation'].isoformat()}:{person.id}"
        yield kind, key, person, row["id"]


def _reviews_due(today):
    """``(kind, key, person, unit_id)`` for the leaders of every unit whose review is due;
    two queries."""
    latest = (UnitReview.select(fn.MAX(UnitReview.at)).where(UnitReview.unit == Unit.id))
    units = (
        Unit.select(Unit.id, Municipality.establishment, latest.alias("last_at"))
        .join(Municipality, on=(Unit.municipality == Municipality.id))
        .tuples()
    )
    due = {}
    for unit_id, establishment, last_at in units:
        last_at = UnitReview.at.adapt(last_at)
        next_due = last_at.date() + review_interval(establishment) if last_at else None
        if next_due is None or next_due <= today:
            due[unit_id] = next_due.isoformat() if next_due else "first"
    if not due:
        return
    leaders = (
        Membership.select(Membership.unit, Person)
        .join(Person, on=(Membership.person == Person.id))
        .where(Membership.unit.in_(list(due)) & (Membership.role == Membership.UNIT_ADMIN)
               & Person.active)
        .order_by(Membership.unit, Person.id)
    )
    for membership in leaders:
        person = membership.person
        key = f"review_due:{membership.unit_id}:{due[membership.unit_id]}:{person.id}"
        yield "review_due", key, person, membership.unit_id


def send_reminders(today=None):
    """Queue every reminder due ``today`` (Oslo) that has not been sent; returns how many."""
    today = today or oslo_today()
    sent = 0
    for kind, key, person, plan_id in list(_holders_due(today)):
        sent += _send_once(key, kind, person, plan_id=plan_id)
    for kind, key, person, unit_id in list(_reviews_due(today)):
        sent += _send_once(key, kind, person, unit_id=unit_id)
    return sent


@click.command("send-reminders")
def send_reminders_command():
    """Queue the reminders that are due (evaluations a week before and past their deadline,
    reviews due); run daily from cron. Run twice, it sends once."""
    database.connect(reuse_if_open=True)
    try:
        count = send_reminders()
    finally:
        database.close()
    click.echo(f"Reminders: {count} queued in the outbox.")
