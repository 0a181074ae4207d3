"""Which units' plans a leader oversees (``policy.administered_unit_ids``): a unit
administrator their unit, a group administrator every unit of the group, the municipality's
administrator every unit of their municipality and none of another's."""

from tests import factories
from webapp import policy
from webapp.models import Membership


def test_each_kind_of_administrator_oversees_their_own_units_only(app, world):
    chief = factories.employee("Mona Kommune", "mona@test.example", world.town)
    Membership.create(person=chief, role=Membership.MUNICIPALITY_ADMIN)
    town_units = {world.unit.id, world.other_unit.id, world.ppt.id}
    cases = {
        world.leader: {world.unit.id},
        world.group_admin: {world.unit.id, world.other_unit.id},
        chief: town_units,
        world.coordinator: set(),
        world.employee: set(),
        world.foreign_coordinator: set(),
    }
    for person, expected in cases.items():
        with app.app_context(), app.test_request_context():
            assert policy.administered_unit_ids(person) == expected, person.name
    assert world.foreign_unit.id not in town_units
