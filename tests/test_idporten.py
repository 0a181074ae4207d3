"""ID-porten login and signing against the real local OpenID provider (tests/oidc_provider.py):
the app talks to ``oidc-provider`` over HTTP; the test plays the browser at the provider.

Refusals: a too low ``acr``, a wrong nonce and a tampered id_token (the provider's test switch
changes the next id_token), an unknown ``pid``, a replayed authorization code, a state that
does not match, and the provider's ``access_denied`` when the person cancels — each a page in nn
and nb, never a 500."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from tests.conftest import tr
from tests.oidc_provider import CLIENT_ID, HIGH, SUBSTANTIAL, USERS, client_key, path_of
from webapp.consent import service as consent_service
from webapp.idporten import routes as idporten_routes
from webapp.idporten import service
from webapp.models import AuditEntry, AuthSession, Person, Signature, TimelineEvent, utcnow


def _register(person, user="guardian"):
    person.pid_hash = service.pid_hash(USERS[user]["pid"])
    person.save()
    return person


def _text(kind, language="nn"):
    """The refusal's sentence for ``kind`` in ``language``, as the page shows it."""
    return tr(idporten_routes.REASONS[kind]._args[0], language)


def _login(client, provider, user="guardian", acr=HIGH, headers=None):
    """Start at the app, act at the provider, come back: the app's answer to the callback."""
    start = client.get("/login/idporten", headers=headers or {})
    assert start.status_code == 302, start.text
    callback = provider.authorize(start.headers["Location"], user=user, acr=acr)
    return client.get(path_of(callback), headers=headers or {})


def _session_row(person):
    return AuthSession.get(AuthSession.person == person)


def test_login_with_pkce_state_nonce_and_the_level(client, world, idporten):
    plan = world.plan("valid_consent")
    guardian = _register(plan.guardians[0])
    start = client.get("/login/idporten", headers={"Accept-Language": "nb"})
    query = parse_qs(urlsplit(start.headers["Location"]).query)
    assert start.headers["Location"].startswith(idporten.issuer)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]
    assert query["state"][0] and query["nonce"][0]
    assert query["scope"] == ["openid profile"]
    assert query["acr_values"] == [HIGH] and query["ui_locales"] == ["nb"]
    assert query["redirect_uri"] == [f"{idporten.base}/login/idporten/callback"]
    callback = idporten.authorize(start.headers["Location"])
    response = client.get(path_of(callback))
    assert response.status_code == 302 and response.headers["Location"] == "/"
    row = _session_row(guardian)
    assert (row.method, row.acr, row.amr) == ("idporten", HIGH, "TestID")
    assert row.auth_time is not None and abs(utcnow() - row.auth_time) < timedelta(minutes=2)
    assert row.id_token
    assert client.get(f"/plans/{plan.id}").status_code == 200
    # The number itself is stored nowhere: only the keyed hash.
    assert USERS["guardian"]["pid"] not in str(list(Person.select().tuples()))


def test_login_with_a_client_that_authenticates_by_private_key_jwt(client, world, app,
                                                                   idporten, tmp_path):
    """ID-porten clients may authenticate with a signed JWT instead of a secret
    (``IDPORTEN_PRIVATE_KEY``): the provider knows only the public key. With another key the
    token endpoint refuses the client, and nobody is logged in."""
    guardian = _register(world.plan("valid_consent").guardians[0])
    app.config.update(IDPORTEN_CLIENT_ID=idporten.jwt_client_id, IDPORTEN_CLIENT_SECRET="",
                      IDPORTEN_PRIVATE_KEY=idporten.private_key,
                      IDPORTEN_PRIVATE_KEY_ID=idporten.key_id)
    try:
        assert _login(client, idporten).status_code == 302
        assert _session_row(guardian).method == "idporten"
        client.post("/logout")
        AuthSession.delete().execute()
        other_key, _public = client_key(tmp_path)
        app.config.update(IDPORTEN_PRIVATE_KEY=other_key)
        refused = _login(client, idporten)
        assert refused.status_code >= 400
        assert AuthSession.select().count() == 0
    finally:
        app.config.update(IDPORTEN_CLIENT_ID=CLIENT_ID, IDPORTEN_CLIENT_SECRET=idporten.secret,
                          IDPORTEN_PRIVATE_KEY=None, IDPORTEN_PRIVATE_KEY_ID=None)


def test_ui_locales_follows_nynorsk(client, idporten):
    start = client.get("/login/idporten", headers={"Accept-Language": "nn"})
    assert parse_qs(urlsplit(start.headers["Location"]).query)["ui_locales"] == ["nn"]


