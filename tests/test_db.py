"""webapp/db.py: the pooled connections and the prepared queries."""

from datetime import date, timedelta

import pytest

from webapp.db import Prepared, counted, database
from webapp.models import Municipality, Participant, Person

by_name = Prepared(lambda name: Person.select().where(Person.name == name).order_by(Person.id))
names_after = Prepared(lambda first_id, municipality_id: (
    Person.select(Person.name)
    .where((Person.id > first_id) & (Person.municipality == municipality_id))
    .order_by(Person.id).tuples()
))


def _people(*names):
    number = str(9901 + Municipality.select().count())
    town = Municipality.create(name=f"Prøvevik {number}", number=number)
    return town, [Person.create(name=name, email=f"{i}@{number}.test", municipality=town)
                  for i, name in enumerate(names)]


def test_a_prepared_query_runs_with_each_calls_values_and_gives_models():
    _town, (ada, bo, _ada_again) = _people("Ada", "Bo", "Ada")
    found = by_name("Ada")
    assert [p.name for p in found] == ["Ada", "Ada"]
    assert isinstance(found[0], Person) and found[0].id == ada.id
    assert [p.id for p in by_name("Bo")] == [bo.id]
    assert by_name("Nobody") == []


def test_a_prepared_query_keeps_its_fixed_parameters_and_the_order_of_its_values():
    town, (ada, _bo, _cy) = _people("Ada", "Bo", "Cy")
    other, _ = _people("Dag")
    assert names_after(ada.id, town.id) == [("Bo",), ("Cy",)]
    assert names_after(ada.id, other.id) == [("Dag",)]


def test_a_prepared_condition_with_a_date_matches_the_unprepared_one(world):
    """The condition of every plan page's roles query (policy.active_roles) through Prepared
    gives what the query built each time gives, with access ending before, on and after the
    day asked about, and a service provider admitted by consent."""
    roles = Prepared(lambda today: Participant.select(Participant.id)
                     .where(Participant.with_access(today)).order_by(Participant.id).tuples())
    plan = world.plan(provider=world.provider)
    world.plan(state="withdrawn", provider=world.provider)
    rows = list(Participant.select().where(Participant.plan == plan))
    assert len(rows) == 4
    today = date.today()
    for row, until in zip(rows, (today - timedelta(days=1), today, today + timedelta(days=1), None),
                          strict=False):
        Participant.update(access_until=until).where(Participant.id == row.id).execute()
    for day in (today - timedelta(days=2), today, today + timedelta(days=2)):
        built = [p.id for p in Participant.select(Participant.id)
                 .where(Participant.with_access(day)).order_by(Participant.id)]
        assert [i for (i,) in roles(Participant.access_until.db_value(day))] == built


def test_a_prepared_count_and_page_of_a_query_not_bound_to_the_database():
    """``counted`` wraps a query in a SELECT of its own, which knows no database: it is built
    for the one in use all the same (PostgreSQL's placeholders, not SQLite's)."""
    town, _ = _people("Ada", "Bo", "Cy")
    in_town = lambda town_id: Person.select(Person.name).where(  # noqa: E731
        Person.municipality == town_id).order_by(Person.name)
    total = Prepared(lambda town_id: counted(in_town(town_id)))
    page = Prepared(lambda town_id, limit, offset: in_town(town_id).limit(limit).offset(offset)
                    .tuples())
    assert total(town.id) == [(3,)]
    assert page(town.id, 2, 1) == [("Bo",), ("Cy",)]


def test_a_prepared_query_takes_a_list_of_any_length_with_values_around_it():
    """A list value is an IN list built once per length; the values before and after it keep
    their places, and lists of different lengths do not mix."""
    town, people = _people("Ada", "Bo", "Cy", "Dag")
    other, (eli,) = _people("Eli")
    named = Prepared(lambda first_id, ids, town_id: (
        Person.select(Person.name)
        .where((Person.id >= first_id) & Person.id.in_(ids) & (Person.municipality == town_id))
        .order_by(Person.id).tuples()))
    ada, bo, cy, dag = (p.id for p in people)
    assert named(ada, [bo, dag], town.id) == [("Bo",), ("Dag",)]
    assert named(bo, [ada, bo, cy], town.id) == [("Bo",), ("Cy",)]
    assert named(ada, [dag, eli.id], town.id) == [("Dag",)]
    assert named(ada, [eli.id], other.id) == [("Eli",)]
    assert named(ada, (cy,), town.id) == [("Cy",)]


def test_a_prepared_query_refuses_the_wrong_number_of_values():
    with pytest.raises(TypeError):
        by_name("Ada", "Bo")


def test_a_connection_given_back_is_taken_again_without_reopening(app):
    """SQLite and PostgreSQL both pool: a request does not open the database file again."""
    database.close()
    database.connect()
    first = database.connection()
    database.close()
    database.connect()
    assert database.connection() is first
