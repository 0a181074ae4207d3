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