@pytest.mark.parametrize("language", ["nn", "nb"])
def test_a_too_low_level_is_refused(client, world, idporten, language):
    _register(world.plan("valid_consent").guardians[0])
    response = _login(client, idporten, acr=SUBSTANTIAL, headers={"Accept-Language": language})
    assert response.status_code == 403
    assert _text("level", language) in response.text
    assert AuthSession.select().count() == 0


def test_substantial_is_enough_where_the_municipality_requires_it(client, world, idporten, app):
    _register(world.plan("valid_consent").guardians[0])
    app.config["IDPORTEN_LEVEL"] = SUBSTANTIAL
    assert _login(client, idporten, acr=SUBSTANTIAL).status_code == 302
    other = app.test_client()
    assert _login(other, idporten, acr=HIGH).status_code == 302  # high covers substantial


@pytest.mark.parametrize("change, kind", [("nonce", "nonce"), ("signature", "signature")])
@pytest.mark.parametrize("language", ["nn", "nb"])
def test_a_wrong_nonce_and_a_tampered_id_token_are_refused(client, world, idporten, change,
                                                           kind, language):
    _register(world.plan("valid_consent").guardians[0])
    idporten.change_next_id_token(change)
    response = _login(client, idporten, headers={"Accept-Language": language})
    assert response.status_code == 400
    assert _text(kind, language) in response.text
    assert AuthSession.select().count() == 0


@pytest.mark.parametrize("language", ["nn", "nb"])
def test_an_unknown_pid_is_refused(client, world, idporten, language):
    _register(world.plan("valid_consent").guardians[0])
    response = _login(client, idporten, user="stranger", headers={"Accept-Language": language})
    assert response.status_code == 403
    assert _text("unknown", language) in response.text
    assert AuthSession.select().count() == 0


def test_an_employee_with_the_pid_is_not_logged_in(client, world, idporten):
    _register(world.coordinator)
    assert _login(client, idporten).status_code == 403


def test_a_replayed_authorization_code_is_refused(app, client, world, idporten):
    _register(world.plan("valid_consent").guardians[0])
    start = client.get("/login/idporten")
    callback = idporten.authorize(start.headers["Location"])
    assert client.get(path_of(callback)).status_code == 302
    used_code = parse_qs(urlsplit(callback).query)["code"][0]
    # An attacker who saw the callback starts a login of their own and sends the used code
    # with their own (valid) state: the provider refuses the code at the token endpoint.
    attacker = app.test_client()
    state = parse_qs(urlsplit(attacker.get("/login/idporten").headers["Location"]).query)[
        "state"][0]
    response = attacker.get(f"/login/idporten/callback?code={used_code}&state={state}")
    assert response.status_code == 400
    assert _text("code") in response.text
    assert AuthSession.select().count() == 1


@pytest.mark.parametrize("language", ["nn", "nb"])
def test_a_state_that_does_not_match_is_refused(client, world, idporten, language):
    _register(world.plan("valid_consent").guardians[0])
    start = client.get("/login/idporten", headers={"Accept-Language": language})
    callback = idporten.authorize(start.headers["Location"])
    query = parse_qs(urlsplit(callback).query)
    response = client.get(f"/login/idporten/callback?code={query['code'][0]}&state=forged",
                          headers={"Accept-Language": language})
    assert response.status_code == 400
    assert _text("state", language) in response.text
    # A callback without any login started in this browser is refused the same way.
    other = client.application.test_client()
    assert other.get("/login/idporten/callback?code=x&state=y").status_code == 400
    assert AuthSession.select().count() == 0


@pytest.mark.parametrize("language", ["nn", "nb"])
def test_cancelling_at_the_provider_is_explained(client, idporten, language):
    start = client.get("/login/idporten", headers={"Accept-Language": language})
    callback = idporten.authorize(start.headers["Location"], cancel=True)
    assert "error=access_denied" in callback
    response = client.get(path_of(callback), headers={"Accept-Language": language})
    assert response.status_code == 200
    assert _text("cancelled", language) in response.text
    assert AuthSession.select().count() == 0


def test_an_unreachable_provider_is_a_page_not_a_500(client, app, idporten):
    app.config["IDPORTEN_ISSUER"] = "http://127.0.0.1:9"  # nothing listens on port 9
    response = client.get("/login/idporten")
    assert response.status_code == 503
    assert _text("unavailable") in response.text


