"""The family's side of a plan: lysglimt, and when a person last visited the plan.

``Lysglimt`` (bright spots, SPEC §4) are short notes of what went well, written by anyone with
content access to the plan; the family sees them first on their plan page, and they are on the
timeline and in the archive PDF. They keep the log from being only about problems.

``PlanVisit`` is when a person last opened a plan's page, so the family's page can show what is
new since their last visit (``webapp.family``).
"""

import peewee

from webapp.models.base import BaseModel, utcnow
from webapp.models.org import Person
from webapp.models.plan import Plan

LYSGLIMT_MAX_LENGTH = 500


class Lysglimt(BaseModel):
    """A bright spot (lysglimt): what went well, in at most ``LYSGLIMT_MAX_LENGTH``
    characters, by a participant with content access."""

    plan = peewee.ForeignKeyField(Plan, backref="lysglimt", on_delete="CASCADE")
    author = peewee.ForeignKeyField(Person, backref="+")
    text = peewee.CharField(max_length=LYSGLIMT_MAX_LENGTH)
    created_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("plan", "created_at"), False),)  # a plan's lysglimt, newest first

    @classmethod
    def newest_in(cls, plan):
        """The plan's lysglimt, newest first, with the author (one query; slice it)."""
        return (
            cls.select(cls, Person)
            .join(Person, on=(cls.author == Person.id))
            .where(cls.plan == plan)
            .order_by(cls.created_at.desc(), cls.id.desc())
        )


class PlanVisit(BaseModel):
    """A person's visits to a plan's page: ``last_seen_at`` is the latest page view;
    ``new_since`` is when their previous visit ended (``None`` before a second visit). A visit
    is page views less than ``webapp.family.VISIT_GAP`` apart, so what was new stays marked
    new while the person reads it, and is no longer new on their next visit."""

    person = peewee.ForeignKeyField(Person, on_delete="CASCADE")
    plan = peewee.ForeignKeyField(Plan, on_delete="CASCADE")
    last_seen_at = peewee.DateTimeField(default=utcnow)
    new_since = peewee.DateTimeField(null=True)

    class Meta:
        indexes = ((("person", "plan"), True),)
