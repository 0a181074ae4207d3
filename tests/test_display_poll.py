"""The display's unchanged poll (issue 13): answered from one small fingerprint query, nothing
rendered, the same cost with 2 goals or 60; and every change the screen shows changes the
fingerprint (a goal added, edited, moved, reached; an activity; a responsible person's name; the
blank switch)."""

import re

from tests.conftest import start_minutes
from tests.querycount import counting
from webapp.models import Activity, Goal, Meeting, Participant, Person


def _seen(client, url):
    page = client.get(url + "/content", headers={"HX-Request": "true"})
    return re.search(r'id="display-seen" name="seen" value="([0-9a-f]+)"', page.text).group(1)


def _unchanged(client, url, seen):
    with counting() as queries:
        response = client.get(url + "/content", query_string={"seen": seen},
                              headers={"HX-Request": "true"})
    return response.text == "", queries


def test_an_unchanged_poll_costs_the_same_whatever_the_plan_holds(world, login_as):
    plan = world.plan("valid_consent")
    client = login_as(world.coordinator)
    minutes = start_minutes(client, plan)
    url = f"/plans/{plan.id}/meetings/{minutes.meeting_id}/display"
    holder = Participant.get((Participant.plan == plan) & (Participant.person == world.coordinator))
    for n in range(2):
        goal = Goal.create(plan=plan, title=f"Mål {n}", created_by=world.coordinator)
        Activity.create(goal=goal, title="Lesekvart", responsible=holder)
    seen = _seen(client, url)
    empty, few = _unchanged(client, url, seen)
    assert empty
    for n in range(60):
        goal = Goal.create(plan=plan, title=f"Mål {n}", created_by=world.coordinator)
        Activity.create(goal=goal, title="Lesekvart", responsible=holder)
    seen = _seen(client, url)
    empty, many = _unchanged(client, url, seen)
    assert empty and len(many) == len(few)
    # Nothing of the content is read: no goal, activity or minutes row is selected whole.
    assert not any('"body"' in sql for sql in many)


def test_every_change_on_screen_changes_the_fingerprint(world, login_as):
    plan = world.plan("valid_consent")
    client = login_as(world.coordinator)
    minutes = start_minutes(client, plan)
    url = f"/plans/{plan.id}/meetings/{minutes.meeting_id}/display"
    holder = Participant.get((Participant.plan == plan) & (Participant.person == world.coordinator))
    first = Goal.create(plan=plan, title="Mål A", created_by=world.coordinator, position=1)
    second = Goal.create(plan=plan, title="Mål B", created_by=world.coordinator, position=2)
    activity = Activity.create(goal=first, title="Lesekvart", responsible=holder)
    changes = [
        lambda: Goal.create(plan=plan, title="Mål C", created_by=world.coordinator),
        lambda: Goal.update(title="Mål A2", version=Goal.version + 1).where(
            Goal.id == first.id).execute(),
        lambda: (Goal.update(position=2).where(Goal.id == first.id).execute(),
                 Goal.update(position=1).where(Goal.id == second.id).execute()),
        lambda: Goal.update(reached=True).where(Goal.id == second.id).execute(),
        lambda: Activity.create(goal=second, title="Lesegruppe", responsible=holder),
        lambda: Activity.update(title="Lesestund", version=Activity.version + 1).where(
            Activity.id == activity.id).execute(),
        lambda: Person.update(name="Kari Koordinator-Lie").where(
            Person.id == world.coordinator.id).execute(),
        lambda: Activity.delete().where(Activity.id == activity.id).execute(),
        lambda: Meeting.update(display_blank=True).where(
            Meeting.id == minutes.meeting_id).execute(),
    ]
    seen = _seen(client, url)
    for number, change in enumerate(changes):
        change()
        response = client.get(url + "/content", query_string={"seen": seen},
                              headers={"HX-Request": "true"})
        assert response.text != "", f"change {number} was not shown"
        seen = _seen(client, url)
