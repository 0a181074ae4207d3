"""Reports (SPEC §3.9, issue 11 item 8): the figures on a known data set, small counts hidden
outside the unit's own report, another municipality's administrator sees nothing, the CSV, the
year selector's bad input, and a constant number of queries with 10 and 2,000 plans."""

import csv
import importlib
import io
import random
import re
from datetime import datetime, timedelta

import pytest

from tests import factories
from tests.conftest import tr
from tests.querycount import counting, queries_for
from webapp.db import database
from webapp.identity import make_synthetic
from webapp.levels import start_stay, sync_level
from webapp.models import LevelStay, Membership, Plan, TimelineEvent, oslo_today, utcnow
from webapp.reports.figures import (
    LEVELS,
    _days,
    _stamp,
    days_on_levels,
    figures_for,
    year_bounds,
)
from webapp.reports.routes import csv_text

THIS_YEAR = oslo_today().year


def T(msgid, **params):  # noqa: N802 - what the CSV holds (nynorsk, not HTML-escaped)
    return tr(msgid, html=False, **params)


LAST_YEAR = THIS_YEAR - 1


def plan(world, unit=None, status=Plan.ACTIVE, level=1, created=None, closed=None,
         evaluation=None, entry=True, name="Test Barn"):
    """A plan row as the reports read it; ``entry``: a timeline entry now (not a quiet log)."""
    made = Plan.create(
        municipality=(unit or world.unit).municipality, unit=unit or world.unit,
        owner_name=name, owner_national_id=make_synthetic(datetime(2019, 6, 1).date()),
        owner_birth_date=datetime(2019, 6, 1).date(), created_by=world.coordinator,
        status=status, bti_level=level, created_at=created or utcnow() - timedelta(days=100),
        closed_at=closed, next_evaluation=evaluation,
    )
    if entry:
        event(made, "goal_added", utcnow())
    return made


def event(plan_, kind, at, detail=""):
    """An event on the plan's timeline at ``at`` (in the past), with the plan's newest event
    kept as ``audit.add_event`` keeps it."""
    TimelineEvent.create(plan=plan_, kind=kind, detail=detail, at=at)
    Plan.note_last_events([plan_.id])


def level_change(plan_, level, at):
    event(plan_, "level_changed", at, f"level_{level}")


def stays_from_timeline():
    """The plans' stays on each level made from their timelines, as migration 017 makes those of
    the plans that were there before it (the data sets here write timeline events only)."""
    LevelStay.delete().execute()
    importlib.import_module("webapp.migrations.017_level_stays").backfill(database)


def chief_of(town, email="mona@test.example"):
    """The municipality's administrator."""
    chief = factories.employee("Mona Kommune", email, town)
    Membership.create(person=chief, role=Membership.MUNICIPALITY_ADMIN)
    return chief


def known_set(world):
    """Eple barnehage: 7 active plans (5 on level 1, 2 on level 2; one overdue, one quiet),
    one each waiting for consent, passive, closed last year, archived (closed last year) and
    deleted; 3 of them created last year."""
    begin, _end = year_bounds(LAST_YEAR)
    in_last_year = begin + timedelta(days=100)
    today = oslo_today()
    for n in range(5):
        plan(world, level=1, created=in_last_year if n == 0 else None,
             evaluation=today - timedelta(days=3) if n == 0 else today + timedelta(days=30))
    plan(world, level=2)
    plan(world, level=2, created=utcnow() - timedelta(weeks=10), entry=False)  # quiet
    plan(world, status=Plan.DRAFT)
    plan(world, status=Plan.PASSIVE, created=in_last_year)
    plan(world, status=Plan.CLOSED, closed=in_last_year + timedelta(days=5))
    plan(world, status=Plan.ARCHIVED, created=in_last_year,
         closed=in_last_year + timedelta(days=9))
    plan(world, status=Plan.DELETED, name="")


