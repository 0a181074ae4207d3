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


def test_every_page_names_its_icon_and_favicon_ico_is_served(client):
    """No 404 in the browser's console for the icon (issue 8 item 14): pages link the SVG
    icon, and /favicon.ico answers anyone with an icon too."""
    import re

    page = client.get("/login").text
    link = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', page)
    assert link, "no icon link in the page head"
    svg = client.get(link.group(1))
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    assert svg.data.startswith(b"<svg")
    ico = client.get("/favicon.ico")
    assert ico.status_code == 200
    assert ico.mimetype in ("image/vnd.microsoft.icon", "image/x-icon")
    assert ico.data[:4] == b"\x00\x00\x01\x00"  # an ICO file's header
