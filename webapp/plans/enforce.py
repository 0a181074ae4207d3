"""Server-side enforcement of the routine's preconditions for plan views."""

from functools import wraps

from flask import render_template, request

from webapp import routine
from webapp.models import facts_for


def enforces(action):
    """Refuse a POST whose routine step is blocked, with the engine's explanation (409).

    Put it under ``@policy.requires_plan(...)``: it receives the loaded ``plan``.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(plan, *args, **kwargs):
            if request.method == "POST":
                try:
                    routine.enforce(action, facts_for(plan))
                except routine.StepBlocked as blocked:
                    return render_blocked(plan, blocked)
            return view(plan, *args, **kwargs)

        return wrapped

    return decorator


def render_blocked(plan, blocked):
    return (
        render_template("plans/blocked.html", plan=plan, step=blocked.step, reason=blocked.reason),
        409,
    )


def plan_facts(plan):
    """``facts_for(plan)`` with what the routine's owner rules need: whether the plan owner is a
    pregnant person, and the municipality's consent age (SPEC §3.1.5)."""
    from dataclasses import replace

    from webapp.models import Municipality

    age = (
        Municipality.select(Municipality.youth_consent_age)
        .where(Municipality.id == plan.municipality_id)
        .scalar()
    )
    return replace(facts_for(plan), owner_is_pregnant=plan.owner_is_pregnant,
                   consent_age=age if age is not None else 15)
