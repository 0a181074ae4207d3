"""The route guards: the decorators every view carries, the loaders that fetch what a URL
names or refuse, and the routine's refusal page (SPEC §5: every route checked).

Views import from here; the rules these apply live below them: who may do what in
``webapp.policy``, the routine's preconditions in ``webapp.routine`` (read through
``webapp.facts``). Areas → guards → {policy, routine, facts} → models; nothing points back up.

- ``public``, ``requires(action)``, ``development``, ``requires_plan(action)``,
  ``requires_transfer``: the access a view needs; the role × route matrix fails for a route
  without one.
- ``enforces(action)``: the routine step a plan view needs (409 with the reason otherwise).
- ``plan_child_or_404``, ``load_own_signature``: the objects a URL names, inside its plan.
- ``may(endpoint, plan)``: what pages ask before they show a link or a button.
- ``paired_display``: the meeting-room display's pages, open to a display session only.
"""

import hashlib
from functools import wraps

from flask import (
    abort,
    current_app,
    g,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required

from webapp import policy, routine
from webapp.audit import record_access
from webapp.db import Prepared, immediate
from webapp.facts import facts_for
from webapp.models import DisplayPairing, Plan, Transfer, oslo_today, pending_signature


def _mark(view, action):
    view.policy_action = action
    return view


SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def _one_transaction(call, *args, **kwargs):
    """Run a guarded view: a write (any method but GET, HEAD and OPTIONS) in one transaction,
    so what the user did, its timeline event, its audit entry and the notifications it queues in
    the outbox are committed together or not at all (issue 13). On SQLite the transaction takes
    the write lock at once (``immediate``); the services' own ``immediate()`` and ``atomic()``
    blocks inside it become savepoints."""
    if request.method in SAFE_METHODS:
        return call(*args, **kwargs)
    with immediate():
        return call(*args, **kwargs)


def _in_one_transaction(view, action):
    view.one_transaction = True  # tests/test_transactions.py checks every guarded view has it
    return _mark(view, action)


def public(view):
    """A page anyone may open (login, language choice)."""
    return _mark(view, policy.PUBLIC)


def requires(action):
    """A page for a logged-in person allowed ``action`` (no plan involved)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if action == policy.DEVELOPMENT:
                if current_app.config["ENV_NAME"] == "production":
                    abort(404)
            if not policy.can(current_user, action):
                abort(403)
            return _one_transaction(view, *args, **kwargs)

        return _in_one_transaction(wrapped, action)

    return decorator


def development(view):
    """A development-only page (the outbox), open without login so a newcomer can read the login
    codes sent to the demo people: 404 unless ``ENV_NAME`` is ``development`` and the request
    comes from this machine."""

    @wraps(view)
    def wrapped(*args, **kwargs):
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

    return _mark(wrapped, policy.DEVELOPMENT)


_plan_by_id = Prepared(lambda plan_id: Plan.select(Plan).where(Plan.id == plan_id))


def load_plan(plan_id, action):
    """Load a plan for ``action``, or abort: 404 for a plan the person has no relation to
    (its existence is not revealed), 403 for one they know of but may not do this on."""
    rows = _plan_by_id(plan_id)
    plan = rows[0] if rows else None
    if plan is None or plan.status == Plan.DELETED:  # only its statistics are left
        abort(404)
    if not policy.can(current_user, action, plan):
        if action == policy.PLAN_CONTRIBUTE and plan.status != Plan.ACTIVE and policy.can(
            current_user, policy.PLAN_READ, plan
        ):
            _refuse_by_routine(plan)
        if policy.can(current_user, policy.PLAN_METADATA, plan):
            abort(403)
        abort(404)
    return plan


def _refuse_by_routine(plan):
    """A participant writing (a message, minutes) in a plan that is not active — waiting for
    consent, passive after a withdrawal, closed or archived: the routine's explanation (409),
    not a bare "no access". Returns only if the routine has no objection."""
    blocked = routine.blocker("write_message", facts_for(plan))
    if blocked is not None:
        abort(make_response(render_blocked(plan, blocked)))


def requires_plan(action, audit="always"):
    """A plan page: loads ``plan_id`` for ``action``, passes ``plan`` to the view, and writes
    an audit entry for every read (GET) of plan content; a write is audited where it commits
    (``webapp.audit.add_event``, ``record_write``), so a refused or invalid POST writes none.
    ``audit="by_view"`` is for a view that sometimes answers without any content (the
    display's unchanged poll): it then calls ``webapp.audit.record_access`` itself whenever it
    does send content. ``audit="never"`` is for a page that shows none of the log's content
    (the family's list of who has read it)."""
    if action not in policy.PLAN_ACTIONS:
        raise ValueError(f"Unknown plan action {action!r}")
    if audit not in ("always", "by_view", "never"):
        raise ValueError(f"Unknown audit mode {audit!r}")

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(plan_id, *args, **kwargs):
            return _one_transaction(guarded, plan_id, *args, **kwargs)

        def guarded(plan_id, *args, **kwargs):
            plan = load_plan(plan_id, action)
            if (action != policy.PLAN_METADATA and audit == "always"
                    and request.method in ("GET", "HEAD")):
                record_access(current_user, plan, request.endpoint, request.method)
            return view(plan, *args, **kwargs)

        return _in_one_transaction(wrapped, action)

    return decorator


def requires_transfer(view):
    """A page about one transfer of a log to a new unit (``transfer_id``), for the person who
    may answer it (``policy.TRANSFER_ANSWER``: the receiving unit's leader, who has no role in
    the plan yet). Anyone else gets 404: not even the transfer's existence is shown. Passes
    ``transfer`` (with its plan) to the view; nothing of the plan's content is read."""

    @wraps(view)
    @login_required
    def wrapped(transfer_id, *args, **kwargs):
        return _one_transaction(guarded, transfer_id, *args, **kwargs)

    def guarded(transfer_id, *args, **kwargs):
        transfer = (
            Transfer.select(Transfer, Plan).join(Plan).where(Transfer.id == transfer_id).first()
        )
        if transfer is None or not policy.can(current_user, policy.TRANSFER_ANSWER, transfer):
            abort(404)
        return view(transfer, *args, **kwargs)

    return _in_one_transaction(wrapped, policy.TRANSFER_ANSWER)


def load_own_signature(plan, consent_id):
    """The current person's unanswered signature on a consent of ``plan`` that is out for
    signing, or 404: only those a consent asks may sign or refuse it (SPEC §3.1.5)."""
    signature = pending_signature(plan, consent_id, current_user.id)
    if signature is None:
        abort(404)
    return signature


def plan_child_or_404(model, parent, object_id, *conditions):
    """The ``model`` row ``object_id`` that belongs to ``parent`` (a plan, or an object of the
    plan such as a goal), or 404: an id from another plan is not found (in the spirit of
    flaskr's ``get_post``). ``conditions`` narrow it further (minutes are messages of a kind)."""
    link = next(field for field, rel in model._meta.refs.items() if rel is type(parent))
    if conditions:
        found = model.get_or_none((model.id == object_id) & (link == parent), *conditions)
    else:
        if link not in _CHILD_BY_ID:
            _CHILD_BY_ID[link] = Prepared(lambda object_id, parent_id: (
                model.select().where((model.id == object_id) & (link == parent_id)).limit(1)))
        found = next(iter(_CHILD_BY_ID[link](object_id, parent.id)), None)
    if found is None:
        abort(404)
    return found


_CHILD_BY_ID = {}  # the foreign key to the parent -> its Prepared query (plan_child_or_404)


# --- The routine, enforced on the server -----------------------------------------------------


def enforces(action):
    """Refuse a request whose routine step is blocked, with the engine's explanation (409):
    the POST, and the GET too, so nobody types into a form that cannot be saved.

    Put it under ``requires_plan(...)``: it receives the loaded ``plan``.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(plan, *args, **kwargs):
            facts = page_facts(plan) if request.method in SAFE_METHODS else facts_for(plan)
            blocked = routine.blocker(action, facts)
            if blocked is not None:
                return render_blocked(plan, blocked)
            return view(plan, *args, **kwargs)

        wrapped.routine_action = action  # what a link to the view asks (``may``)
        return wrapped

    return decorator


def render_blocked(plan, blocked):
    """The routine's refusal: which step, why, and what unblocks it (409)."""
    return (
        render_template("plans/blocked.html", plan=plan, step=blocked.step, reason=blocked.reason),
        409,
    )


def may(endpoint, plan):
    """True if the person may use ``endpoint`` of ``plan`` now: the policy lets them in
    (``policy.may_open``) and, for a view that enforces a routine step, the routine allows the
    step. Pages ask this before they show a link or a button, so nobody is sent to a refusal.
    Answered once per request for an endpoint and plan (the checklist and the plan menu ask
    about the same pages), as the roles and facts it reads are."""
    answers = g.setdefault("_may", {})
    key = (endpoint, plan.id, plan.status)
    if key not in answers:
        answers[key] = _may(endpoint, plan)
    return answers[key]


def _may(endpoint, plan):
    if not policy.may_open(current_user, endpoint, plan):
        return False
    action = getattr(current_app.view_functions[endpoint], "routine_action", None)
    if action is None:
        return True
    return routine.blocker(action, page_facts(plan)) is None


def page_facts(plan):
    """``facts_for(plan)``, read once per request: by the page's links (``may``), and on a
    GET also by the view and its ``enforces`` (nothing is written in between). A write reads
    them when the page is rendered, after its own writes."""
    facts = g.setdefault("_page_facts", {})
    if plan.id not in facts:
        facts[plan.id] = facts_for(plan)
    return facts[plan.id]


# --- The paired meeting-room display (SPEC §1) --------------------------------------------------

# The display session's key in the signed session cookie (a key, not a secret).
DISPLAY_TOKEN = "display_token"  # noqa: S105


def display_token_hash(token):
    """What the database keeps of a display session's token (a random 256-bit value)."""
    return hashlib.sha256(token.encode()).hexdigest()


def paired_display(audit="always"):
    """A page of the paired meeting-room display: open only to a browser with a display
    session (never to a login, whoever is logged in), for the one meeting it was paired to,
    while ``policy.display_shows`` says so. Passes the ``pairing`` (with its meeting, plan and
    the stafetthaldar who paired it) to the view. Anything else is sent to the pairing page:
    an htmx poll by ``HX-Redirect``, so the screen empties at once.

    Every read is audited in the name of the stafetthaldar who paired the display, with the
    pairing in the section (``display.screen pairing=12``); ``audit="by_view"`` as in
    ``requires_plan``."""
    if audit not in ("always", "by_view"):
        raise ValueError(f"Unknown audit mode {audit!r}")

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            token = session.get(DISPLAY_TOKEN)
            pairing = DisplayPairing.showing(display_token_hash(token), oslo_today()) if (
                isinstance(token, str) and token) else None
            if not policy.display_shows(pairing, oslo_today()):
                session.pop(DISPLAY_TOKEN, None)
                target = url_for("display.pair")
                if request.headers.get("HX-Request"):
                    return "", 200, {"HX-Redirect": target}
                return redirect(target)
            if audit == "always":
                record_display_read(pairing)
            return view(pairing, *args, **kwargs)

        return _mark(wrapped, policy.DISPLAY)

    return decorator


def record_display_read(pairing):
    """An audited read through the paired display of ``pairing``'s meeting."""
    record_access(pairing.paired_by, pairing.meeting.plan,
                  f"{request.endpoint} pairing={pairing.id}", "GET")
