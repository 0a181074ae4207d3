"""Employee login and the server-side session (issue 2 item 5, TECH.md): one generic error for
a wrong password and an unknown address, rate limiting, sessions that end on the very next
request after logout, deactivation, idleness or age, secure headers, and the language kept per
user."""

import re
from datetime import timedelta

from tests import factories
from tests.conftest import tr
from webapp.models import AuthSession, Person, utcnow

COOKIE = "stafettlogg"
WRONG = "The e-mail address or password is wrong."


def _login(client, email, password=factories.PASSWORD):
    return client.post("/login", data={"email": email, "password": password})


def _is_login_redirect(response):
    return response.status_code == 302 and "/login" in response.headers["Location"]


def _neutral(html, email):
    return re.sub(r"[\w-]{20,}\.[\w-]+\.[\w-]+", "TOKEN", html.replace(email, "@"))


def test_wrong_password_and_unknown_address_get_the_same_generic_message(client, world):
    wrong_password = _login(client, world.coordinator.email, "not the password")
    unknown = _login(client, "nobody@test.example")
    for response in (wrong_password, unknown):
        assert response.status_code == 422
        assert tr(WRONG) in response.text
    # Nothing else on the page tells the two apart (the typed address and CSRF token aside).
    assert _neutral(wrong_password.text, world.coordinator.email) == _neutral(
        unknown.text, "nobody@test.example")
    assert AuthSession.select().count() == 0


def test_family_members_and_deactivated_employees_get_the_same_message(client, world):
    guardian = factories.family_member("Gunn Føresett", "gunn@test.example")
    Person.update(password_hash=world.coordinator.password_hash).where(
        Person.id == guardian.id).execute()
    Person.update(active=False).where(Person.id == world.employee.id).execute()
    for email in (guardian.email, world.employee.email):
        response = _login(client, email)
        assert response.status_code == 422, email
        assert tr(WRONG) in response.text
    assert AuthSession.select().count() == 0


def test_the_address_is_matched_without_case(client, world):
    response = _login(client, "KARI@Test.Example")
    assert response.status_code == 302


def test_login_attempts_are_rate_limited(app, client, world):
    limit = int(app.config["LOGIN_RATE_LIMIT"].split()[0])
    for _ in range(limit):
        assert _login(client, world.coordinator.email, "wrong").status_code == 422
    assert _login(client, world.coordinator.email, "wrong").status_code == 429
    # Also the right password, from the same client, until the window has passed.
    assert _login(client, world.coordinator.email).status_code == 429


def test_logout_revokes_the_server_session(app, client, world, login_as):
    login_as(world.coordinator)
    cookie = client.get_cookie(COOKIE).value
    assert client.get("/").status_code == 200
    assert client.post("/logout").status_code == 302
    assert AuthSession.select().count() == 0
    # The old cookie, replayed at once by someone who kept it, no longer logs anyone in.
    thief = app.test_client()
    thief.set_cookie(COOKIE, cookie)
    assert _is_login_redirect(thief.get("/"))


def test_a_deactivated_person_is_logged_out_on_the_next_request(client, world, login_as):
    login_as(world.coordinator)
    assert client.get("/").status_code == 200
    Person.update(active=False).where(Person.id == world.coordinator.id).execute()
    assert _is_login_redirect(client.get("/"))
    assert AuthSession.select().count() == 0


def test_a_deactivated_family_member_is_logged_out_too(app, world):
    from tests.conftest import sign_in

    guardian = factories.family_member("Gunn Føresett", "gunn@test.example")
    client = sign_in(app.test_client(), guardian)
    assert client.get("/").status_code == 200
    Person.update(active=False).where(Person.id == guardian.id).execute()
    assert _is_login_redirect(client.get("/"))


def test_an_idle_session_ends(app, client, world, login_as):
    login_as(world.coordinator)
    idle = app.config["SESSION_IDLE_MINUTES"]
    AuthSession.update(last_seen_at=utcnow() - timedelta(minutes=idle - 1)).execute()
    assert client.get("/").status_code == 200  # still within the idle time: seen again now
    assert utcnow() - AuthSession.get().last_seen_at < timedelta(minutes=1)
    AuthSession.update(last_seen_at=utcnow() - timedelta(minutes=idle + 1)).execute()
    assert _is_login_redirect(client.get("/"))
    assert AuthSession.select().count() == 0