def test_the_figures_of_a_known_data_set(app, world):
    known_set(world)
    with app.app_context():
        figures = figures_for([world.unit.id], LAST_YEAR, 6)
    total = figures.total
    assert total.by_status == {"draft": 1, "active": 7, "passive": 1, "closed": 1,
                               "archived": 1, "deleted": 1}
    assert total.by_level == {1: 5, 2: 2, 3: 0}
    assert (total.new, total.closed) == (3, 2)
    assert total.overdue == 1
    assert total.quiet == 1
    with app.app_context():
        this_year = figures_for([world.unit.id], THIS_YEAR, 6)
    assert (this_year.total.new, this_year.total.closed) == (9, 0)  # the deleted one has none


def test_quiet_log_weeks_is_a_setting(app, world, client, login_as, config):
    plan(world, created=utcnow() - timedelta(weeks=10), entry=False)
    event(plan(world, created=utcnow() - timedelta(weeks=10), entry=False), "goal_added",
          utcnow() - timedelta(weeks=4))
    with app.app_context():
        assert figures_for([world.unit.id], THIS_YEAR, 6).total.quiet == 1
        assert figures_for([world.unit.id], THIS_YEAR, 3).total.quiet == 2
    config(QUIET_LOG_WEEKS=3)
    login_as(world.leader)
    rows = _csv_rows(client.get(f"/reports/units/{world.unit.id}/csv"))
    assert [T("Quiet logs"), "2"] in [row[1::2] for row in rows]


def test_average_days_on_each_level_from_the_timeline(app, world):
    """A plan created on level 1 goes to 2 after 10 days and to 3 after 30 more, closed 10 days
    later; a plan with no level change has been on its level (2) for its 20 days; a plan from
    the year before, still open, counts only the part inside the year."""
    begin, end = year_bounds(LAST_YEAR)
    start = begin + timedelta(days=40)
    moving = plan(world, level=3, status=Plan.CLOSED, created=start,
                  closed=start + timedelta(days=50))
    level_change(moving, 2, start + timedelta(days=10))
    level_change(moving, 3, start + timedelta(days=40))
    plan(world, level=2, status=Plan.CLOSED, created=start, closed=start + timedelta(days=20))
    stays_from_timeline()
    with app.app_context():
        days = figures_for([world.unit.id], LAST_YEAR, 6).level_days
    assert {level: (round(avg, 3), n) for level, (avg, n) in days.items()} == {
        1: (10.0, 1), 2: (25.0, 2), 3: (10.0, 1)}
    # Across the year's end: the stay from 10 days before the year counts from its start.
    plan(world, unit=world.other_unit, level=1, status=Plan.CLOSED,
         created=begin - timedelta(days=10), closed=begin + timedelta(days=7))
    stays_from_timeline()
    with app.app_context():
        clipped = figures_for([world.other_unit.id], LAST_YEAR, 6).level_days
    assert round(clipped[1][0], 3) == 7.0 and clipped[1][1] == 1


