"""Paging of the long lists (issue 13): "my plans" on the home page (``?mine=``) and the
timeline (``?page=``), plain links that htmx enhances where the list already was; the number of
queries stays the same for a short and a long list."""

import re

from tests.factories import PASSWORD
from tests.querycount import queries_for
from webapp.audit import add_event
from webapp.main.routes import MINE_PER_PAGE
from webapp.models import Participant, Plan, utcnow
from webapp.timeline.routes import PER_PAGE


def _more_plans(plan, holder, count):
    """``count`` more plans like ``plan``, each with ``holder`` as the stafetthaldar."""
    fields = {name: value for name, value in Plan.get_by_id(plan.id).__data__.items()
              if name != "id"}
    rows = [dict(fields, owner_name=f"Paging Barn {n:03d}") for n in range(count)]
    with Plan._meta.database.atomic():
        for start in range(0, count, 100):
            Plan.insert_many(rows[start:start + 100]).execute()
        ids = [p.id for p in Plan.select(Plan.id).where(Plan.owner_name.startswith("Paging"))]
        Participant.insert_many([
            {"plan": pid, "person": holder.id, "role": Participant.STAFETTHALDAR,
             "status": Participant.ACTIVE, "invited_at": utcnow(), "activated_at": utcnow()}
            for pid in ids
        ]).execute()


def _events(client, url):
    """How many events the list shows (htmx's request: the list alone)."""
    return client.get(url, headers={"HX-Request": "true"}).text.count("<li>")


def _owners(html):
    return re.findall(r'href="/plans/\d+">([^<]+)</a>', html)


def test_my_plans_page_with_constant_queries(world, login_as):
    plan = world.plan("valid_consent")
    client = login_as(world.coordinator)
    few = queries_for(client, "/")
    assert 'rel="next"' not in client.get("/").text

    _more_plans(plan, world.coordinator, MINE_PER_PAGE + 10)
    assert queries_for(client, "/") == few
    first = client.get("/").text
    second = client.get("/?mine=2").text
    assert queries_for(client, "/?mine=2") == few
    shown = _owners(first) + _owners(second)
    assert len(_owners(first)) == MINE_PER_PAGE
    assert len(shown) == len(set(shown)) == MINE_PER_PAGE + 11  # every plan once
    assert 'href="/?mine=2" rel="next"' in first
    assert 'href="/" rel="prev"' in second


def test_timeline_pages_with_constant_queries(world, login_as):
    plan = world.plan("valid_consent")
    client = login_as(world.coordinator)
    add_event(plan, "plan_created", world.coordinator.id)
    url = f"/plans/{plan.id}/timeline"
    few = queries_for(client, url)
    before = _events(client, url)
    assert 'rel="next"' not in client.get(url).text

    for _ in range(2 * PER_PAGE + 20):
        add_event(plan, "goal_added", world.coordinator.id)
    assert queries_for(client, url) == few
    assert queries_for(client, url + "?page=3") == few
    first = client.get(url).text
    assert _events(client, url) == PER_PAGE
    assert f'href="{url}?page=2"' in first and f'hx-get="{url}?page=2"' in first
    third = client.get(url + "?page=3").text
    assert _events(client, url + "?page=3") == 20 + before
    assert 'rel="next"' not in third and f'href="{url}?page=2"' in third

    # htmx gets the list only, with its links; the filter is kept in them.
    fragment = client.get(url + "?group=goals&page=2", headers={"HX-Request": "true"}).text
    assert "<html" not in fragment and "group=goals" in fragment



def _row_of(html, owner):
    """The table row of the plan ``owner`` (its cells' text)."""
    row = re.search(rf'<tr>\s*<td><a href="/plans/\d+">{owner}</a>.*?</tr>', html, re.S).group(0)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row))


def test_the_home_lists_name_each_plans_stafetthaldar(app, world, login_as):
    """Read with the page of plans in one query: the name of each plan's own stafetthaldar,
    "–" where there is none, in the person's own list and in the leader's."""
    world.plan("valid_consent", owner_name="Med Haldar")
    world.plan("valid_consent", holder=world.leader, owner_name="Annan Haldar")
    without = world.plan("valid_consent", owner_name="Utan Haldar")
    Participant.delete().where((Participant.plan == without.id)
                               & (Participant.role == Participant.STAFETTHALDAR)).execute()
    mine = login_as(world.coordinator).get("/").text
    assert world.coordinator.name in _row_of(mine, "Med Haldar")
    assert "Annan Haldar" not in mine
    leader = app.test_client()
    assert leader.post("/login", data={"email": world.leader.email,
                                       "password": PASSWORD}).status_code == 302
    led = leader.get("/").text
    assert world.leader.name in _row_of(led, "Annan Haldar")
    assert world.coordinator.name not in _row_of(led, "Annan Haldar")
    assert world.coordinator.name in _row_of(led, "Med Haldar")
    assert _row_of(led, "Utan Haldar").count("–") == 2  # no stafetthaldar, no evaluation date
