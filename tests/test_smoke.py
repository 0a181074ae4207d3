"""The walking skeleton: login, start page, logout."""

from webapp.models import AuthSession


def test_login_page_renders_in_nynorsk_by_default(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert 'lang="nn"' in response.text


def test_employee_logs_in_sees_my_plans_and_logs_out(client, world, login_as):
    login_as(world.coordinator)
    assert client.get("/").status_code == 200
    assert AuthSession.select().count() == 1
    client.post("/logout")
    assert AuthSession.select().count() == 0
    assert client.get("/").status_code == 302


def test_two_clients_in_one_test_are_two_people(app, world, login_as):
    """Each request gets its own ``g``: a second client is not the first client's person."""
    first = login_as(world.coordinator)
    second = app.test_client()
    assert second.get("/").status_code == 302  # not logged in
    assert first.get("/").status_code == 200
