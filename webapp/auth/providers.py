"""How a family member (a guardian, or a youth who owns a plan) proves who they are.

Employees log in with e-mail and password (``auth.routes.login``). Family members have no
password: they log in through a *provider*. The views only talk to a provider and to
``log_in``; they never issue codes, look people up or start sessions themselves.

Today there is one provider, ``CodeLoginProvider``: a one-time code sent to the person's e-mail
address or mobile number (``webapp.codes``: single use, 10 minutes, 5 tries).

- ``begin(address)`` queues a code if ``address`` belongs to an active family member (never an
  employee) and remembers, in the Flask session, which address is waiting. It says nothing
  about whether the address is known: the caller shows the same page either way, and what is
  kept in the session is only what the person typed (the session cookie is signed, not
  encrypted, so a person id in it would reveal that the address is known).
- ``complete(code)`` returns the person if the code is right, else ``None``.
- ``log_in(person, method)`` is the one way every provider ends: a fresh server-side session
  (``sessions.start_session``) and the person's invitations activated (SPEC §2).

ID-porten (OpenID Connect) is the other provider: ``webapp.idporten`` (its ``service`` begins and
completes the authorization code flow; its routes end in ``log_in(person, "idporten", ...)``).
When it is configured, the code login is off for family members unless
``IDPORTEN_CODE_LOGIN_FALLBACK`` keeps it.
"""

import functools

from flask import session

from webapp import codes
from webapp.audit import add_event
from webapp.db import database
from webapp.deferred import after_response
from webapp.levels import EMPLOYEE_ROLES, sync_level
from webapp.models import Participant, Person, Plan, utcnow
from webapp.sessions import start_session

PENDING_KEY = "code_login"


def activate_invitations(person):
    """A participant becomes active on first login (SPEC §2), on each plan's timeline."""
    invited = list(
        Participant.select(Participant.id, Participant.plan, Participant.role)
        .where((Participant.person == person) & (Participant.status == Participant.INVITED))
    )
    if not invited:
        return
    (
        Participant.update(status=Participant.ACTIVE, activated_at=utcnow())
        .where(Participant.id.in_([p.id for p in invited]))
        .execute()
    )
    for participant in invited:
        add_event(participant.plan_id, "participant_activated", person.id, participant.role)
    # A service's employee taking part for the first time can raise the level (webapp.levels).
    employees = {p.plan_id for p in invited if p.role in EMPLOYEE_ROLES}
    for plan in Plan.select(Plan.id, Plan.unit).where(Plan.id.in_(list(employees or [0]))):
        sync_level(plan, person.id)


def log_in(person, method, **authentication):
    """Log ``person`` in after a provider has proved who they are: every provider ends here.
    ``authentication``: what an ID-porten login records (webapp/idporten)."""
    start_session(person, method=method, **authentication)
    activate_invitations(person)


def normalise_address(raw):
    """``("email", address)`` or ``("sms", +47 number)`` for what a person typed, else ``None``."""
    from webapp.fields import normalise_mobile

    raw = (raw or "").strip()
    if "@" in raw:
        return "email", raw.lower()
    mobile = normalise_mobile(raw)
    return ("sms", mobile) if mobile else None


def family_member_for(channel, address):
    """The active non-employee person with this e-mail address or mobile number, or ``None``.

    Employees log in with their password and never by code. Should two family members share an
    address, the one registered first gets the code (deterministic, one person per address)."""
    field = Person.email if channel == "email" else Person.mobile
    return (
        Person.select()
        .where((field == address) & ~Person.is_employee & Person.active)
        .order_by(Person.id)
        .first()
    )


def _issue_login_code(channel, address):
    person = family_member_for(channel, address)
    if person is not None:
        with database.atomic():
            codes.issue(person, codes.LOGIN, channel)


class CodeLoginProvider:
    """Log in with a one-time code sent to the person's e-mail or mobile."""

    method = "code"

    def begin(self, raw_address, next_url=None):
        """Queue a login code to ``raw_address`` if it belongs to an active family member.

        Returns ``None`` in every case: the caller must answer the same whether or not the
        address is known, and as fast: the address is looked up and the code queued only after
        the response has been sent (``webapp.deferred``), so its time does not tell."""
        normalised = normalise_address(raw_address)
        session.pop(PENDING_KEY, None)
        if normalised is None:
            return
        channel, address = normalised
        session[PENDING_KEY] = {"channel": channel, "address": address, "next": next_url}
        after_response(functools.partial(_issue_login_code, channel, address))

    def pending(self):
        """What ``begin`` remembered (``{"channel", "address", "next"}``), or ``None``."""
        return session.get(PENDING_KEY)

    def complete(self, code):
        """The person whose code this is, or ``None`` (wrong, used, expired, too many tries)."""
        pending = self.pending()
        if not pending:
            return None
        person = family_member_for(pending["channel"], pending["address"])
        if person is None or not codes.verify(person, codes.LOGIN, code):
            return None
        return person


code_login = CodeLoginProvider()
