"""The demo municipality (`flask demo-data`, loaded by `make run`): fictional, complete, and
loadable twice."""

from webapp import identity
from webapp.demo import DEMO_PASSWORD, load_demo
from webapp.models import Goal, Message, Person, Plan


def test_demo_has_plans_in_every_state_and_only_fictional_people(app, client):
    logins = load_demo()
    assert load_demo() == logins  # a second run changes nothing
    assert Plan.select().count() == 7
    assert {plan.status for plan in Plan.select()} == set(Plan.STATUSES)
    for plan in Plan.select():
        # Synthetic test numbers only (month + 80): refused where synthetic numbers are not.
        identity.parse(plan.owner_national_id, allow_synthetic=True)
        assert int(plan.owner_national_id[2:4]) > 80
    assert all(p.email.endswith(".example") for p in Person.select() if p.email)
    assert Goal.select().count() >= 1 and Message.select().count() >= 1

    for _role, email in logins:
        person = Person.get(Person.email == email)
        if person.is_employee:
            response = client.post("/login", data={"email": email, "password": DEMO_PASSWORD})
            assert response.status_code == 302, email
            assert client.get("/").status_code == 200
            client.post("/logout")