def test_code_login_is_off_unless_kept_as_a_fallback(client, app, world, idporten):
    plan = _sent_plan(world)
    assert client.get("/login/code").headers["Location"].startswith("/login/idporten")
    assert client.post("/login/code", data={"address": "x@test.example"}).status_code == 302
    page = client.get("/login").text
    assert "/login/idporten" in page and 'href="/login/code' not in page
    app.config["IDPORTEN_CODE_LOGIN_FALLBACK"] = True
    assert client.get("/login/code").status_code == 200
    app.config["IDPORTEN_CODE_LOGIN_FALLBACK"] = False
    # Signing with a code is off too.
    guardian = _register(plan.guardians[0])
    _login(client, idporten)
    consent = plan.consents.get()
    assert client.post(f"/plans/{plan.id}/consent/{consent.id}/sign/code").status_code == 404
    assert client.post(f"/plans/{plan.id}/consent/{consent.id}/sign",
                       data={"code": "123456"}).status_code == 404
    assert Signature.get(Signature.person == guardian).decision == Signature.PENDING


def _sent_plan(world, guardians=1):
    """A plan whose consent is sealed and out for signing."""
    plan = world.plan("consent_sent", guardians=guardians)
    consent = plan.consents.get()
    consent.seal = consent_service.seal_for(consent, consent_service.signatures_of([consent])[
        consent.id], [])
    consent.save()
    return plan


def _sign(client, plan):
    consent = plan.consents.get()
    return client.post(f"/plans/{plan.id}/consent/{consent.id}/sign/idporten")


def test_signing_with_a_fresh_authentication_records_and_seals_it(client, world, idporten):
    plan = _sent_plan(world)
    guardian = _register(plan.guardians[0])
    _login(client, idporten)
    sign_page = client.get(f"/plans/{plan.id}/consent/{plan.consents.get().id}/sign")
    assert "sign/idporten" in sign_page.text and "sign/code" not in sign_page.text
    response = _sign(client, plan)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/plans/{plan.id}/consent"
    signature = Signature.get(Signature.person == guardian)
    assert (signature.decision, signature.method) == (Signature.SIGNED, "idporten")
    assert (signature.acr, signature.amr) == (HIGH, "TestID")
    assert signature.authenticated_at == _session_row(guardian).auth_time
    # The consent page says how: with ID-porten, and at which level.
    page = client.get(f"/plans/{plan.id}/consent")
    assert tr("signed with ID-porten, security level high") in page.text
    consent = signature.consent
    authentication = {"acr": HIGH, "amr": "TestID",
                      "authenticated_at": signature.authenticated_at}
    assert signature.seal == consent_service.signature_seal(
        consent.seal, guardian.id, signature.decided_at, "", authentication)
    # The seal covers the level: the same signature at another level has another seal.
    assert signature.seal != consent_service.signature_seal(
        consent.seal, guardian.id, signature.decided_at, "",
        {**authentication, "acr": SUBSTANTIAL})


def test_an_older_authentication_needs_a_new_login_before_signing(client, world, idporten):
    plan = _sent_plan(world)
    guardian = _register(plan.guardians[0])
    _login(client, idporten)
    AuthSession.update(auth_time=utcnow() - timedelta(minutes=6)).execute()
    step_up = _sign(client, plan)
    assert step_up.status_code == 302 and step_up.headers["Location"].startswith(idporten.issuer)
    query = parse_qs(urlsplit(step_up.headers["Location"]).query)
    assert query["prompt"] == ["login"] and query["max_age"] == ["300"]
    assert Signature.get(Signature.person == guardian).decision == Signature.PENDING
    back = client.get(path_of(idporten.authorize(step_up.headers["Location"])))
    consent = plan.consents.get()
    assert back.headers["Location"] == (f"/plans/{plan.id}/consent/{consent.id}/sign"
                                        "#sign-with-idporten")
    assert utcnow() - _session_row(guardian).auth_time < timedelta(minutes=2)
    assert _sign(client, plan).status_code == 302
    assert Signature.get(Signature.person == guardian).method == "idporten"


def test_a_step_up_as_another_person_signs_nothing(client, world, idporten):
    plan = _sent_plan(world, guardians=2)
    guardian = _register(plan.guardians[0])
    _register(plan.guardians[1], "second")
    _login(client, idporten)
    AuthSession.update(auth_time=utcnow() - timedelta(minutes=6)).execute()
    step_up = _sign(client, plan)
    back = client.get(path_of(idporten.authorize(step_up.headers["Location"], user="second")))
    assert back.status_code == 403
    assert _text("other_person") in back.text
    assert Signature.get(Signature.person == guardian).decision == Signature.PENDING


def test_a_step_up_at_a_too_low_level_signs_nothing(client, world, idporten):
    plan = _sent_plan(world)
    guardian = _register(plan.guardians[0])
    _login(client, idporten)
    AuthSession.update(auth_time=utcnow() - timedelta(minutes=6)).execute()
    step_up = _sign(client, plan)
    back = client.get(path_of(idporten.authorize(step_up.headers["Location"], acr=SUBSTANTIAL)))
    assert back.status_code == 403 and _text("level") in back.text
    assert Signature.get(Signature.person == guardian).decision == Signature.PENDING


