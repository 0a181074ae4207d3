"""Hostile input on every route (issue 13 item 6), generated with hypothesis: for every POST
route and for several roles, form fields (those the route's own page shows, and others) filled
with long, empty, unicode, control-character, markup, SQL, wrong-type, huge and foreign values;
for every GET route, its path and query parameters. Never a 500; a refused request (4xx)
writes no row; markup sent in never comes back unescaped.

It runs on the demo municipality (plans in every state), on SQLite and on PostgreSQL like the
rest of the suite. The number of examples per route is small and fixed (``derandomize``), so
the suite stays fast and a failure is reproduced by the next run; set ``FUZZ_EXAMPLES`` for a
longer search (e.g. ``FUZZ_EXAMPLES=200 pytest tests/test_fuzz.py``).
"""

import os
import re
from urllib.parse import quote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import sign_in
from webapp.db import database
from webapp.demo import load_demo
from webapp.models import (
    Activity,
    Consent,
    Goal,
    Meeting,
    Message,
    Participant,
    Plan,
    Signature,
    Transfer,
)

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "4"))
MARKUP = '<b id="fuzz">x</b><script>alert(1)</script>'
NASTY = [
    "", " ", "\t\n", "0", "-1", "1.5", "99999999999999999999999", "-9223372036854775809",
    "1e309", "NaN", "true", "None", "null", "[]", "{}", "%s%n", "../../etc/passwd",
    "' OR 1=1 --", "'); DROP TABLE plan; --", "\\", "\x00", "\x1b[31m", "\u202eevil",
    "\ud7ff\ue000\U0010ffff", "🙂" * 300, "a" * 20000, "2026-02-30", "0001-01-01",
    "9999-12-31", "31.12.2026", "12:61", "25:00", "2026-01-01T00:00", MARKUP,
]
VALUES = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=40),  # any code point but surrogates: control characters included
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)
EXTRA_FIELDS = ["id", "plan_id", "person_id", "version", "csrf_token", "next", "role", "unit",
                "status", "kind", "page", "language"]
QUERY_KEYS = ["page", "kind", "sort", "order", "status", "level", "unit", "year", "next", "q",
              "language", "since", "filter"]
# Rows that a refused request may still write: the audit trail of content reads (a refused
# form shows the page again), sign-ins made by this test, rate-limit and notification state.
MAY_GROW = {"audit_record", "audit_chain", "auth_session", "notification_throttle", "plan_visit"}
FIELD_NAME = re.compile(r'<(?:input|select|textarea)\b[^>]*\bname="([^"]+)"')


def _objects():
    """One object of every kind a URL names, all in one demo plan with content."""
    plan = (Plan.select().join(Goal).switch(Plan).join(Meeting)
            .where(Plan.status == Plan.ACTIVE).group_by(Plan.id).first())
    goal = Goal.select().join(Activity).where(Goal.plan == plan).first()
    consent = Consent.select().where(Consent.plan == plan).order_by(Consent.version.desc()).get()
    guardian = Participant.get((Participant.plan == plan)
                               & (Participant.role == Participant.GUARDIAN))
    return {
        "plan_id": plan.id,
        "goal_id": goal.id,
        "activity_id": Activity.select().where(Activity.goal == goal).first().id,
        "meeting_id": Meeting.select().where(Meeting.plan == plan).first().id,
        "message_id": Message.select().where(Message.plan == plan).first().id,
        "consent_id": consent.id,
        "signature_id": Signature.select().where(Signature.consent == consent).first().id,
        "person_id": guardian.person_id,
        "participant_id": guardian.id,
        "transfer_id": Transfer.select().first().id,
    }, plan


# The stafetthaldar twice: they reach most forms, where hostile input is checked most deeply.
ROLES = ["stafetthaldar", "stafetthaldar", "guardian", "provider", "anonymous"]


def _people(plan):
    def of(role):
        row = Participant.get_or_none((Participant.plan == plan) & (Participant.role == role))
        return row.person if row else None

    return {"anonymous": None, "stafetthaldar": of(Participant.STAFETTHALDAR),
            "guardian": of(Participant.GUARDIAN), "provider": of(Participant.SERVICE_PROVIDER)}


def _counts():
    """The number of rows in every table but ``MAY_GROW``, in one query."""
    tables = sorted(set(database.get_tables()) - MAY_GROW)
    sql = "SELECT " + ", ".join(f'(SELECT COUNT(*) FROM "{name}")' for name in tables)
    return dict(zip(tables, database.execute_sql(sql).fetchone(), strict=True))


def _path(rule, objects, draw):
    """The rule's URL, each parameter the real object's id or a hostile value."""
    def segment(match):
        name = match.group(1)
        if name in objects and draw(st.integers(0, 3)):  # mostly the real object
            return str(objects[name])
        return quote(draw(VALUES), safe="") or "0"

    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", segment, rule.rule)


def _client(app, person):
    client = app.test_client()
    if person is not None:
        sign_in(client, person)
    return client


def _check(response, sent):
    assert response.status_code < 500, (response.status_code, response.request.path)
    if any(MARKUP in value for value in sent):
        assert '<b id="fuzz">' not in response.get_data(as_text=True)


def _routes(app, method):
    return sorted(
        (rule for rule in app.url_map.iter_rules()
         if method in rule.methods and rule.endpoint != "static"),
        key=lambda rule: rule.rule,
    )


FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck))


def _post_fuzzer(app, rule, objects, people, fields_of):
    @FUZZ
    @given(data=st.data())
    def post(data):
        role = data.draw(st.sampled_from(ROLES), label="role")
        client = _client(app, people[role])
        path = _path(rule, objects, data.draw)
        if path not in fields_of:
            page = client.get(path) if "GET" in rule.methods else None
            found = FIELD_NAME.findall(page.get_data(as_text=True)) if page else []
            fields_of[path] = sorted(set(found) - {"csrf_token"})
        names = fields_of[path] + data.draw(
            st.lists(st.sampled_from(EXTRA_FIELDS), max_size=2), label="extra")
        form = {name: data.draw(VALUES, label=name) for name in names}
        before = _counts()
        response = client.post(path, data=form)
        _check(response, form.values())
        if 400 <= response.status_code < 500:
            assert _counts() == before, (rule.rule, role, response.status_code, form)

    return post


def _get_fuzzer(app, rule, objects, people):
    @FUZZ
    @given(data=st.data())
    def get(data):
        role = data.draw(st.sampled_from(ROLES), label="role")
        query = data.draw(st.dictionaries(st.sampled_from(QUERY_KEYS), VALUES, max_size=3),
                          label="query")
        response = _client(app, people[role]).get(
            _path(rule, objects, data.draw), query_string=query)
        _check(response, query.values())

    return get


def test_no_route_fails_or_writes_on_hostile_input(app):
    """Every GET route (path and query), then every POST route (path and form), on the demo
    (loaded once: the POSTs may change it, the GETs see it as it was)."""
    load_demo()
    objects, plan = _objects()
    people = _people(plan)
    for rule in _routes(app, "GET"):
        _get_fuzzer(app, rule, objects, people)()
    fields_of = {}
    for rule in _routes(app, "POST"):
        _post_fuzzer(app, rule, objects, people, fields_of)()
