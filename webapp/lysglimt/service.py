"""Writing a lysglimt, and reading a plan's newest."""

from webapp.audit import add_event
from webapp.db import Prepared, immediate
from webapp.models import Lysglimt

# How many the family's plan page shows; the rest are one link away (``lysglimt.index``).
SHOWN_FIRST = 5


def add_lysglimt(plan, author_id, text):
    """Save a lysglimt by ``author_id`` in ``plan``, with its event on the timeline (no text
    there: the timeline holds no free text)."""
    with immediate():
        lysglimt = Lysglimt.create(plan=plan, author=author_id, text=text)
        add_event(plan, "lysglimt_added", author_id)
    return lysglimt


def newest(plan, limit=SHOWN_FIRST):
    """``(lysglimt, more)``: the plan's newest ``limit`` lysglimt with their authors, and
    whether there are older ones (one query)."""
    rows = _newest(getattr(plan, "id", plan), limit + 1)
    return rows[:limit], len(rows) > limit


_newest = Prepared(lambda plan_id, limit: Lysglimt.newest_in(plan_id).limit(limit))