def test_logout_ends_the_session_at_the_provider_too(client, world, idporten):
    guardian = _register(world.plan("valid_consent").guardians[0])
    _login(client, idporten)
    id_token = _session_row(guardian).id_token
    response = client.post("/logout")
    location = response.headers["Location"]
    assert location.startswith(idporten.issuer + "/session/end")
    query = parse_qs(urlsplit(location).query)
    assert query["id_token_hint"] == [id_token]
    assert query["post_logout_redirect_uri"] == [f"{idporten.base}/login"]
    assert AuthSession.select().count() == 0
    # The provider accepts the request (the hint is its own id_token, the URI registered).
    assert requests.get(location, timeout=10).status_code == 200


def test_the_stafetthaldar_registers_an_identity_number(client, world, login_as, app):
    plan = world.plan("valid_consent")
    participant = plan.guardians[0].participations.get()
    login_as(world.coordinator)
    url = f"/plans/{plan.id}/participants/{participant.id}/identity-number"
    assert client.get(url).status_code == 200
    assert client.post(url, data={"national_id": "12345678901"}).status_code == 422
    number = USERS["guardian"]["pid"]
    assert client.post(url, data={"national_id": number}).status_code == 302
    assert Person.get_by_id(plan.guardians[0].id).pid_hash == service.pid_hash(number)
    # On the timeline and in the audit trail, by the stafetthaldar; the number in neither.
    event = TimelineEvent.get((TimelineEvent.plan == plan)
                              & (TimelineEvent.kind == "identity_number_registered"))
    assert (event.actor_id, event.detail) == (world.coordinator.id, "guardian")
    entry = AuditEntry.select().where(AuditEntry.plan_id == plan.id).order_by(
        AuditEntry.seq.desc()).first()
    assert (entry.actor_id, entry.action, entry.section) == (
        world.coordinator.id, "write", "identity_number_registered")
    assert number not in repr(event.__data__) and number not in repr(entry.__data__)
    other = plan.guardians[1].participations.get()
    taken = client.post(f"/plans/{plan.id}/participants/{other.id}/identity-number",
                        data={"national_id": number})
    assert taken.status_code == 422
    # The stafetthaldar's own participation is not a family member's: 404.
    own = world.coordinator.participations.get()
    assert client.get(f"/plans/{plan.id}/participants/{own.id}/identity-number"
                      ).status_code == 404


def test_the_configuration_is_checked():
    from tests.test_config import INSTANCE, PRODUCTION
    from webapp.config import ConfigError, from_environment

    assert not service.configured(from_environment(INSTANCE, {}))
    base = {**PRODUCTION, "IDPORTEN_ISSUER": "https://idporten.no",
            "IDPORTEN_CLIENT_ID": "abc", "IDPORTEN_CLIENT_SECRET": "s",
            "IDPORTEN_PID_KEY": "k" * 32}
    config = from_environment(INSTANCE, base)
    assert service.configured(config) and not service.code_login_allowed(config)
    assert config["IDPORTEN_LEVEL"] == HIGH
    assert service.code_login_allowed({**config, "IDPORTEN_CODE_LOGIN_FALLBACK": True})
    for broken in ({"IDPORTEN_PID_KEY": "short"}, {"IDPORTEN_CLIENT_SECRET": ""},
                   {"IDPORTEN_CLIENT_ID": ""}, {"IDPORTEN_LEVEL": "idporten-loa-low"},
                   {"IDPORTEN_ISSUER": "http://idporten.example"}):
        with pytest.raises(ConfigError):
            from_environment(INSTANCE, {**base, **broken})


def test_the_csp_lets_forms_lead_to_the_provider_only_when_configured(client, app, idporten):
    assert f"form-action 'self' {idporten.issuer}" in client.get("/login").headers[
        "Content-Security-Policy"]
    app.config["IDPORTEN_ISSUER"] = ""
    assert "form-action 'self';" in client.get("/login").headers["Content-Security-Policy"]


def test_a_session_that_ended_during_the_step_up_signs_nothing(client, world, idporten):
    plan = _sent_plan(world)
    guardian = _register(plan.guardians[0])
    _login(client, idporten)
    AuthSession.update(auth_time=utcnow() - timedelta(minutes=6)).execute()
    step_up = _sign(client, plan)
    AuthSession.delete().execute()  # idle timeout, or logged out in another tab
    back = client.get(path_of(idporten.authorize(step_up.headers["Location"])))
    assert back.status_code == 400 and _text("session_ended") in back.text
    assert Signature.get(Signature.person == guardian).decision == Signature.PENDING


def test_an_employee_logs_out_here_only(client, world, login_as, idporten):
    login_as(world.coordinator)
    assert client.post("/logout").headers["Location"] == "/login"
