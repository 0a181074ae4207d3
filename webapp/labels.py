"""Translated labels for the codes stored in the database, for templates."""

import functools

from flask_babel import format_date as babel_format_date
from flask_babel import format_datetime as babel_format_datetime
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

STATUS = {
    "draft": _l("Waiting for consent"),
    "active": _l("Active"),
    "passive": _l("Passive"),
    "closed": _l("Closed"),
    "archived": _l("Archived"),
    "deleted": _l("Deleted"),
}

STEP_STATE = {
    "done": _l("Done"),
    "next": _l("Next"),
    "open": _l("Open"),
    "blocked": _l("Blocked"),
    "later": _l("Later"),
}

ROLE = {
    "owner": _l("Plan owner"),
    "stafetthaldar": _l("Stafetthaldar"),
    "guardian": _l("Guardian"),
    "service_provider": _l("Service provider"),
}


# Why a log was set passive or closed (SPEC §3.7; ``Plan.CLOSE_REASONS``).
CLOSE_REASON = {
    "goals_reached": _l("The goals are reached"),
    "no_longer_needed": _l("The log is no longer needed"),
    "individual_plan": _l("The child moves to an Individual plan"),
    "consent_withdrawn": _l("The consent was withdrawn"),
}


def close_reason_label(code):
    return CLOSE_REASON.get(code, code)


def status_label(code):
    return STATUS.get(code, code)


def step_state_label(code):
    return STEP_STATE.get(code, code)


def role_label(code):
    return ROLE.get(code, code)


def format_date(value):
    if not value:
        return ""
    return _format_date(value, str(get_locale()))


@functools.lru_cache(maxsize=4096)
def _format_date(value, locale):
    """A date in words, once per date and language (a leader's list shows a hundred; Babel's
    formatting was a tenth of that page's time in the profile)."""
    return babel_format_date(value, "d. MMMM y")


def format_datetime(value):
    """A UTC time from the database, in Norwegian time (BABEL_DEFAULT_TIMEZONE)."""
    return babel_format_datetime(value, "d. MMMM y 'kl.' HH:mm") if value else ""


MEETING_KIND = {
    "startup": _l("Start-up meeting"),
    "evaluation": _l("Evaluation meeting"),
    "startup_level2": _l("Start-up meeting, BTI level 2"),
    "startup_level3": _l("Start-up meeting, BTI level 3"),
}


def meeting_kind_label(code):
    return MEETING_KIND.get(code, code)


def meeting_title(meeting):
    """``Evaluation meeting – BTI level 1``; a start-up meeting on level 2 or 3 already names
    its level (``Start-up meeting, BTI level 3``), so it is not named twice."""
    from webapp.minutes.templates_text import KIND_LEVEL

    label = meeting_kind_label(meeting.kind)
    if meeting.kind in KIND_LEVEL:
        return label
    return f"{label} – {_l('BTI level %(level)s', level=meeting.bti_level)}"


def current_locale():
    return str(get_locale() or "nn")


def paragraphs(text):
    """The non-blank lines of a text the user wrote, each shown as a paragraph (the
    ``paragraphs`` filter: ``{% for paragraph in message.body|paragraphs %}``)."""
    return [line for line in (text or "").split("\n") if line.strip()]


def register(app):
    app.jinja_env.filters["paragraphs"] = paragraphs
    app.jinja_env.globals.update(
        status_label=status_label,
        step_state_label=step_state_label,
        role_label=role_label,
        close_reason_label=close_reason_label,
        format_date=format_date,
        format_datetime=format_datetime,
        meeting_kind_label=meeting_kind_label,
        meeting_title=meeting_title,
        current_locale=current_locale,
    )