def _csv_rows(response):
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def _cells(html):
    """The text of every table cell of the page."""
    return [re.sub(r"\s+", " ", cell).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", html, re.S)]


def test_the_unit_report_shows_exact_counts_and_no_names_of_children(
        app, world, client, login_as):
    known_set(world)
    Plan.update(owner_name="Sindre Synleg").execute()
    login_as(world.leader)
    html = client.get(f"/reports/units/{world.unit.id}?year={LAST_YEAR}").get_data(as_text=True)
    assert "Eple barnehage" in html
    assert "Sindre" not in html and "< 5" not in html and "&lt; 5" not in html
    assert "7" in _cells(html) and "2" in _cells(html)
    # Every chart has a text alternative; every figure is also in a table.
    assert html.count("<svg") == 5 == html.count("<table")
    assert html.count('role="img"') == 5 and html.count("<desc id=") == 5


def test_small_counts_are_hidden_in_the_group_and_municipality_reports(
        app, world, client, login_as):
    for _ in range(3):
        plan(world)  # Eple barnehage: 3 active
    for _ in range(6):
        plan(world, unit=world.other_unit)  # Pære barnehage: 6 active
    chief = chief_of(world.town)
    login_as(world.group_admin)
    group = client.get(f"/reports/groups/{world.group.id}").get_data(as_text=True)
    # The per-unit table hides Eple's 3; the total (9) is shown, so Pære's 6 is withheld too
    # (9 minus 6 would give Eple's 3).
    assert re.search(r"Eple barnehage</th>\s*<td[^>]*>&lt; 5</td>", group)
    assert re.search(r"Pære barnehage</th>\s*<td[^>]*>\*</td>", group)
    assert "9" in _cells(group) and "6" not in _cells(group)
    assert "Eple barnehage: &lt; 5" in group  # the chart's description
    assert "3" not in _cells(group)
    rows = _csv_rows(client.get(f"/reports/groups/{world.group.id}/csv"))
    assert [T("Active plans per unit"), "Eple barnehage", T("Active plans"), "< 5"] in rows
    assert not any(row[-1] in ("1", "2", "3", "4") for row in rows)

    client.post("/logout")
    login_as(chief)
    town = client.get(f"/reports/municipalities/{world.town.id}").get_data(as_text=True)
    assert "Eple" not in town and "Pære" not in town and "Test Barn" not in town
    assert "9" in _cells(town)
    Plan.update(status=Plan.PASSIVE).where(Plan.unit == world.other_unit).execute()
    town = client.get(f"/reports/municipalities/{world.town.id}").get_data(as_text=True)
    assert "&lt; 5" in town and "3" not in _cells(town)
    rows = _csv_rows(client.get(f"/reports/municipalities/{world.town.id}/csv"))
    assert [T("Plans by status"), T("Active"), T("Plans"), "< 5"] in rows
    assert not any("Eple" in cell or "Pære" in cell for row in rows for cell in row)


def test_a_hidden_count_cannot_be_worked_out_from_a_shown_total(app, world, client, login_as):
    """7 active plans, 5 on level 1 and 2 on level 2: level 2 is "< 5", and level 1 is
    withheld, or 7 − 5 would give it; the unit's own report shows all three."""
    for level in (1, 1, 1, 1, 1, 2, 2):
        plan(world, level=level)
    login_as(world.group_admin)
    rows = _csv_rows(client.get(f"/reports/groups/{world.group.id}/csv"))
    levels = {row[1]: row[3] for row in rows if row[0] == T("Active plans by BTI level")}
    assert levels == {T("BTI level %(level)s", level=1): "*",
                      T("BTI level %(level)s", level=2): "< 5",
                      T("BTI level %(level)s", level=3): "0"}
    assert [T("Plans by status"), T("Active"), T("Plans"), "7"] in rows
    html = client.get(f"/reports/groups/{world.group.id}").get_data(as_text=True)
    assert tr("* A number withheld so that a number under 5 cannot be worked out from the "
              "others.") in html
    client.post("/logout")
    login_as(world.leader)
    rows = _csv_rows(client.get(f"/reports/units/{world.unit.id}/csv"))
    assert {row[3] for row in rows if row[0] == T("Active plans by BTI level")} == {
        "5", "2", "0"}


def test_each_administrator_opens_only_their_reports(app, world, client, login_as):
    plan(world)
    chief = chief_of(world.town)
    paths = {
        "unit": f"/reports/units/{world.unit.id}",
        "group": f"/reports/groups/{world.group.id}",
        "town": f"/reports/municipalities/{world.town.id}",
    }
    expected = {
        world.leader: {"unit": 200, "group": 403, "town": 403},
        world.group_admin: {"unit": 403, "group": 200, "town": 403},
        chief: {"unit": 403, "group": 200, "town": 200},
        world.other_leader: {"unit": 403, "group": 403, "town": 403},
    }
    for person, answers in expected.items():
        client.post("/logout")
        login_as(person)
        for key, path in paths.items():
            for url in (path, path + "/csv"):
                assert client.get(url).status_code == answers[key], (person.name, url)
    client.post("/logout")
    login_as(world.coordinator)  # no administrator: no reports at all
    assert client.get("/reports").status_code == 403
    assert client.get(paths["unit"]).status_code == 403


def test_another_municipalitys_administrator_sees_nothing_of_the_first(
        app, world, client, login_as):
    plan(world)
    chief_of(world.town)
    stranger = chief_of(world.foreign_town, "anna@test.example")
    login_as(stranger)
    index = client.get("/reports").get_data(as_text=True)
    assert "Testvik" not in index and "Eple" not in index and "Barnehagane" not in index
    assert "Andrevik" in index
    for path in (f"/reports/units/{world.unit.id}", f"/reports/groups/{world.group.id}",
                 f"/reports/municipalities/{world.town.id}"):
        for url in (path, path + "/csv", path + f"?year={LAST_YEAR}"):
            response = client.get(url)
            assert response.status_code == 404, url
            body = response.get_data(as_text=True)
            assert "Testvik" not in body and "Eple" not in body and "Barnehagane" not in body
    own = client.get(f"/reports/municipalities/{world.foreign_town.id}")
    assert own.status_code == 200 and "Eple" not in own.get_data(as_text=True)


def test_the_csv_is_a_download_of_the_same_figures(app, world, client, login_as):
    known_set(world)
    login_as(world.leader)
    response = client.get(f"/reports/units/{world.unit.id}/csv?year={LAST_YEAR}")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="stafettlogg-unit-{world.unit.id}-{LAST_YEAR}.csv"')
    rows = _csv_rows(response)
    assert rows[0] == [T("Table"), T("Row"), T("Figure"), T("Value")]
    assert [T("Plans by status"), T("Active"), T("Plans"), "7"] in rows
    assert [T("Active plans by BTI level"), T("BTI level %(level)s", level=2), T("Plans"),
            "2"] in rows
    assert [T("New and closed in %(year)s", year=LAST_YEAR), T("Closed"), T("Plans"), "2"] in rows
    assert [T("Overdue evaluations and quiet logs"), T("Overdue evaluations"), T("Plans"),
            "1"] in rows
    page = client.get(f"/reports/units/{world.unit.id}?year={LAST_YEAR}").get_data(as_text=True)
    assert len(rows) - 1 == len(_cells(page))  # one CSV row per figure on the page


def test_csv_cells_never_start_a_formula(app, world, client, login_as):
    for text in ("=HYPERLINK(\"http://x\")", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert csv_text(text).startswith("'")
    assert csv_text("Eple barnehage") == "Eple barnehage" and csv_text(7) == "7"
    world.other_unit.name = "=cmd|' /C calc'!A0"
    world.other_unit.save()
    for _ in range(5):
        plan(world, unit=world.other_unit)
    login_as(world.group_admin)
    rows = _csv_rows(client.get(f"/reports/groups/{world.group.id}/csv"))
    names = [row[1] for row in rows if row[0] == T("Active plans per unit")]
    assert "'=cmd|' /C calc'!A0" in names
    assert not any(cell[:1] in "=+-@" for row in rows for cell in row if cell)


@pytest.mark.parametrize("year", ["abc", "1800", str(THIS_YEAR + 1), "9" * 40, "", "2026.5"])
def test_a_bad_year_is_refused_with_a_message(app, world, client, login_as, year):
    login_as(world.leader)
    response = client.get(f"/reports/units/{world.unit.id}?year={year}")
    assert response.status_code == 400
    assert 'class="error-summary"' in response.get_data(as_text=True)
    assert client.get(f"/reports/units/{world.unit.id}/csv?year={year}").status_code == 200


def test_the_leaders_home_links_to_the_reports(app, world, client, login_as):
    login_as(world.leader)
    assert 'href="/reports"' in client.get("/").get_data(as_text=True)
    client.post("/logout")
    login_as(world.coordinator)
    assert 'href="/reports"' not in client.get("/").get_data(as_text=True)


def _many_plans(world, count):
    """``count`` plans across the two kindergartens, in every status, on every level, with
    level changes on their timelines (one insert per table)."""
    statuses = (Plan.ACTIVE, Plan.ACTIVE, Plan.PASSIVE, Plan.CLOSED, Plan.DRAFT)
    now = utcnow()
    rows = [{
        "municipality": world.town.id,
        "unit": (world.unit if n % 2 else world.other_unit).id,
        "owner_name": f"Barn {n}", "owner_national_id": "x", "owner_birth_date": "2019-06-01",
        "created_by": world.coordinator.id, "status": statuses[n % len(statuses)],
        "bti_level": 1 + n % 3, "created_at": now - timedelta(days=n % 400),
        "closed_at": now if statuses[n % len(statuses)] == Plan.CLOSED else None,
        "next_evaluation": oslo_today() + timedelta(days=n % 60 - 30),
    } for n in range(count)]
    for start in range(0, count, 500):
        Plan.insert_many(rows[start:start + 500]).execute()
    ids = [p.id for p in Plan.select(Plan.id)]
    events = [{"plan": pid, "kind": "level_changed", "detail": f"level_{1 + pid % 3}",
               "at": now - timedelta(days=pid % 50)} for pid in ids if pid % 3]
    for start in range(0, len(events), 500):
        TimelineEvent.insert_many(events[start:start + 500]).execute()
    Plan.note_last_events()
    stays_from_timeline()


def test_a_constant_number_of_queries_with_10_and_2000_plans(app, world, client, login_as):
    chief = chief_of(world.town)
    paths = {
        world.leader: [f"/reports/units/{world.unit.id}", f"/reports/units/{world.unit.id}/csv"],
        world.group_admin: [f"/reports/groups/{world.group.id}",
                            f"/reports/groups/{world.group.id}/csv"],
        chief: [f"/reports/municipalities/{world.town.id}",
                f"/reports/municipalities/{world.town.id}/csv", "/reports"],
    }
    counts = {}
    for size in (10, 2000):
        Plan.delete().execute()
        _many_plans(world, size)
        for person, urls in paths.items():
            client.post("/logout")
            login_as(person)
            for url in urls:
                counts.setdefault(url, []).append(queries_for(client, url))
    assert all(small == large for small, large in counts.values()), counts
    # The figures themselves: two statements whatever the number of plans.
    with app.app_context(), counting() as queries:
        figures_for([world.unit.id, world.other_unit.id], THIS_YEAR, 6)
    assert len(queries) == 2


# --- The stays on each level against the timeline (issue 11, migration 017) -----------------


def _days_from_timeline(unit_ids, begin, end, now):
    """The average days on each level worked out of the timeline with a window query, as the
    report did before the stays (``webapp.reports.figures`` before migration 017): the
    reference the stays are checked against."""
    param = database.param
    units = ", ".join(param for _ in unit_ids)
    days = _days("stay_end", "stay_start")
    # Only placeholders and fixed fragments are put into the text; every value is a parameter.
    sql = f"""
        WITH plans AS (
            SELECT p.id, p.bti_level, p.created_at,
                   COALESCE(p.closed_at, p.archived_at) AS plan_end
            FROM "plan" p
            WHERE p.unit_id IN ({units}) AND p.status <> {param} AND p.created_at < {param}
              AND (p.closed_at IS NULL OR p.closed_at > {param})
              AND (p.archived_at IS NULL OR p.archived_at > {param})
        ),
        starts AS (
            SELECT pl.id AS plan_id,
                   CASE WHEN EXISTS (SELECT 1 FROM timeline_event c
                                     WHERE c.plan_id = pl.id AND c.kind = {param})
                        THEN 1 ELSE pl.bti_level END AS level,
                   pl.created_at AS started, pl.plan_end, 1 AS initial
            FROM plans pl
            UNION ALL
            SELECT pl.id, CAST(SUBSTR(c.detail, 7) AS INTEGER), c.at, pl.plan_end, 0
            FROM plans pl JOIN timeline_event c ON c.plan_id = pl.id AND c.kind = {param}
            WHERE c.detail LIKE {param} ESCAPE '\\'
        ),
        stays AS (
            SELECT plan_id, level, started,
                   COALESCE(LEAD(started) OVER (PARTITION BY plan_id
                                                ORDER BY started, initial DESC),
                            plan_end, {param}) AS ended
            FROM starts
        ),
        clipped AS (
            SELECT plan_id, level,
                   CASE WHEN started < {param} THEN {param} ELSE started END AS stay_start,
                   CASE WHEN ended > {param} THEN {param} ELSE ended END AS stay_end
            FROM stays
        )
        SELECT level, SUM({days}) AS days, COUNT(DISTINCT plan_id) AS plans
        FROM clipped
        WHERE stay_end > stay_start
        GROUP BY level
    """  # noqa: S608
    params = [*unit_ids, Plan.DELETED, _stamp(end), _stamp(begin), _stamp(begin),
              "level_changed", "level_changed", "level\\_%", _stamp(now), _stamp(begin),
              _stamp(begin), _stamp(end), _stamp(end)]
    found = {level: (None, 0) for level in LEVELS}
    for level, total_days, plans in database.execute_sql(sql, params).fetchall():
        if level in found and plans:
            found[level] = (float(total_days) / plans, int(plans))
    return found


def _generated_set(world, rng, count=80):
    """``count`` plans over three years in both kindergartens, in every status (reopened ones
    too), with up to four level changes each (some after closing), or none."""
    first, _ = year_bounds(LAST_YEAR - 1)
    now = utcnow()
    for n in range(count):
        created = first + timedelta(days=rng.uniform(0, 800), seconds=n)
        if created >= now:
            created = now - timedelta(days=rng.uniform(1, 30))
        status = rng.choice([Plan.ACTIVE, Plan.ACTIVE, Plan.PASSIVE, Plan.DRAFT, Plan.CLOSED,
                             Plan.ARCHIVED, Plan.DELETED, "reopened"])
        closed = archived = None
        if status in (Plan.CLOSED, Plan.ARCHIVED, Plan.DELETED):
            closed = min(now, created + timedelta(days=rng.uniform(1, 400)))
        if status in (Plan.ARCHIVED, Plan.DELETED):
            archived = min(now, closed + timedelta(days=rng.uniform(0, 60)))
        changes = [] if status == Plan.DELETED else sorted(
            at for at in (created + timedelta(days=rng.uniform(0, 500), seconds=k)
                          for k in range(rng.choice([0, 0, 1, 2, 3, 4]))) if at < now)
        levels = [rng.randint(1, 3) for _ in changes]
        made = Plan.create(
            municipality=world.town, unit=rng.choice([world.unit, world.other_unit]),
            owner_name=f"Barn {n}", owner_national_id=make_synthetic(datetime(2019, 6, 1).date()),
            owner_birth_date=datetime(2019, 6, 1).date(), created_by=world.coordinator,
            status=Plan.ACTIVE if status == "reopened" else status,
            bti_level=levels[-1] if levels else rng.randint(1, 3), created_at=created,
            closed_at=closed, archived_at=archived)
        for at, level in zip(changes, levels, strict=True):
            level_change(made, level, at)


def test_the_stays_give_the_timelines_average_days_on_a_generated_data_set(app, world):
    _generated_set(world, random.Random(11))
    stays_from_timeline()
    assert LevelStay.select().count() > 80
    now = utcnow()
    with app.app_context():
        for year in (LAST_YEAR - 1, LAST_YEAR, THIS_YEAR):
            begin, end = year_bounds(year)
            for units in ([world.unit.id], [world.other_unit.id],
                          [world.unit.id, world.other_unit.id]):
                args = (units, begin, min(end, now), now)
                stays, timeline = days_on_levels(*args), _days_from_timeline(*args)
                assert {level: n for level, (_avg, n) in stays.items()} == {
                    level: n for level, (_avg, n) in timeline.items()}, (year, units)
                for level, (average, _n) in timeline.items():
                    assert stays[level][0] == pytest.approx(average, abs=1e-6), (year, units)
                assert any(n for _avg, n in stays.values())


def test_a_level_change_starts_a_stay_with_its_timeline_event(app, world):
    """``sync_level`` ends the current stay and starts the next at the event's time, in the
    change's transaction; the report's figure is the timeline's."""
    plan_ = world.plan("valid_consent", provider=world.provider)
    start_stay(plan_.id, 1, plan_.created_at)  # as the wizard does when it makes the plan
    assert sync_level(plan_, world.coordinator.id) is True
    assert sync_level(plan_, world.coordinator.id) is False  # no change, no new stay
    event = TimelineEvent.get((TimelineEvent.plan == plan_.id)
                              & (TimelineEvent.kind == "level_changed"))
    stays = [(s.level, s.started_at, s.ended_at)
             for s in LevelStay.select().where(LevelStay.plan == plan_.id).order_by(LevelStay.id)]
    assert stays == [(1, Plan.get_by_id(plan_.id).created_at, event.at), (2, event.at, None)]
    now = utcnow() + timedelta(days=3)
    begin, _end = year_bounds(THIS_YEAR)
    args = ([world.unit.id], begin, now, now)
    assert days_on_levels(*args) == _days_from_timeline(*args)
    assert days_on_levels(*args)[2][1] == 1