def test_a_session_ends_after_its_absolute_lifetime_however_busy(app, client, world, login_as):
    login_as(world.coordinator)
    hours = app.config["SESSION_ABSOLUTE_HOURS"]
    AuthSession.update(created_at=utcnow() - timedelta(hours=hours) + timedelta(minutes=5),
                       last_seen_at=utcnow()).execute()
    assert client.get("/").status_code == 200
    AuthSession.update(created_at=utcnow() - timedelta(hours=hours, minutes=1),
                       last_seen_at=utcnow()).execute()
    assert _is_login_redirect(client.get("/"))


def test_each_login_gets_a_new_session(app, world, login_as, client):
    login_as(world.coordinator)
    first = client.get_cookie(COOKIE).value
    other = app.test_client()
    assert _login(other, world.coordinator.email).status_code == 302
    assert other.get_cookie(COOKIE).value != first
    assert AuthSession.select().count() == 2
    client.post("/logout")  # ends this session only
    assert other.get("/").status_code == 200


def test_the_next_page_after_login_stays_on_this_site(client, world):
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = client.post("/login?next=" + target,
                               data={"email": world.coordinator.email,
                                     "password": factories.PASSWORD})
        assert response.status_code == 302
        assert "evil.example" not in response.headers["Location"], target
        client.post("/logout")
    response = _login(client, world.coordinator.email)
    client.post("/logout")
    response = client.post("/login?next=/meetings", data={"email": world.coordinator.email,
                                                          "password": factories.PASSWORD})
    assert response.headers["Location"].endswith("/meetings")


def _csp(response):
    return dict(
        (part.split()[0], part.split()[1:])
        for part in response.headers["Content-Security-Policy"].split(";") if part.strip()
    )


def test_secure_headers_on_pages(client, world, login_as):
    pages = [client.get("/login")]
    login_as(world.coordinator)
    pages.append(client.get("/"))
    for response in pages:
        assert response.status_code == 200
        csp = _csp(response)
        header = response.headers["Content-Security-Policy"]
        assert "unsafe-inline" not in header and "unsafe-eval" not in header
        assert csp["script-src"] == ["'self'"]
        assert csp["style-src"] == ["'self'"]
        assert csp["frame-ancestors"] == ["'none'"]
        assert csp["object-src"] == ["'none'"]
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "no-store" in response.headers["Cache-Control"]
        # The strict CSP holds only if the page has no inline script, handler or style.
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", response.text)
        assert not re.search(r"\son[a-z]+\s*=", response.text)
        assert not re.search(r"\sstyle\s*=", response.text)
        assert "<style" not in response.text


def test_the_session_cookie_is_http_only_and_same_site(client, world):
    response = _login(client, world.coordinator.email)
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith(COOKIE))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_static_files_may_be_cached(client):
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
    response.close()


def test_the_language_is_remembered_for_the_user(app, client, world, login_as):
    login_as(world.coordinator)
    assert 'lang="nn"' in client.get("/").text
    assert client.post("/language", data={"language": "nb", "next": "/"}).status_code == 302
    assert 'lang="nb"' in client.get("/").text
    assert Person.get_by_id(world.coordinator.id).language == "nb"
    client.post("/logout")
    # Another browser, another day: the saved language is used as soon as they log in.
    elsewhere = app.test_client()
    assert 'lang="nn"' in elsewhere.get("/login").text
    assert _login(elsewhere, world.coordinator.email).status_code == 302
    assert 'lang="nb"' in elsewhere.get("/").text


def test_the_language_chosen_before_login_is_kept_through_it(client, world):
    client.post("/language", data={"language": "nb"})
    assert 'lang="nb"' in client.get("/login").text
    assert _login(client, world.coordinator.email).status_code == 302
    assert 'lang="nb"' in client.get("/").text


def test_an_unknown_language_changes_nothing(client, world, login_as):
    login_as(world.coordinator)
    client.post("/language", data={"language": "sv"})
    assert 'lang="nn"' in client.get("/").text
    assert Person.get_by_id(world.coordinator.id).language is None
