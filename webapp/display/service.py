"""Pairing a meeting-room display (SPEC §1, issue 10 item 11), and what a display shows.

The stafetthaldar makes a short code in the minutes editor; the room's browser writes it on the
public pairing page and gets a display session: a random token in its signed session cookie,
kept on the server as a hash (``DisplayPairing.token_hash``). The code is 8 characters from an
alphabet without look-alikes (no I, L, O, 0, 1), stored as an HMAC, single use, and expires
after ``CODE_LIFETIME`` unused. 31⁸ codes with the login rate limit on the pairing page leave
nothing to guess in 10 minutes.
"""

import hashlib
import hmac
import secrets
from datetime import timedelta

import peewee
from flask import current_app, render_template
from flask_babel import get_locale

from webapp.db import Prepared, immediate
from webapp.guards import display_token_hash
from webapp.minutes.templates_text import projected
from webapp.models import (
    Activity,
    DisplayPairing,
    Goal,
    Message,
    Participant,
    Person,
    oslo_today,
    utcnow,
)

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
CODE_LIFETIME = timedelta(minutes=10)
WAITING_CODE = "display_code"  # the code waiting to be used, in the stafetthaldar's session


def normalise(code):
    """The code as written on the pairing page: case, spaces and dashes do not matter."""
    return "".join(ch for ch in (code or "").upper() if ch not in " -\t")


def shown(code):
    """The code as the editor shows it: two groups of four (``K7QM 3XRP``)."""
    return f"{code[:4]} {code[4:]}"


def _digest(code):
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, code.encode(), hashlib.sha256).hexdigest()


def make_code(meeting, person):
    """A new pairing code for ``meeting``, made by ``person`` (the stafetthaldar); an earlier
    code of the meeting not yet used stops working. Returns ``(pairing, code)``."""
    code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    now = utcnow()
    with immediate():
        (DisplayPairing.update(ended_at=now)
         .where((DisplayPairing.meeting == meeting) & DisplayPairing.paired_at.is_null()
                & DisplayPairing.ended_at.is_null())
         .execute())
        pairing = DisplayPairing.create(meeting=meeting, paired_by=person, code_hash=_digest(code),
                                        created_at=now, code_expires_at=now + CODE_LIFETIME)
    return pairing, code


def pair(code):
    """Use ``code`` once: the new display session's token, or ``None`` for a wrong, used,
    ended or expired code. Two browsers writing the same code: only one gets a token."""
    code = normalise(code)
    if len(code) != CODE_LENGTH or any(ch not in ALPHABET for ch in code):
        return None
    token = secrets.token_urlsafe(32)
    now = utcnow()
    with immediate():
        won = (
            DisplayPairing.update(paired_at=now, day=oslo_today(),
                                  token_hash=display_token_hash(token))
            .where((DisplayPairing.code_hash == _digest(code))
                   & DisplayPairing.paired_at.is_null() & DisplayPairing.ended_at.is_null()
                   & (DisplayPairing.code_expires_at > now))
            .execute()
        )
    return token if won == 1 else None


def end(meeting):
    """End every display paired to ``meeting`` and every code waiting: they show nothing from
    their next request. Returns how many were ended."""
    with immediate():
        return (DisplayPairing.update(ended_at=utcnow())
                .where((DisplayPairing.meeting == meeting) & DisplayPairing.ended_at.is_null())
                .execute())


def projector(meeting, waiting=None):
    """What the editor's "On the projector" says (one query): the code waiting to be used
    (``waiting`` is ``{"pairing": id, "code": code}`` kept in the stafetthaldar's session),
    and how many displays show the meeting now."""
    now, today = utcnow(), oslo_today()
    live = list(DisplayPairing.live_in(meeting))
    paired = [p for p in live if p.paired_at is not None and p.day == today]
    code = None
    if waiting and any(p.id == waiting.get("pairing") and p.paired_at is None
                       and p.code_expires_at > now for p in live):
        code = shown(waiting["code"])
    return {"code": code, "code_minutes": int(CODE_LIFETIME.total_seconds() // 60),
            "paired": paired, "live": bool(live)}


# --- What a display shows ------------------------------------------------------------------------


def _context(plan, meeting):
    minutes = (
        Message.select(Message.id, Message.subject, Message.body, Message.version)
        .where((Message.meeting == meeting) & (Message.kind == Message.MINUTES))
        .order_by(Message.id.desc())
        .first()
    )
    blank = meeting.display_blank
    return {"plan": plan, "meeting": meeting, "minutes": minutes,
            "blocks": projected(minutes.body) if minutes and not blank else [],
            "goals": [] if blank else Goal.with_activities(plan)}


def _fingerprint_query(plan_id, meeting_id):
    fn = peewee.fn
    minutes = (Message.select(Message.id).where((Message.meeting == meeting_id)
                                              & (Message.kind == Message.MINUTES))
               .order_by(Message.id.desc()).limit(1))
    activities = Activity.select(Activity.id).join(Goal).where(Goal.plan == plan_id)
    names = (Activity.select(fn.SUM(fn.LENGTH(Person.name) * Activity.id))
             .join(Goal).switch(Activity).join(Participant).join(Person)
             .where(Goal.plan == plan_id))
    return Goal.select(
        fn.COUNT(Goal.id), fn.SUM(Goal.version), fn.SUM(Goal.id * Goal.position),
        fn.MAX(Goal.id),
        fn.SUM(peewee.Case(None, [(Goal.reached == True, Goal.id)], 0)),  # noqa: E712
        minutes.select(Message.id), minutes.select(Message.version),
        activities.select(fn.COUNT(Activity.id)), activities.select(fn.SUM(Activity.version)),
        activities.select(fn.MAX(Activity.id)), names,
    ).where(Goal.plan == plan_id).tuples()


_fingerprint_row = Prepared(_fingerprint_query)


def fingerprint(plan, meeting):
    """What the display shows, in one small query: the latest minutes' id and version, and
    counts and sums over the goals and activities (and the responsible people's names) that
    change whenever one is added, edited, moved, reached or deleted; with the meeting's blank
    flag, the plan's next evaluation and the language. A poll whose ``seen`` is this is answered
    without rendering anything (issue 13). The query is built once (``Prepared``: the query
    builder cost more than the query did)."""
    row = _fingerprint_row(plan.id, meeting.id)[0]
    state = (tuple(row), meeting.display_blank, meeting.kind, plan.next_evaluation,
             str(get_locale()))
    return hashlib.sha256(repr(state).encode()).hexdigest()[:20]


def fragment(plan, meeting, seen=None):
    """What the display shows, with a hidden field holding its ``fingerprint`` (``seen``, when
    the caller has it already): the next poll sends the fingerprint back, and an unchanged
    display is then answered without a swap. Returns ``(html, fingerprint)``."""
    seen = seen or fingerprint(plan, meeting)
    return render_template("minutes/_display_content.html", seen=seen,
                           **_context(plan, meeting)), seen
