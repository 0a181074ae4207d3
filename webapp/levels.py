"""The plan's BTI level (SPEC §3.3.2 c, §3.5), one rule wherever it changes.

The level is the number of services that take part in the plan, at most 3: level 1 is the
plan's own unit alone; each other unit with an employee participant (a stafetthaldar or a
service provider) who is active and admitted by the valid consent (``Participant.with_access``)
adds one. So a service counts only once the consent names it *and* one of its employees has
logged in: an invitation alone, or a consent that no longer names the service, does not raise
the level. The rule is applied (``sync_level``) when a consent becomes valid, when a
participant logs in for the first time, and when the minutes of a start-up meeting on level 2 or
3 are saved; the meeting's kind chooses its minutes template, the services decide the level.
A change is a ``level_changed`` event on the timeline, and starts a ``LevelStay`` (the reports
sum the stays: ``webapp.reports.figures.days_on_levels``).
"""


import peewee

from webapp.audit import add_event
from webapp.db import immediate
from webapp.models import LevelStay, Participant, Plan, oslo_today, utcnow

EMPLOYEE_ROLES = (Participant.STAFETTHALDAR, Participant.SERVICE_PROVIDER)


def level_for(plan, today=None):
    """The level the plan's services give (one query)."""
    others = (
        Participant.select(peewee.fn.COUNT(peewee.fn.DISTINCT(Participant.unit)))
        .where(
            (Participant.plan == plan.id)
            & Participant.role.in_(EMPLOYEE_ROLES)
            & Participant.unit.is_null(False)
            & (Participant.unit != plan.unit_id)
            & Participant.with_access(today or oslo_today())
        )
        .scalar()
    )
    return min(3, 1 + int(others or 0))


def sync_level(plan, actor, today=None):
    """Put ``plan`` on the level its services give; a change is on the timeline. True when the
    level changed (a conditional UPDATE: two requests do not record one change twice)."""
    level = level_for(plan, today)
    with immediate():
        changed = (
            Plan.update(bti_level=level, updated_at=utcnow())
            .where((Plan.id == plan.id) & (Plan.bti_level != level))
            .execute()
        )
        if changed:
            plan.bti_level = level
            event = add_event(plan.id, "level_changed", actor, f"level_{level}")
            start_stay(plan.id, level, event.at)
    return bool(changed)


def start_stay(plan_id, level, at):
    """The plan is on ``level`` from ``at``: its current stay ends there and a new one starts
    (two statements; the caller's transaction holds them with the change). A new plan's first
    stay is ``start_stay(plan.id, 1, plan.created_at)``."""
    with immediate():
        LevelStay.update(ended_at=at).where(
            (LevelStay.plan == plan_id) & LevelStay.ended_at.is_null()).execute()
        LevelStay.create(plan=plan_id, level=level, started_at=at)
