"""What holding a meeting changes in the plan (SPEC §3.3.2, §3.5, §3.8): the outcome of an
evaluation, and the BTI level after a start-up meeting."""

from webapp.audit import add_event
from webapp.levels import sync_level
from webapp.minutes.templates_text import KIND_LEVEL
from webapp.models import Meeting, Plan, utcnow

GOALS_REACHED, CONTINUE, OTHER_SERVICES = Meeting.OUTCOMES


def record_level_of(plan, meeting, actor, now=None):
    """Saved minutes of a start-up meeting on level 2 or 3 that has been held check the plan's
    level against its services (``webapp.levels``): the meeting brings the new services in, the
    services decide the level. Minutes written ahead of the meeting change nothing. True when
    the level changed."""
    if KIND_LEVEL.get(meeting.kind) is None or meeting.starts_at > (now or utcnow()):
        return False
    return sync_level(plan, actor)


class OutcomeRecorded(Exception):
    """The meeting's outcome was recorded already (by another request): it is recorded once."""


def record_outcome(plan, meeting, outcome, actor, new_evaluation=None):
    """Record the outcome of ``meeting`` (SPEC §3.3.2): exactly one, once, with when and by
    whom, on the timeline. a) goals reached: the log is set passive; b) continue on the same
    level: ``new_evaluation`` is the plan's next evaluation date; c) other services: the plan
    has no evaluation date until the start-up meeting plans one. Call inside ``immediate()``."""
    now = utcnow()
    recorded = (
        Meeting.update(outcome=outcome, outcome_at=now, outcome_by=actor)
        .where((Meeting.id == meeting.id) & Meeting.outcome.is_null())
        .execute()
    )
    if not recorded:
        raise OutcomeRecorded()
    changes = {"updated_at": now, "next_evaluation": new_evaluation}
    if outcome == GOALS_REACHED:
        changes["status"] = Plan.PASSIVE
    Plan.update(**changes).where(Plan.id == plan.id).execute()
    add_event(plan, "outcome_recorded", actor, outcome)
    if outcome == GOALS_REACHED:
        add_event(plan, "plan_passive", actor, outcome)
